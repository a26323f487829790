/* test_model.c — the bundle validator and the collapsed scorer against libsvm. */
#include <criterion/criterion.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "train.h"

#include "test_util.h"

#define MODEL STANCE_SOURCE_DIR "/models/stance.model"
#define CORPUS STANCE_SOURCE_DIR "/training/corpus.jsonl"


/* Replace the first occurrence of `from` with `to` and fix the checksum, so that the
   validator's later checks are reached. Returns a new buffer. */
static char *mutate(const char *orig, const char *from, const char *to, size_t *len)
{
    const char *at = strstr(orig, from);
    cr_assert_not_null(at, "pattern '%s' not in model", from);
    size_t ol = strlen(orig), fl = strlen(from), tl = strlen(to);
    char *b = malloc(ol - fl + tl + 64);
    size_t pre = (size_t)(at - orig);
    memcpy(b, orig, pre);
    memcpy(b + pre, to, tl);
    memcpy(b + pre + tl, at + fl, ol - pre - fl + 1);
    /* drop the old checksum line and append a fresh one */
    char *ck = strstr(b, "checksum fnv1a64 ");
    cr_assert_not_null(ck);
    size_t body = (size_t)(ck - b);
    uint64_t h = stance__fnv1a64(b, body, STANCE_FNV_OFFSET);
    sprintf(b + body, "checksum fnv1a64 %016llx\n", (unsigned long long)h);
    *len = strlen(b);
    return b;
}

static void expect_reject(const char *buf, size_t len, const char *reason)
{
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_model_load_mem(buf, len, "bad.model", &m, &err);
    cr_assert_eq(st, STANCE_E_MODEL, "expected a model error (%s), got %d: %s", reason, st, err.text);
    cr_assert_null(m);
    cr_assert_str_eq(err.file, "bad.model");
    cr_assert_not_null(strstr(err.text, reason), "message '%s' should mention '%s'", err.text, reason);
}

static char *model_text;
static size_t model_len;

/* The shipped bundle as text (it is stored gzip-compressed). */
static void load_text(void)
{
    size_t len;
    char *raw = slurp(MODEL, &len);
    cr_assert_not_null(raw, "cannot read %s", MODEL);
    if (len > 2 && (unsigned char)raw[0] == 0x1f && (unsigned char)raw[1] == 0x8b) {
        cr_assert_eq(stance__gunzip(raw, len, MODEL, &model_text, &model_len, NULL), STANCE_OK);
        free(raw);
        /* a NUL at the end for the string helpers below */
        char *t = malloc(model_len + 1);
        memcpy(t, model_text, model_len);
        t[model_len] = 0;
        free(model_text);
        model_text = t;
    } else {
        model_text = raw;
        model_len = len;
    }
}
static void free_text(void) { free(model_text); }

TestSuite(validator, .init = load_text, .fini = free_text);

Test(validator, shipped_model_loads)
{
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_model_load_mem(model_text, model_len, "m", &m, &err), STANCE_OK, "%s", err.text);
    cr_assert_eq(stance_model_nlabels(m), 3);
    cr_assert_str_eq(stance_model_label(m, 0), "bullish");
    cr_assert_str_eq(stance_model_label(m, 1), "critical");
    cr_assert_str_eq(stance_model_label(m, 2), "cautious");
    cr_assert_not_null(stance_model_info(m, "seed"));
    stance_model_free(m);
}

Test(validator, any_changed_byte_is_caught)
{
    char *b = malloc(model_len);
    /* flip bytes spread over the whole file: every one must fail the checksum */
    for (size_t pos = 0; pos < model_len - 30; pos += model_len / 97 + 1) {
        memcpy(b, model_text, model_len);
        b[pos] ^= 0x01;
        stance_model *m = NULL;
        stance_error err;
        stance_error_clear(&err);
        cr_assert_neq(stance_model_load_mem(b, model_len, "x", &m, &err), STANCE_OK, "flip at %zu accepted", pos);
        cr_assert_null(m);
    }
    /* the message names the checksum line, the file's last */
    long lines = 0;
    for (size_t i = 0; i < model_len; i++)
        lines += model_text[i] == '\n';
    memcpy(b, model_text, model_len);
    size_t pos = model_len / 2;
    while (b[pos] == '\n')
        pos++; /* keep the line count */
    b[pos] ^= 0x01;
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_model_load_mem(b, model_len, "x", &m, &err), STANCE_E_MODEL);
    cr_assert_eq(err.line, lines, "checksum error on line %ld, the file has %ld", err.line, lines);
    cr_assert_not_null(strstr(err.text, "checksum mismatch"), "%s", err.text);
    free(b);
}

Test(validator, truncation_is_caught)
{
    for (size_t cut = 1; cut < model_len; cut += model_len / 31 + 1)
        expect_reject(model_text, model_len - cut, "checksum");
    expect_reject("", 0, "not a stance model");
    expect_reject("x", 1, "not a stance model");
}

Test(validator, header_and_section_errors)
{
    struct {
        const char *from, *to, *reason;
    } cases[] = {
        {"stance-model 1\n", "stance-model 9\n", "not a stance model"},
        {"labels bullish critical cautious", "labels bullish bullish cautious", "duplicate label"},
        {"labels bullish critical cautious", "labels bullish", "at least two labels"},
        {"labels bullish critical cautious", "labels bullish critical", "nr_class differs"},
        {"features hash_bits=", "features hash_bits=99 x=", "unknown feature option"},
        {"svm_type c_svc", "svm_type nu_svc", "svm_type must be c_svc"},
        {"kernel_type linear", "kernel_type rbf", "kernel_type must be linear"},
        {"nr_class 3", "nr_class 1", "nr_class must be 2..8"},
        {"nr_class 3", "nr_class 300", "nr_class must be 2..8"},
        {"total_sv ", "total_sv -", "total_sv must be a positive integer"},
        {"\nrho ", "\nrhox ", "expected 'rho'"},
        {"\nrho ", "\nrho nan ", "rho needs exactly"},
        {"label 1 2 3", "label 2 1 3", "label must list 1..k"},
        {"\nprobB ", "\nprobC ", "probA without probB"},
        {"\nnr_sv ", "\nnr_sv 1 ", "nr_sv"},
        {"\nSV\n", "\nSVX\n", "expected 'SV'"},
        {"info seed ", "info seed 1\ninfo seed ", "duplicate info key"},
        {"\nend\n", "\nend\nextra\n", "unexpected text after 'end'"},
        {"\nidf ", "\nidfx ", "expected 'info KEY VALUE'"},
        {" idf=1", " idf=0", "idf section but features say idf=0"},
        {"\nidf ", "\nidf x", "malformed 'idf NDOCS NLINES'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len;
        char *b = mutate(model_text, cases[i].from, cases[i].to, &len);
        expect_reject(b, len, cases[i].reason);
        free(b);
    }
}

Test(validator, sv_line_errors_name_the_line)
{
    /* the first SV line: make its first index larger than the next one */
    const char *sv = strstr(model_text, "\nSV\n");
    cr_assert_not_null(sv);
    const char *line = sv + 4, *nl = strchr(line, '\n');
    char first[4096];
    size_t l = (size_t)(nl - line);
    cr_assert_lt(l, sizeof first);
    memcpy(first, line, l);
    first[l] = 0;

    /* short coefficient row: keep one coefficient only */
    char shorter[4096];
    const char *sp1 = strchr(first, ' ');
    snprintf(shorter, sizeof shorter, "%.*s\n", (int)(sp1 - first), first);
    char from[4200];
    snprintf(from, sizeof from, "%s\n", first);
    size_t len;
    char *b = mutate(model_text, from, shorter, &len);
    expect_reject(b, len, "k-1 finite coefficients");
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_model_load_mem(b, len, "bad.model", &m, &err);
    long want_line = 1;
    for (const char *p = model_text; p < line; p++)
        want_line += *p == '\n';
    cr_assert_eq(err.line, want_line, "error on line %ld, expected %ld", err.line, want_line);
    free(b);

    /* an index out of order */
    char swapped[4200];
    snprintf(swapped, sizeof swapped, "%s1:0.5 \n", first);
    b = mutate(model_text, from, swapped, &len);
    expect_reject(b, len, "strictly ascending");
    free(b);

    /* an index beyond the feature space */
    snprintf(swapped, sizeof swapped, "%s999999999:0.5 \n", first);
    b = mutate(model_text, from, swapped, &len);
    expect_reject(b, len, "feature index");
    free(b);

    /* a missing SV line */
    b = mutate(model_text, from, "", &len);
    expect_reject(b, len, "");
    free(b);
}

Test(validator, missing_file_is_an_io_error)
{
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_model_load("/nonexistent/stance.model", &m, &err), STANCE_E_IO);
    cr_assert_str_eq(err.file, "/nonexistent/stance.model");
}

/* ---- the collapsed scorer equals libsvm */

/* want quotes: corpus texts spread over the whole corpus, then, past its size, sentence
   recombinations of them. */
static char **quotes(size_t want, size_t *n)
{
    stance__dataset d;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance__dataset_read(CORPUS, NULL, 0, NULL, 0, &d, &err), STANCE_OK, "%s", err.text);
    char **q = malloc(want * sizeof *q);
    size_t k = 0, step = d.n > want ? d.n / want : 1;
    for (size_t i = 0; i < d.n && k < want; i += step)
        q[k++] = strdup(d.ex[i].text);
    for (size_t i = 0; k < want; i++) {
        const char *a = d.ex[(i * 7919) % d.n].text, *b = d.ex[(i * 104729 + 13) % d.n].text;
        const char *dot = strchr(a, '.');
        size_t al = dot ? (size_t)(dot - a + 1) : strlen(a);
        size_t bl = strlen(b);
        char *s = malloc(al + bl + 2);
        memcpy(s, a, al);
        s[al] = ' ';
        memcpy(s + al + 1, b, bl + 1);
        q[k++] = s;
    }
    stance__dataset_free(&d);
    *n = k;
    return q;
}

/* One thread's share of the equivalence run: libsvm's own path costs milliseconds per
   quote, so the quotes are split over two threads, each with its own scratch (libsvm's
   prediction only reads the model). Threads record; the test thread asserts. */
typedef struct {
    const stance_model *m;
    const struct svm_model *sm;
    char **q;
    size_t from, to;
    size_t disagree, failed;
    double maxdd, maxdp;
} eq_job;

static void *eq_run(void *arg)
{
    eq_job *j = arg;
    stance_scratch *s = stance_scratch_new(j->m);
    stance__libsvm_scratch ls;
    if (!s || stance__libsvm_scratch_init(&ls, j->m)) {
        j->failed = j->to - j->from;
        stance_scratch_free(s);
        return NULL;
    }
    for (size_t i = j->from; i < j->to; i++) {
        stance_result a, b;
        if (stance_score(j->m, s, j->q[i], strlen(j->q[i]), &a, NULL) != STANCE_OK ||
            stance__libsvm_score(j->m, j->sm, &ls, j->q[i], strlen(j->q[i]), 1, &b)) {
            j->failed++;
            continue;
        }
        j->disagree += a.label != b.label;
        for (size_t p = 0; p < a.npairs; p++)
            j->maxdd = fmax(j->maxdd, fabs(a.decision[p] - b.decision[p]));
        for (size_t c = 0; c < 3; c++)
            j->maxdp = fmax(j->maxdp, fabs(a.prob[c] - b.prob[c]));
    }
    stance__libsvm_scratch_free(&ls);
    stance_scratch_free(s);
    return NULL;
}

/* Score nq quotes with the model at path both ways, on two threads; assert that every
   label agrees and decision values and probabilities are within 1e-9. */
static void expect_libsvm_equivalence(const char *path, size_t nq)
{
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_model_load(path, &m, &err), STANCE_OK, "%s", err.text);
    struct svm_model *sm = stance__libsvm_load(m, &err);
    cr_assert_not_null(sm, "%s", err.text);
    size_t n;
    char **q = quotes(nq, &n);
    cr_assert_eq(n, nq);
    eq_job jobs[2] = {{m, sm, q, 0, n / 2, 0, 0, 0, 0}, {m, sm, q, n / 2, n, 0, 0, 0, 0}};
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, eq_run, &jobs[1]), 0);
    eq_run(&jobs[0]);
    pthread_join(th, NULL);
    for (size_t i = 0; i < n; i++)
        free(q[i]);
    free(q);
    size_t disagree = jobs[0].disagree + jobs[1].disagree, failed = jobs[0].failed + jobs[1].failed;
    double maxdd = fmax(jobs[0].maxdd, jobs[1].maxdd), maxdp = fmax(jobs[0].maxdp, jobs[1].maxdp);
    cr_log_info("%s, %zu quotes: %zu label differences, max |decision diff| %.3g, max |probability diff| %.3g",
                path, n, disagree, maxdd, maxdp);
    cr_assert_eq(failed, 0, "%zu quotes could not be scored by one of the paths", failed);
    cr_assert_eq(disagree, 0, "labels differ from libsvm on %zu quotes", disagree);
    cr_assert_lt(maxdd, 1e-9, "decision values differ by %g", maxdd);
    cr_assert_lt(maxdp, 1e-9, "probabilities differ by %g", maxdp);
    stance__libsvm_free(sm);
    stance_model_free(m);
}

/* The shipped model's libsvm path costs about 17 ms a quote (two passes over 16,000
   support vectors), so it is compared on 1,000 quotes spread over the corpus; the
   collapse itself is the same code for any model, and a small one (60 support vectors,
   2^12 features, so hash collisions everywhere) is compared on 10,000. */
Test(equivalence, collapsed_scorer_matches_libsvm_on_the_shipped_model, .timeout = 600)
{
    expect_libsvm_equivalence(MODEL, 1000);
}

Test(equivalence, collapsed_scorer_matches_libsvm_on_10000_quotes)
{
    expect_libsvm_equivalence(STANCE_SOURCE_DIR "/tests/fuzz/small.model", 10000);
}

Test(equivalence, probabilities_sum_to_one_and_label_is_argmax)
{
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(MODEL, &m, NULL), STANCE_OK);
    stance_scratch *s = stance_scratch_new(m);
    const char *texts[] = {"", "Buy.", "This is a reckless, value-destroying deal.",
                           "If execution holds, the upside is real, but the risk is non-trivial."};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        stance_result r;
        cr_assert_eq(stance_score(m, s, texts[i], strlen(texts[i]), &r, NULL), STANCE_OK);
        double sum = r.prob[0] + r.prob[1] + r.prob[2];
        cr_assert_float_eq(sum, 1.0, 1e-9);
        for (size_t c = 0; c < 3; c++)
            cr_assert(r.prob[r.label] >= r.prob[c]);
        cr_assert_float_eq(r.confidence, r.prob[r.label], 0);
    }
    stance_scratch_free(s);
    stance_model_free(m);
}

Test(explain, evidence_points_at_the_deciding_words)
{
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(MODEL, &m, NULL), STANCE_OK);
    stance_scratch *s = stance_scratch_new(m);
    /* the evidence contributions of a quote sum (with the rest) to its decision; the top
       item must come from the quote's text and push toward the chosen label */
    const char *t = "Management has been reckless and the board should be ashamed of this disastrous deal.";
    stance_result r;
    stance_score(m, s, t, strlen(t), &r, NULL);
    stance_evidence ev[5];
    size_t n = 0;
    cr_assert_eq(stance_explain(m, s, t, strlen(t), &r, ev, 5, &n, NULL), STANCE_OK);
    cr_assert_gt(n, 0);
    for (size_t i = 0; i < n; i++) {
        cr_assert_leq(ev[i].span.end, strlen(t));
        cr_assert_lt(ev[i].span.start, ev[i].span.end);
        if (i)
            cr_assert_geq(ev[i - 1].contribution, ev[i].contribution, "sorted by contribution");
    }
    cr_assert_gt(ev[0].contribution, 0);
    /* explaining does not disturb scoring: the same quote scores the same afterwards */
    stance_result r2;
    stance_score(m, s, t, strlen(t), &r2, NULL);
    cr_assert_eq(memcmp(r.prob, r2.prob, sizeof r.prob), 0);
    stance_scratch_free(s);
    stance_model_free(m);
}

/* Quotes whose deciding word is known: it must be among the top three pieces of evidence,
   and the evidence must name where in the quote it came from. */
Test(explain, deciding_words_are_in_the_top_evidence)
{
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(MODEL, &m, NULL), STANCE_OK);
    stance_scratch *s = stance_scratch_new(m);
    struct {
        const char *quote, *label, *word;
    } cases[] = {
        {"This merger is reckless.", "critical", "reckless"},
        {"If the integration works, maybe.", "cautious", "If"},
        {"We are upgrading the shares to buy.", "bullish", "buy"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].quote;
        stance_result r;
        stance_score(m, s, t, strlen(t), &r, NULL);
        cr_assert_str_eq(stance_model_label(m, (size_t)r.label), cases[i].label, "%s", t);
        stance_evidence ev[3];
        size_t n = 0, wl = strlen(cases[i].word);
        stance_explain(m, s, t, strlen(t), &r, ev, 3, &n, NULL);
        int found = 0;
        for (size_t e = 0; e < n; e++)
            found |= ev[e].span.end - ev[e].span.start == wl && !memcmp(t + ev[e].span.start, cases[i].word, wl);
        cr_assert(found, "'%s' should be in the top evidence for '%s'", cases[i].word, t);
    }
    stance_scratch_free(s);
    stance_model_free(m);
}

/* The compressed form: a changed byte anywhere is caught (gzip's CRC or our checksum),
   truncation too, and the text inside loads the same model. */
Test(validator, compressed_bundles)
{
    size_t len;
    char *gz = NULL, *raw = slurp(MODEL, &len);
    cr_assert_not_null(raw);
    size_t glen;
    cr_assert_eq(stance__gzip(model_text, model_len, &gz, &glen, NULL), STANCE_OK);
    stance_model *a = NULL, *b = NULL;
    cr_assert_eq(stance_model_load_mem(gz, glen, "z", &a, NULL), STANCE_OK);
    cr_assert_eq(stance_model_load_mem(model_text, model_len, "t", &b, NULL), STANCE_OK);
    cr_assert_eq(memcmp(a->W, b->W, ((size_t)a->dim + 1) * a->wstride * sizeof(double)), 0);
    stance_model_free(a);
    stance_model_free(b);
    for (size_t pos = 10; pos < glen; pos += glen / 61 + 1) {
        gz[pos] ^= 0x10;
        stance_model *m = NULL;
        stance_error err;
        stance_error_clear(&err);
        cr_assert_eq(stance_model_load_mem(gz, glen, "z", &m, &err), STANCE_E_MODEL, "flip at %zu accepted", pos);
        cr_assert_null(m);
        gz[pos] ^= 0x10;
    }
    expect_reject(gz, glen / 2, "gzip");
    free(gz);
    free(raw);
}

/* A model loaded from a file keeps no copy of its libsvm section (the largest part of the
   text); libsvm's path reads it again, and refuses a file that changed in between. */
Test(validator, libsvm_path_rereads_the_file_and_notices_a_change)
{
    char path[] = "/tmp/stance-test-model-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    size_t slen;
    char *small = slurp(STANCE_SOURCE_DIR "/tests/fuzz/small.model", &slen);
    cr_assert_not_null(small);
    cr_assert_eq(write(fd, small, slen), (ssize_t)slen);
    close(fd);
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_model_load(path, &m, &err), STANCE_OK, "%s", err.text);
    cr_assert_null(m->libsvm_text, "the section is not kept in memory");
    struct svm_model *sm = stance__libsvm_load(m, &err);
    cr_assert_not_null(sm, "%s", err.text);
    stance__libsvm_free(sm);
    /* replace the file with another valid bundle: the shipped model */
    size_t blen;
    char *big = slurp(MODEL, &blen);
    cr_assert_not_null(big);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(big, 1, blen, f), blen);
    fclose(f);
    stance_error_clear(&err);
    cr_assert_null(stance__libsvm_load(m, &err));
    cr_assert(strstr(err.text, "changed after it was loaded"), "%s", err.text);
    stance_model_free(m);
    unlink(path);
    free(small);
    free(big);
}

/* The loader's fast number path must give strtod's double bit for bit, or hand over. */
Test(numbers, fast_decimals_equal_strtod)
{
    unsigned long long x = 88172645463325252ULL; /* xorshift64 */
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    char buf[64];
    size_t taken = 0;
    for (int i = 0; i < 1000000; i++) {
        size_t n = 0;
        if (NEXT() % 4 == 0)
            buf[n++] = '-';
        int ints = (int)(NEXT() % 4), fracs = (int)(NEXT() % 19);
        for (int d = 0; d < ints; d++)
            buf[n++] = (char)('0' + NEXT() % 10);
        if (fracs || NEXT() % 2) {
            buf[n++] = '.';
            for (int d = 0; d < fracs; d++)
                buf[n++] = (char)('0' + (NEXT() % 3 ? NEXT() % 10 : 0));
        }
        buf[n] = 0;
        double fast;
        if (!stance__parse_decimal_fast(buf, buf + n, &fast))
            continue;
        taken++;
        char *stop;
        double slow = strtod(buf, &stop);
        cr_assert_eq(*stop, 0, "fast path took '%s', which strtod does not read whole", buf);
        cr_assert(!memcmp(&fast, &slow, sizeof fast), "'%s': fast %.17g, strtod %.17g", buf, fast, slow);
    }
#undef NEXT
    cr_assert_gt(taken, 500000, "the fast path took only %zu of a million decimals", taken);
    const char *mine[] = {"0.175", "-0.0416", "12", "1.", ".5", "-0", "0.22698949379346"};
    for (size_t i = 0; i < sizeof mine / sizeof *mine; i++) {
        double v;
        cr_assert(stance__parse_decimal_fast(mine[i], mine[i] + strlen(mine[i]), &v), "'%s' not taken", mine[i]);
        cr_assert_eq(v, strtod(mine[i], NULL), "'%s'", mine[i]);
    }
    const char *others[] = {"", "-", ".", "1e-05", "inf", "nan", "+1", "0x10", "1.2.3", "0.2269894937934627", "1 2"};
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        double v;
        cr_assert_not(stance__parse_decimal_fast(others[i], others[i] + strlen(others[i]), &v),
                      "'%s' should go to strtod", others[i]);
    }
}

/* A bundle whose header asks for a weight table over the limit (2^24 features, 8 labels:
   4 GiB) is refused with the size, before anything is allocated. Found by fuzz_model_sum. */
Test(validator, oversized_weight_table_is_refused)
{
    size_t len = 0;
    char *raw = slurp(STANCE_SOURCE_DIR "/tests/fuzz/regressions/fuzz_model_sum/weight-table-4gib", &len);
    cr_assert_not_null(raw);
    char *text = malloc(len + 1);
    memcpy(text, raw, len);
    text[len] = 0;
    size_t fixed_len;
    char *fixed = mutate(text, "stance-model 1", "stance-model 1", &fixed_len); /* a valid checksum */
    expect_reject(fixed, fixed_len, "would take 4096 MiB (limit 1024 MiB)");
    free(fixed);
    free(text);
    free(raw);
}
