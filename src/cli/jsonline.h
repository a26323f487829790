/*
 * jsonline.h — a fast reader for the usual `stance score --quotes` line.
 *
 * Most JSONL quote lines are one flat object: string keys, a "text" string, perhaps an
 * "id", perhaps other fields holding strings, integers, true, false or null. jl_parse
 * reads exactly such a line without building a JSON tree, and gives back the decoded text
 * and id. Anything else (nested values, real numbers, escaped keys, a repeated "text" or
 * "id", a surrogate or NUL escape that jansson rejects, invalid UTF-8, any syntax error)
 * is declined, and the caller parses the line with jansson as before, which also makes
 * every error message. So a line jl_parse takes is one jansson accepts, with the same text
 * and id; tests/test_jsonline.c checks this against jansson on generated lines.
 */
#ifndef STANCE_CLI_JSONLINE_H
#define STANCE_CLI_JSONLINE_H

#include <stddef.h>

typedef struct {
    char *buf; /* decoded strings that had escapes; reused from line to line */
    size_t cap;
} jl_scratch;

enum { JL_ID_NONE, JL_ID_STRING, JL_ID_LITERAL };

typedef struct {
    const char *text; /* the decoded "text" (into the line, or into the scratch) */
    size_t len;
    int id_kind;      /* JL_ID_STRING: id/idlen is the decoded string; JL_ID_LITERAL: an
                         integer, true, false or null, as written (and as jansson prints it) */
    const char *id;
    size_t idlen;
} jl_quote;

/* 1: the line was read into q; 0: declined (use jansson); -1: out of memory. */
int jl_parse(const char *line, size_t len, jl_scratch *s, jl_quote *q);
void jl_scratch_free(jl_scratch *s);

#endif
