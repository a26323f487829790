/*
 * fuzz_quotes — the JSONL quote path of `stance score --quotes` / `--lines`.
 *
 * The bytes are a stream read by stance_lines (any line ends, BOM, NULs, over-long
 * lines); each line is scored as plain text (what --lines --lossy does) and, when it
 * parses as a JSON object with a "text" string, its text is scored and explained
 * (what --quotes does). The CLI's fast path for flat JSON lines must agree with jansson
 * on every line it takes (tests/jsonline_check.h). The model is tests/fuzz/small.model,
 * loaded once.
 */
#include <jansson.h>

#include "../jsonline_check.h"
#include "fuzz_common.h"
#include "lines.h"

static stance_model *fq_model;
static stance_scratch *fq_scratch;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    stance_error err;
    stance_error_clear(&err);
    if (stance_model_load(STANCE_FUZZ_MODEL, &fq_model, &err)) {
        char b[700];
        fprintf(stderr, "fuzz_quotes: %s\n", stance_error_format(&err, b, sizeof b));
        exit(1);
    }
    fq_scratch = stance_scratch_new(fq_model);
    FUZZ_CHECK(fq_scratch != NULL);
    return 0;
}

#define FQ_MAX_LINE 8192

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* fmemopen refuses a zero-sized buffer; one byte of it unread is the same stream */
    static const char empty[1] = {0};
    FILE *f = size ? fmemopen((void *)data, size, "rb") : fmemopen((void *)empty, 1, "rb");
    FUZZ_CHECK(f != NULL);
    if (!size)
        (void)getc(f);
    stance_lines lr;
    stance_lines_init(&lr, f, "<fuzz>", FQ_MAX_LINE);
    stance_error err;
    stance_error_clear(&err);
    int r;
    long lines = 0;
    size_t consumed = 0;
    while ((r = stance_lines_next(&lr, &err)) == 1) {
        lines++;
        FUZZ_CHECK(lr.lineno == lines);
        FUZZ_CHECK(lr.len <= FQ_MAX_LINE && lr.buf[lr.len] == 0);
        consumed += lr.len;
        FUZZ_CHECK(consumed <= size);
        fuzz_score(fq_model, fq_scratch, lr.buf, lr.len);
        static jl_scratch js;
        int taken;
        const char *why;
        FUZZ_CHECK(jl_agrees(lr.buf, lr.len, &js, &taken, &why));
        json_error_t je;
        json_t *doc = json_loadb(lr.buf, lr.len, 0, &je);
        if (!doc) {
            FUZZ_CHECK(je.position >= 0 && (size_t)je.position <= lr.len);
            continue;
        }
        json_t *t = json_object_get(doc, "text");
        if (json_is_object(doc) && json_is_string(t))
            fuzz_score(fq_model, fq_scratch, json_string_value(t), json_string_length(t));
        json_decref(doc);
    }
    if (r < 0) {
        FUZZ_CHECK(err.status == STANCE_E_INPUT);
        FUZZ_CHECK(err.line == lines + 1 && !strcmp(err.file, "<fuzz>"));
    }
    stance_lines_free(&lr);
    fclose(f);
    return 0;
}
