/*
 * jsonline_check.h — does the --quotes fast path (src/cli/jsonline.c) agree with jansson
 * on one line? Shared by tests/test_jsonline.c and the fuzz_quotes harness.
 *
 * Agreement: either the fast path declines the line (0), or jansson parses it too, into
 * an object whose "text" is the same bytes, and whose "id" is absent when the fast path
 * saw none, the same string, or a value jansson prints exactly as the fast path kept it.
 * Returns 1 when they agree; 0, with a reason in why, when not. *taken says whether the
 * fast path read the line.
 */
#ifndef STANCE_TESTS_JSONLINE_CHECK_H
#define STANCE_TESTS_JSONLINE_CHECK_H

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli/jsonline.h"

static int jl_agrees(const char *line, size_t len, jl_scratch *s, int *taken, const char **why)
{
    jl_quote q;
    int r = jl_parse(line, len, s, &q);
    *taken = r == 1;
    *why = "";
    if (r != 1)
        return r == 0 ? 1 : (*why = "out of memory", 0);
    json_error_t je;
    json_t *doc = json_loadb(line, len, 0, &je);
    json_t *t = doc ? json_object_get(doc, "text") : NULL, *id = doc ? json_object_get(doc, "id") : NULL;
    if (!doc)
        *why = "jansson rejects a line the fast path took";
    else if (!json_is_object(doc) || !json_is_string(t))
        *why = "jansson finds no \"text\" string";
    else if (json_string_length(t) != q.len || memcmp(json_string_value(t), q.text, q.len))
        *why = "the texts differ";
    else if (q.id_kind == JL_ID_NONE && id)
        *why = "jansson finds an id the fast path missed";
    else if (q.id_kind == JL_ID_STRING &&
             (!json_is_string(id) || json_string_length(id) != q.idlen || memcmp(json_string_value(id), q.id, q.idlen)))
        *why = "the string ids differ";
    else if (q.id_kind == JL_ID_LITERAL) {
        char *d = id && !json_is_string(id) ? json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        if (!d || strlen(d) != q.idlen || memcmp(d, q.id, q.idlen))
            *why = "jansson prints the id differently";
        free(d);
    }
    int ok = !**why;
    json_decref(doc);
    return ok;
}

#endif
