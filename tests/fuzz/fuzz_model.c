/*
 * fuzz_model / fuzz_model_sum — the model-bundle loader, stance_model_load_mem.
 *
 * fuzz_model feeds the bytes as they are: almost every mutation dies at the checksum,
 * which is the point of that check. fuzz_model_sum (FUZZ_FIX_CHECKSUM) first replaces
 * the last "checksum fnv1a64" line with a correct one over the mutated bytes, so the
 * fuzzer reaches the header, libsvm-section and support-vector validation.
 *
 * Promises: failure leaves *out NULL and an error naming the bundle; a bundle that
 * loads has 2..8 labels, scores any text to a label in range, and its libsvm section
 * loads in libsvm itself (the validator is what stands between a file and libsvm).
 */
#include "fuzz_common.h"
#include "model.h"
#include "train.h"

static char *fix_checksum(const uint8_t *data, size_t size, size_t *outlen)
{
    static const char ck[] = "checksum fnv1a64 ";
    size_t keep = size;
    /* drop the last checksum line (and anything after it) */
    for (size_t i = size; i-- > 0;)
        if ((i == 0 || data[i - 1] == '\n') && size - i >= sizeof ck - 1 && !memcmp(data + i, ck, sizeof ck - 1)) {
            keep = i;
            break;
        }
    int nl = keep > 0 && data[keep - 1] != '\n';
    size_t n = keep + (size_t)nl, cap = n + sizeof ck + 18;
    char *b = malloc(cap);
    FUZZ_CHECK(b != NULL);
    memcpy(b, data, keep);
    if (nl)
        b[keep] = '\n';
    uint64_t h = stance__fnv1a64(b, n, STANCE_FNV_OFFSET);
    n += (size_t)snprintf(b + n, cap - n, "%s%016llx\n", ck, (unsigned long long)h);
    *outlen = n;
    return b;
}

static const char *const fm_quotes[] = {
    "We expect strong growth next year, but risks remain.",
    "This is not a reckless bet; it is a disaster waiting to happen!",
    "",
};

/* One input; fix: recompute the checksum line first. */
static void fuzz_model_one(const uint8_t *data, size_t size, int fix)
{
    const char *buf = (const char *)data;
    size_t len = size;
    char *fixed = NULL;
    if (fix)
        buf = fixed = fix_checksum(data, size, &len);
    stance_model *m = (stance_model *)1;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_model_load_mem(buf, len, "fuzz.model", &m, &err);
    if (st != STANCE_OK) {
        FUZZ_CHECK(m == NULL);
        FUZZ_CHECK(err.status == st && (st == STANCE_E_MODEL || st == STANCE_E_NOMEM));
        FUZZ_CHECK(!strcmp(err.file, "fuzz.model"));
    } else {
        size_t k = stance_model_nlabels(m);
        FUZZ_CHECK(k >= 2 && k <= STANCE_MAX_LABELS);
        for (size_t i = 0; i < k; i++)
            FUZZ_CHECK(stance_model_label(m, i) && stance_model_label(m, i)[0]);
        FUZZ_CHECK(stance_model_label(m, k) == NULL);
        (void)stance_model_info(m, "seed");
        stance_scratch *s = stance_scratch_new(m);
        FUZZ_CHECK(s != NULL);
        for (size_t q = 0; q < sizeof fm_quotes / sizeof fm_quotes[0]; q++)
            fuzz_score(m, s, fm_quotes[q], strlen(fm_quotes[q]));
        stance_scratch_free(s);
        /* whatever the validator lets through, libsvm's own loader must digest */
        struct svm_model *sm = stance__libsvm_load(m, &err);
        FUZZ_CHECK(sm != NULL);
        stance__libsvm_free(sm);
        stance_model_free(m);
    }
    free(fixed);
}

#ifndef FUZZ_FIX_CHECKSUM
#define FUZZ_FIX_CHECKSUM 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_model_one(data, size, FUZZ_FIX_CHECKSUM);
    return 0;
}
