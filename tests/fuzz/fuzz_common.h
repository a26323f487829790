/*
 * fuzz_common.h — shared by the libFuzzer harnesses.
 *
 * A harness checks the library's documented promises on every input, not only "no
 * crash": spans inside the input, labels inside the model, errors that carry a status.
 * A broken promise calls FUZZ_CHECK, which aborts, and libFuzzer records the input.
 */
#ifndef STANCE_FUZZ_COMMON_H
#define STANCE_FUZZ_COMMON_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stance.h"

#define FUZZ_CHECK(cond)                                                                          \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "%s:%d: promise broken: %s\n", __FILE__, __LINE__, #cond);           \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

/* Read every byte of a view so ASan sees an out-of-bounds pointer. */
static inline unsigned fuzz_touch(const char *p, size_t n)
{
    unsigned h = 0;
    for (size_t i = 0; i < n; i++)
        h = h * 31 + (unsigned char)p[i];
    return h;
}

/* A scored result must name a label of the model and carry probabilities in [0, 1]. */
static inline void fuzz_check_result(const stance_model *m, const stance_result *r)
{
    size_t k = stance_model_nlabels(m);
    FUZZ_CHECK(r->label >= 0 && (size_t)r->label < k);
    FUZZ_CHECK(r->npairs == k * (k - 1) / 2);
    for (size_t i = 0; i < k; i++)
        FUZZ_CHECK(isnan(r->prob[i]) || (r->prob[i] >= -1e-9 && r->prob[i] <= 1 + 1e-9));
}

/* Score text and explain it; evidence spans must lie inside the text. */
static inline void fuzz_score(const stance_model *m, stance_scratch *s, const char *text, size_t len)
{
    stance_result r;
    stance_error err;
    stance_error_clear(&err);
    FUZZ_CHECK(stance_score(m, s, text, len, &r, &err) == STANCE_OK);
    fuzz_check_result(m, &r);
    stance_evidence ev[16];
    size_t n = 99;
    FUZZ_CHECK(stance_explain(m, s, text, len, &r, ev, 16, &n, &err) == STANCE_OK);
    FUZZ_CHECK(n <= 16);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(ev[i].kind != NULL);
        FUZZ_CHECK(ev[i].span.start <= ev[i].span.end && ev[i].span.end <= len);
        fuzz_touch(text + ev[i].span.start, ev[i].span.end - ev[i].span.start);
        if (i)
            FUZZ_CHECK(!(ev[i].contribution > ev[i - 1].contribution));
    }
    /* scoring is pure: the same text gives the same result with the same scratch */
    stance_result r2;
    FUZZ_CHECK(stance_score(m, s, text, len, &r2, NULL) == STANCE_OK);
    FUZZ_CHECK(r2.label == r.label);
}

#endif
