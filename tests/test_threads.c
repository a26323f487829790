/*
 * test_threads.c — one loaded model, many threads, the same answers.
 *
 * A loaded stance_model is immutable and each thread owns its stance_scratch, so 8
 * threads scoring the same quotes (each starting at a different place) must produce
 * results bit-identical to one thread. Segmenting and loading in parallel too. The
 * `make tsan` target runs this suite under ThreadSanitizer; Criterion's sandbox cannot
 * start under TSan, so there it is built with STANCE_NO_CRITERION as a plain program
 * (test_threads_tsan, see tests/robustness.cmake) with the same checks.
 */
#ifdef STANCE_NO_CRITERION
#include <stdio.h>
#include <stdlib.h>
#define cr_assert(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)
#define cr_assert_eq(a, b, ...) cr_assert((a) == (b))
#define Test(suite, name, ...) static void suite##_##name(void)
#else
#include <criterion/criterion.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stance.h"

#define NTHREADS 8
#define MODEL STANCE_SOURCE_DIR "/tests/fuzz/small.model"
#define DATA STANCE_SOURCE_DIR "/training/corpus.jsonl"

static char **texts;
static size_t *lens, ntexts;

static void load_texts(size_t max)
{
    /* the quotes of the corpus: the "text" field, unescaped enough for scoring */
    FILE *f = fopen(DATA, "rb");
    cr_assert(f);
    texts = calloc(max, sizeof *texts);
    lens = calloc(max, sizeof *lens);
    char line[1 << 16];
    while (ntexts < max && fgets(line, sizeof line, f)) {
        char *t = strstr(line, "\"text\": \"");
        size_t skip = 9;
        if (!t) {
            t = strstr(line, "\"text\":\"");
            skip = 8;
        }
        if (!t)
            continue;
        t += skip;
        char *e = strstr(t, "\", \"");
        if (!e)
            e = strstr(t, "\",\"");
        if (!e)
            continue;
        lens[ntexts] = (size_t)(e - t);
        texts[ntexts] = malloc(lens[ntexts] + 1);
        memcpy(texts[ntexts], t, lens[ntexts]);
        texts[ntexts][lens[ntexts]] = 0;
        ntexts++;
    }
    fclose(f);
    cr_assert(ntexts >= 500, "only %zu texts", ntexts);
}

static void free_texts(void)
{
    for (size_t i = 0; i < ntexts; i++)
        free(texts[i]);
    free(texts);
    free(lens);
    texts = NULL;
    lens = NULL;
    ntexts = 0;
}

typedef struct {
    const stance_model *m;
    size_t first;
    stance_result *res;
    stance_evidence (*ev)[4];
    size_t *nev;
    int ok;
} job;

static void *score_all(void *arg)
{
    job *j = arg;
    stance_scratch *s = stance_scratch_new(j->m);
    if (!s)
        return NULL;
    for (size_t q = 0; q < ntexts; q++) {
        size_t i = (j->first + q) % ntexts;
        if (stance_score(j->m, s, texts[i], lens[i], &j->res[i], NULL) ||
            stance_explain(j->m, s, texts[i], lens[i], &j->res[i], j->ev[i], 4, &j->nev[i], NULL)) {
            stance_scratch_free(s);
            return NULL;
        }
    }
    stance_scratch_free(s);
    j->ok = 1;
    return NULL;
}

static void job_init(job *j, const stance_model *m, size_t first)
{
    j->m = m;
    j->first = first;
    j->res = calloc(ntexts, sizeof *j->res);
    j->ev = calloc(ntexts, sizeof *j->ev);
    j->nev = calloc(ntexts, sizeof *j->nev);
    j->ok = 0;
}

static void job_free(job *j)
{
    free(j->res);
    free(j->ev);
    free(j->nev);
}

static void same(const job *a, const job *b, int t)
{
    for (size_t i = 0; i < ntexts; i++) {
        cr_assert_eq(a->res[i].label, b->res[i].label, "thread %d, quote %zu: label differs", t, i);
        cr_assert(!memcmp(a->res[i].prob, b->res[i].prob, sizeof a->res[i].prob), "thread %d, quote %zu: probabilities differ", t, i);
        cr_assert(!memcmp(a->res[i].decision, b->res[i].decision, sizeof a->res[i].decision));
        cr_assert_eq(a->nev[i], b->nev[i]);
        for (size_t e = 0; e < a->nev[i]; e++) {
            cr_assert_eq(a->ev[i][e].span.start, b->ev[i][e].span.start);
            cr_assert_eq(a->ev[i][e].contribution, b->ev[i][e].contribution);
        }
    }
}

Test(threads, scoring_matches_one_thread, .timeout = 300)
{
    load_texts(2000);
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(MODEL, &m, NULL), STANCE_OK);
    job ref;
    job_init(&ref, m, 0);
    score_all(&ref);
    cr_assert(ref.ok);
    job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        job_init(&jobs[t], m, (size_t)t * ntexts / NTHREADS);
        cr_assert_eq(pthread_create(&th[t], NULL, score_all, &jobs[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < NTHREADS; t++) {
        cr_assert(jobs[t].ok, "thread %d failed", t);
        same(&ref, &jobs[t], t);
        job_free(&jobs[t]);
    }
    job_free(&ref);
    stance_model_free(m);
    free_texts();
}

/* ---- segmenting and loading in parallel */

typedef struct {
    const char *text;
    size_t len;
    size_t nvoices, sum;
    int ok;
} seg_job;

static void *segment_one(void *arg)
{
    seg_job *j = arg;
    for (int rep = 0; rep < 20; rep++) {
        stance_voices *v = NULL;
        if (stance_segment(j->text, j->len, &v, NULL))
            return NULL;
        size_t n = stance_voices_count(v), sum = 0;
        for (size_t i = 0; i < n; i++) {
            const stance_voice *vo = stance_voices_get(v, i);
            sum += vo->start * 31 + vo->end + vo->quote.len;
        }
        stance_voices_free(v);
        if (rep && (n != j->nvoices || sum != j->sum))
            return NULL;
        j->nvoices = n;
        j->sum = sum;
    }
    j->ok = 1;
    return NULL;
}

Test(threads, segment_in_parallel)
{
    FILE *f = fopen(STANCE_SOURCE_DIR "/tests/segment/articles/01-brannock-mills-takeover.txt", "rb");
    cr_assert(f);
    static char buf[1 << 16];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    seg_job ref = {buf, len, 0, 0, 0};
    segment_one(&ref);
    cr_assert(ref.ok && ref.nvoices > 0);
    seg_job jobs[NTHREADS];
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++) {
        jobs[t] = (seg_job){buf, len, 0, 0, 0};
        cr_assert_eq(pthread_create(&th[t], NULL, segment_one, &jobs[t]), 0);
    }
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        cr_assert(jobs[t].ok);
        cr_assert_eq(jobs[t].nvoices, ref.nvoices);
        cr_assert_eq(jobs[t].sum, ref.sum);
    }
}

static void *load_and_score(void *arg)
{
    stance_result *r = arg;
    stance_model *m = NULL;
    if (stance_model_load(MODEL, &m, NULL))
        return NULL;
    stance_scratch *s = stance_scratch_new(m);
    static const char q[] = "We remain cautious: demand is soft and costs keep rising.";
    if (s)
        stance_score(m, s, q, sizeof q - 1, r, NULL);
    stance_scratch_free(s);
    stance_model_free(m);
    return NULL;
}

Test(threads, load_in_parallel)
{
    stance_result ref, res[NTHREADS];
    memset(&ref, 0, sizeof ref);
    memset(res, 0xff, sizeof res);
    load_and_score(&ref);
    pthread_t th[NTHREADS];
    for (int t = 0; t < NTHREADS; t++)
        cr_assert_eq(pthread_create(&th[t], NULL, load_and_score, &res[t]), 0);
    for (int t = 0; t < NTHREADS; t++) {
        pthread_join(th[t], NULL);
        cr_assert_eq(res[t].label, ref.label);
        cr_assert(!memcmp(res[t].prob, ref.prob, sizeof ref.prob));
    }
}

#ifdef STANCE_NO_CRITERION
int main(void)
{
    threads_scoring_matches_one_thread();
    threads_segment_in_parallel();
    threads_load_in_parallel();
    puts("test_threads: 3 tests passed");
    return 0;
}
#endif
