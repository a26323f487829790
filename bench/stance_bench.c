/*
 * stance_bench.c — in-process timings of each stage, and the generator's front end.
 *
 * The harness is one function, stance_bench_main (bench.h), run by `stance bench` (the CLI,
 * which finds the model like its other subcommands) and by the standalone stance_bench
 * (bench/main.c). Messages and the usage text name whichever program runs it.
 *
 * Stages, each over the same generated text (gen.h):
 *   segment    stance_segment over whole articles
 *   bare       a baseline: tokenise each quote and FNV-hash every token, nothing else
 *   featurize  fz_extract with a counting emitter (the tokenizer plus every feature hash)
 *   score      stance_score: featurize + collapsed dot products + probability coupling
 *   libsvm     the same model loaded by svm_load_model, scored by svm_predict_probability
 *   e2e        stance_segment over articles, then stance_score on every voice found
 *
 * Method: one warm-up pass, then --reps timed passes over all items, one clock pair per
 * pass; the median pass gives items/s and MB/s. Passes are timed by the thread's CPU
 * clock (CLOCK_THREAD_CPUTIME_ID), so time taken by other processes on a shared machine
 * is not counted, and by the wall clock too (reported as "wall it/s"). Then one extra
 * pass times every item on its own with clock_gettime(CLOCK_MONOTONIC) for p50/p95/p99
 * and the slowest item; the median cost of an empty clock pair (measured at start-up)
 * is subtracted from each sample. Peak RSS is
 * getrusage's ru_maxrss after the stage (a process high-water mark, so it only grows).
 *
 * Also a generator for the whole-process benchmarks (bench/whole.sh, bench/peers.sh):
 *   --emit-quotes N        N quotes, one per line
 *   --emit-jsonl N         N lines {"id":"qI","text":…}
 *   --emit-articles N      N articles separated by form feeds (for inspection)
 *   --emit-libsvm-quotes N N generated quotes vectorised with the model's features, libsvm format
 *   --emit-libsvm FILE     a labelled JSONL file vectorised likewise (labels 1..k in model order)
 *   --emit-fasttext FILE   a labelled JSONL file as fastText lines "__label__X text"
 *   --split S              with the last two: only lines whose "split" is S
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "bench.h"
#include "featurize.h"
#include "gen.h"
#include "model.h"
#include "stance.h"
#include "train.h"

/* the program running the harness, for messages: "stance bench" or "stance_bench" */
static const char *bench_prog = "stance_bench";

/* largest |probability difference| between the collapsed scorer and libsvm's own path
   for the two to count as equivalent */
#define BENCH_PROB_TOL 1e-9

/* One option per line, "  FLAGS  text", as the CLI's other --help texts (doc/stance.1 is
   checked against it). */
static void print_usage(FILE *f, const stance_bench_host *host)
{
    fprintf(f,
            "usage: %s [OPTIONS]\n"
            "\n"
            "Time every stage in process over generated news text: segment (articles), bare\n"
            "(a tokenise-and-hash loop), featurize, score, e2e (segment then score every voice)\n"
            "and libsvm (the same model scored by svm_predict_probability), and check that the\n"
            "collapsed scorer and libsvm's own path agree. Prints a table, or JSON with --json.\n"
            "\n"
            "options:\n"
            "  --model FILE            model bundle (default: %s)\n"
            "  --quotes N              generated quotes for the quote stages (default 200000)\n"
            "  --libsvm-quotes N       quotes for libsvm's own path (default 2000; it is slow)\n"
            "  --articles N            generated articles for segment and e2e (default 2000)\n"
            "  --reps N                timed repetitions; the median is reported (default 5)\n"
            "  --seed N                generator seed (default 1)\n"
            "  --json                  one JSON document instead of the table\n"
            "  --help                  this text\n"
            "\n"
            "generators (write to stdout and exit; --seed applies):\n"
            "  --emit-quotes N         N generated quotes, one per line\n"
            "  --emit-jsonl N          N lines {\"id\":\"qI\",\"text\":...}\n"
            "  --emit-articles N       N generated articles separated by form feeds\n"
            "  --emit-libsvm-quotes N  N generated quotes vectorised with the model's features\n"
            "  --emit-libsvm FILE      labelled JSONL vectorised likewise, libsvm format\n"
            "  --emit-fasttext FILE    labelled JSONL as fastText lines \"__label__X text\"\n"
            "  --split NAME            with the last two: only lines whose \"split\" is NAME\n"
            "\n"
            "exit status: 0 success, 1 bad input or usage, 2 internal error\n",
            host->prog, host->model_help ? host->model_help : "the source tree's models/stance.model");
}

/* ------------------------------------------------------------ clocks, stats */

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* CPU time of this thread: on a shared machine, time lost to other processes is not ours */
static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the q-quantile of sorted v[0..n), nearest rank */
static double quantile(const double *v, size_t n, double q)
{
    if (!n)
        return 0;
    size_t i = (size_t)ceil(q * (double)n);
    if (i < 1)
        i = 1;
    if (i > n)
        i = n;
    return v[i - 1];
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long peak_rss_kb(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

static double clock_overhead_ns;

static void measure_clock_overhead(void)
{
    double v[10001];
    for (int i = 0; i < 10001; i++) {
        double a = now_ns();
        double b = now_ns();
        v[i] = b - a;
    }
    clock_overhead_ns = median(v, 10001);
}

/* ------------------------------------------------------------ corpora */

typedef struct {
    gen_buf text;
    size_t *off; /* item i is text.buf[off[i] .. off[i+1]) */
    size_t n;
    size_t generated_quotes; /* articles: quotes the generator placed */
} corpus;

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "%s: out of memory\n", bench_prog);
        exit(2);
    }
    return p;
}

static void make_quotes(corpus *c, size_t n, uint64_t seed)
{
    gen_rng r;
    gen_seed(&r, seed);
    memset(c, 0, sizeof *c);
    c->off = xmalloc((n + 1) * sizeof *c->off);
    for (size_t i = 0; i < n; i++) {
        c->off[i] = c->text.len;
        gen_quote(&r, &c->text);
    }
    c->off[n] = c->text.len;
    c->n = n;
}

static void make_articles(corpus *c, size_t n, uint64_t seed)
{
    gen_rng r;
    gen_seed(&r, seed ^ 0xA57C1E5ULL);
    memset(c, 0, sizeof *c);
    c->off = xmalloc((n + 1) * sizeof *c->off);
    for (size_t i = 0; i < n; i++) {
        c->off[i] = c->text.len;
        c->generated_quotes += gen_article(&r, &c->text);
    }
    c->off[n] = c->text.len;
    c->n = n;
}

static void corpus_free(corpus *c)
{
    gen_buf_free(&c->text);
    free(c->off);
}

/* ------------------------------------------------------------ stages */

typedef struct {
    const stance_model *m;
    stance_scratch *s;
    struct svm_model *sm;
    stance__libsvm_scratch ls;
    const corpus *c;
    uint64_t sink;     /* every stage folds something in here so nothing is optimised away */
    size_t voices;     /* segment/e2e: voices found in the last pass */
    size_t features;   /* featurize: feature occurrences in the last pass */
} ctx;

typedef void (*stage_fn)(ctx *x, size_t i);

static inline const char *item(const ctx *x, size_t i, size_t *len)
{
    *len = x->c->off[i + 1] - x->c->off[i];
    return x->c->text.buf + x->c->off[i];
}

static void st_segment(ctx *x, size_t i)
{
    size_t len;
    const char *t = item(x, i, &len);
    stance_voices *v = NULL;
    if (stance_segment(t, len, &v, NULL) == STANCE_OK) {
        x->voices += stance_voices_count(v);
        stance_voices_free(v);
    }
}

static void st_bare(ctx *x, size_t i)
{
    size_t len;
    const unsigned char *t = (const unsigned char *)item(x, i, &len);
    uint64_t acc = 0;
    size_t p = 0;
    while (p < len) {
        unsigned char ch = t[p];
        int word = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch >= 0x80;
        if (!word) {
            p++;
            continue;
        }
        uint64_t h = 0xcbf29ce484222325ULL;
        while (p < len) {
            ch = t[p];
            if (ch >= 'A' && ch <= 'Z')
                ch = (unsigned char)(ch + 32);
            else if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch >= 0x80 || ch == '\''))
                break;
            h = (h ^ ch) * 0x100000001b3ULL;
            p++;
        }
        acc += h;
    }
    x->sink += acc;
}

static void count_emit(void *user, const fz_feature *f)
{
    ctx *x = user;
    x->features++;
    x->sink += f->index;
}

static void st_featurize(ctx *x, size_t i)
{
    size_t len;
    const char *t = item(x, i, &len);
    fz_extract(&x->m->cfg, t, len, count_emit, x);
}

static void st_score(ctx *x, size_t i)
{
    size_t len;
    const char *t = item(x, i, &len);
    stance_result r;
    stance_score(x->m, x->s, t, len, &r, NULL);
    x->sink += (uint64_t)r.label;
}

static void st_libsvm(ctx *x, size_t i)
{
    size_t len;
    const char *t = item(x, i, &len);
    stance_result r;
    if (stance__libsvm_score(x->m, x->sm, &x->ls, t, len, 0, &r) == 0)
        x->sink += (uint64_t)r.label;
}

static void st_e2e(ctx *x, size_t i)
{
    size_t len;
    const char *t = item(x, i, &len);
    stance_voices *v = NULL;
    if (stance_segment(t, len, &v, NULL) != STANCE_OK)
        return;
    size_t n = stance_voices_count(v);
    for (size_t k = 0; k < n; k++) {
        const stance_voice *vo = stance_voices_get(v, k);
        stance_result r;
        stance_score(x->m, x->s, vo->quote.ptr, vo->quote.len, &r, NULL);
        x->sink += (uint64_t)r.label;
    }
    x->voices += n;
    stance_voices_free(v);
}

typedef struct {
    const char *name, *unit;
    size_t n;              /* items per pass */
    double bytes;          /* bytes per pass */
    double items_s, mb_s;  /* from the median pass, thread CPU time */
    double wall_items_s;   /* from the median pass, wall time */
    double pass_min, pass_med, pass_max; /* seconds of CPU */
    double wall_med;       /* seconds of wall time */
    size_t slowest;        /* the item with the longest latency */
    double slowest_ns;
    double p50, p95, p99;  /* ns per item, clock overhead subtracted */
    long rss_kb;
    size_t voices;         /* per pass, segment/e2e */
    size_t features;       /* per pass, featurize */
} result;

static void run_stage(result *res, const char *name, const char *unit, stage_fn fn, ctx *x, int reps)
{
    size_t n = x->c->n;
    memset(res, 0, sizeof *res);
    res->name = name;
    res->unit = unit;
    res->n = n;
    res->bytes = (double)x->c->text.len;
    /* warm-up: one whole pass (caches, page faults, lazy tables such as the lexicon) */
    x->voices = x->features = 0;
    for (size_t i = 0; i < n; i++)
        fn(x, i);
    double *t = xmalloc((size_t)reps * sizeof *t), *w = xmalloc((size_t)reps * sizeof *w);
    for (int r = 0; r < reps; r++) {
        x->voices = x->features = 0;
        double a = now_ns(), c = cpu_ns();
        for (size_t i = 0; i < n; i++)
            fn(x, i);
        t[r] = (cpu_ns() - c) / 1e9;
        w[r] = (now_ns() - a) / 1e9;
    }
    res->wall_med = median(w, (size_t)reps);
    free(w);
    res->voices = x->voices;
    res->features = x->features;
    res->pass_med = median(t, (size_t)reps);
    res->pass_min = t[0];
    res->pass_max = t[reps - 1];
    free(t);
    res->items_s = (double)n / res->pass_med;
    res->wall_items_s = (double)n / res->wall_med;
    res->mb_s = res->bytes / res->pass_med / 1e6;
    /* latency pass: every item timed on its own */
    double *lat = xmalloc(n * sizeof *lat);
    for (size_t i = 0; i < n; i++) {
        double a = now_ns();
        fn(x, i);
        double d = now_ns() - a - clock_overhead_ns;
        lat[i] = d > 0 ? d : 0;
        if (lat[i] > res->slowest_ns) {
            res->slowest_ns = lat[i];
            res->slowest = i;
        }
    }
    qsort(lat, n, sizeof *lat, cmp_double);
    res->p50 = quantile(lat, n, 0.50);
    res->p95 = quantile(lat, n, 0.95);
    res->p99 = quantile(lat, n, 0.99);
    free(lat);
    res->rss_kb = peak_rss_kb();
}

/* ------------------------------------------------------------ generators */

static void put_json_string(FILE *f, const char *s, size_t n)
{
    putc('"', f);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc(c, f);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            putc(c, f);
        }
    }
    putc('"', f);
}

static int emit_generated(const char *what, size_t n, uint64_t seed, const stance_model *m)
{
    gen_rng r;
    gen_seed(&r, seed);
    gen_buf b = {0};
    uint32_t *counts = NULL, *touched = NULL;
    fz_vector fv = {0};
    if (m) {
        counts = calloc((size_t)m->dim + 1, sizeof *counts);
        touched = malloc(((size_t)m->dim + 1) * sizeof *touched);
        if (!counts || !touched) {
            fprintf(stderr, "%s: out of memory\n", bench_prog);
            return 2;
        }
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    if (!strcmp(what, "articles")) {
        gen_rng ra;
        gen_seed(&ra, seed ^ 0xA57C1E5ULL);
        r = ra;
    }
    for (size_t i = 0; i < n; i++) {
        b.len = 0;
        if (!strcmp(what, "quotes")) {
            gen_quote(&r, &b);
            fwrite(b.buf, 1, b.len, stdout);
            putchar('\n');
        } else if (!strcmp(what, "jsonl")) {
            gen_quote(&r, &b);
            printf("{\"id\":\"q%zu\",\"text\":", i + 1);
            put_json_string(stdout, b.buf, b.len);
            fputs("}\n", stdout);
        } else if (!strcmp(what, "articles")) {
            gen_article(&r, &b);
            fwrite(b.buf, 1, b.len, stdout);
            if (i + 1 < n)
                fputs("\f\n", stdout);
        } else { /* libsvm-quotes */
            gen_quote(&r, &b);
            if (fz_vectorize(&m->cfg, b.buf, b.len, counts, touched, &fv)) {
                fprintf(stderr, "%s: out of memory\n", bench_prog);
                return 2;
            }
            putchar('1');
            for (size_t k = 0; k < fv.n; k++)
                printf(" %u:%.9g", fv.index[k], fv.value[k]);
            putchar('\n');
        }
        if (ferror(stdout))
            break;
    }
    gen_buf_free(&b);
    fz_vector_free(&fv);
    free(counts);
    free(touched);
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write output: %s\n", bench_prog, strerror(errno));
        return 1;
    }
    return 0;
}

static int emit_dataset(const char *what, const char *path, const char *split, const stance_model *m)
{
    const char *labels[STANCE_MAX_LABELS];
    for (size_t i = 0; i < m->k; i++)
        labels[i] = m->labels[i];
    stance__dataset d = {0};
    stance_error err;
    stance_error_clear(&err);
    if (stance__dataset_read(path, labels, m->k, split, 0, &d, &err)) {
        char b[800];
        fprintf(stderr, "%s: %s\n", bench_prog, stance_error_format(&err, b, sizeof b));
        return 1;
    }
    uint32_t *counts = calloc((size_t)m->dim + 1, sizeof *counts);
    uint32_t *touched = malloc(((size_t)m->dim + 1) * sizeof *touched);
    fz_vector fv = {0};
    if (!counts || !touched) {
        fprintf(stderr, "%s: out of memory\n", bench_prog);
        return 2;
    }
    for (size_t i = 0; i < d.n; i++) {
        const stance__example *e = &d.ex[i];
        if (!strcmp(what, "fasttext")) {
            printf("__label__%s ", m->labels[e->label]);
            for (size_t k = 0; k < e->len; k++) {
                char c = e->text[k];
                putchar(c == '\n' || c == '\r' ? ' ' : c);
            }
            putchar('\n');
        } else {
            if (fz_vectorize(&m->cfg, e->text, e->len, counts, touched, &fv)) {
                fprintf(stderr, "%s: out of memory\n", bench_prog);
                return 2;
            }
            printf("%d", e->label + 1);
            for (size_t k = 0; k < fv.n; k++)
                printf(" %u:%.9g", fv.index[k], fv.value[k]);
            putchar('\n');
        }
    }
    fz_vector_free(&fv);
    free(counts);
    free(touched);
    stance__dataset_free(&d);
    return fflush(stdout) || ferror(stdout) ? 1 : 0;
}

/* ------------------------------------------------------------ reporting */
/* Latencies are wall time per item (a preempted item shows up in p99; see "slowest"). */

static void print_table(const result *rs, size_t nr, const corpus *q, const corpus *a, int reps, uint64_t seed)
{
    printf("%s: %zu quotes (%.1f MB, mean %.0f B), %zu articles (%.1f MB, mean %.0f B, %zu quotes placed),"
           " %d reps, seed %llu, clock pair %.0f ns (subtracted from latencies)\n\n",
           bench_prog, q->n, (double)q->text.len / 1e6, (double)q->text.len / (double)q->n, a->n, (double)a->text.len / 1e6,
           (double)a->text.len / (double)a->n, a->generated_quotes, reps, (unsigned long long)seed,
           clock_overhead_ns);
    printf("%-10s %8s %11s %8s %11s %9s %9s %9s %9s\n", "stage", "items", "items/s", "MB/s", "wall it/s",
           "p50 ns", "p95 ns", "p99 ns", "peak RSS");
    for (size_t i = 0; i < nr; i++) {
        const result *r = &rs[i];
        printf("%-10s %8zu %11.0f %8.1f %11.0f %9.0f %9.0f %9.0f %6ld MB  (%s; slowest #%zu %.0f ns)\n", r->name,
               r->n, r->items_s, r->mb_s, r->wall_items_s, r->p50, r->p95, r->p99, r->rss_kb / 1024, r->unit,
               r->slowest, r->slowest_ns);
    }
    printf("(items/s, MB/s: median pass by thread CPU time; wall it/s: median pass by wall time)\n");
}

static const result *find(const result *rs, size_t nr, const char *name)
{
    for (size_t i = 0; i < nr; i++)
        if (!strcmp(rs[i].name, name))
            return &rs[i];
    return NULL;
}

int stance_bench_main(int argc, char **argv, const stance_bench_host *host)
{
    bench_prog = host->prog;
    gen_prog = host->prog;
    const char *model_arg = NULL, *split = NULL;
    const char *emit = NULL, *emit_file = NULL;
    size_t nquotes = 200000, nlibsvm = 2000, narticles = 2000, emit_n = 0;
    int reps = 5, json = 0;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEEDV                                                                                                          \
    do {                                                                                                               \
        if (!v) {                                                                                                      \
            fprintf(stderr, "%s: %s needs a value\nTry '%s --help'.\n", bench_prog, a, bench_prog);                    \
            return 1;                                                                                                  \
        }                                                                                                              \
        i++;                                                                                                           \
    } while (0)
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            print_usage(stdout, host);
            return 0;
        } else if (!strcmp(a, "--json")) {
            json = 1;
        } else if (!strcmp(a, "--model")) {
            NEEDV;
            model_arg = v;
        } else if (!strcmp(a, "--split")) {
            NEEDV;
            split = v;
        } else if (!strcmp(a, "--quotes") || !strcmp(a, "--articles") || !strcmp(a, "--libsvm-quotes") ||
                   !strcmp(a, "--reps") || !strcmp(a, "--seed") || !strcmp(a, "--emit-quotes") ||
                   !strcmp(a, "--emit-jsonl") || !strcmp(a, "--emit-articles") || !strcmp(a, "--emit-libsvm-quotes")) {
            NEEDV;
            char *end;
            errno = 0;
            unsigned long long n = strtoull(v, &end, 10);
            if (errno || *end || !*v || v[0] == '-') {
                fprintf(stderr, "%s: %s: not a count: '%s'\nTry '%s --help'.\n", bench_prog, a, v, bench_prog);
                return 1;
            }
            if (!strcmp(a, "--quotes"))
                nquotes = (size_t)n;
            else if (!strcmp(a, "--articles"))
                narticles = (size_t)n;
            else if (!strcmp(a, "--libsvm-quotes"))
                nlibsvm = (size_t)n;
            else if (!strcmp(a, "--reps"))
                reps = n > 1000 ? 1000 : (int)n;
            else if (!strcmp(a, "--seed"))
                seed = n;
            else {
                emit = a + 7; /* after "--emit-" */
                emit_n = (size_t)n;
            }
        } else if (!strcmp(a, "--emit-libsvm") || !strcmp(a, "--emit-fasttext")) {
            NEEDV;
            emit = a + 7;
            emit_file = v;
        } else {
            fprintf(stderr, "%s: unknown option '%s'\nTry '%s --help'.\n", bench_prog, a, bench_prog);
            return 1;
        }
    }
    if (reps < 1 || nquotes < 1 || narticles < 1 || nlibsvm < 1) {
        fprintf(stderr, "%s: counts must be at least 1\nTry '%s --help'.\n", bench_prog, bench_prog);
        return 1;
    }

    int needs_model = !emit || emit_file || !strcmp(emit, "libsvm-quotes");
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    if (needs_model && stance_model_load(host->find_model(model_arg), &m, &err)) {
        char b[800];
        fprintf(stderr, "%s: %s\n", bench_prog, stance_error_format(&err, b, sizeof b));
        return 1;
    }
    if (emit) {
        int rc = emit_file ? emit_dataset(emit, emit_file, split, m) : emit_generated(emit, emit_n, seed, m);
        stance_model_free(m);
        return rc;
    }

    measure_clock_overhead();
    long rss_start = peak_rss_kb();
    corpus q, ql, a;
    make_quotes(&q, nquotes, seed);
    /* libsvm's subset: the first nlibsvm quotes of the same stream */
    make_quotes(&ql, nlibsvm < nquotes ? nlibsvm : nquotes, seed);
    make_articles(&a, narticles, seed);
    long rss_corpus = peak_rss_kb();

    ctx x = {0};
    int rc = 0;
    x.m = m;
    x.s = stance_scratch_new(m);
    if (!x.s || stance__libsvm_scratch_init(&x.ls, m)) {
        fprintf(stderr, "%s: out of memory\n", bench_prog);
        rc = 2;
        goto done;
    }
    long rss_model = peak_rss_kb();

    result rs[6];
    size_t nr = 0;
    x.c = &a;
    run_stage(&rs[nr++], "segment", "articles", st_segment, &x, reps);
    x.c = &q;
    run_stage(&rs[nr++], "bare", "quotes", st_bare, &x, reps);
    run_stage(&rs[nr++], "featurize", "quotes", st_featurize, &x, reps);
    run_stage(&rs[nr++], "score", "quotes", st_score, &x, reps);
    x.c = &a;
    run_stage(&rs[nr++], "e2e", "articles", st_e2e, &x, reps);

    /* libsvm last: svm_load_model's model is big and would inflate every later RSS figure */
    x.sm = stance__libsvm_load(m, &err);
    if (!x.sm) {
        char b[800];
        fprintf(stderr, "%s: %s\n", bench_prog, stance_error_format(&err, b, sizeof b));
        rc = 1;
        goto done;
    }
    x.c = &ql;
    run_stage(&rs[nr++], "libsvm", "quotes", st_libsvm, &x, reps < 3 ? reps : 3);
    /* agreement of the two paths on the libsvm subset */
    size_t agree = 0;
    double maxdiff = 0;
    for (size_t i = 0; i < ql.n; i++) {
        size_t len;
        x.c = &ql;
        const char *t = item(&x, i, &len);
        stance_result r1, r2;
        stance_score(m, x.s, t, len, &r1, NULL);
        if (stance__libsvm_score(m, x.sm, &x.ls, t, len, 0, &r2))
            continue; /* libsvm could not score it: counted as a disagreement */
        agree += r1.label == r2.label;
        for (size_t k = 0; k < m->k; k++) {
            double d = fabs(r1.prob[k] - r2.prob[k]);
            if (d > maxdiff)
                maxdiff = d;
        }
    }

    /* the two paths are equivalent when every label matches and every probability is
       within BENCH_PROB_TOL (they differ only by floating-point summation order) */
    int equivalent = agree == ql.n && maxdiff <= BENCH_PROB_TOL;

    const result *seg = find(rs, nr, "segment"), *bare = find(rs, nr, "bare"), *fz = find(rs, nr, "featurize"),
                 *sc = find(rs, nr, "score"), *lib = find(rs, nr, "libsvm"), *e2e = find(rs, nr, "e2e");
    double r_coll = sc->items_s / lib->items_s, r_bare = sc->items_s / bare->items_s,
           r_fzbare = fz->items_s / bare->items_s;

    if (json) {
        printf("{\"seed\":%llu,\"reps\":%d,\"clock_overhead_ns\":%.1f,", seed, reps, clock_overhead_ns);
        printf("\"corpus\":{\"quotes\":%zu,\"quote_bytes\":%zu,\"libsvm_quotes\":%zu,\"articles\":%zu,"
               "\"article_bytes\":%zu,\"article_quotes_placed\":%zu},",
               q.n, q.text.len, ql.n, a.n, a.text.len, a.generated_quotes);
        printf("\"rss_kb\":{\"start\":%ld,\"corpus\":%ld,\"model\":%ld},\"stages\":[", rss_start, rss_corpus, rss_model);
        for (size_t i = 0; i < nr; i++) {
            const result *r = &rs[i];
            printf("%s{\"stage\":\"%s\",\"unit\":\"%s\",\"items\":%zu,\"bytes\":%.0f,\"items_per_s\":%.1f,"
                   "\"mb_per_s\":%.2f,\"wall_items_per_s\":%.1f,\"cpu_pass_s\":{\"min\":%.6f,\"median\":%.6f,\"max\":%.6f},"
                   "\"ns_per_item\":{\"p50\":%.0f,\"p95\":%.0f,\"p99\":%.0f},\"slowest\":{\"item\":%zu,\"ns\":%.0f},"
                   "\"peak_rss_kb\":%ld",
                   i ? "," : "", r->name, r->unit, r->n, r->bytes, r->items_s, r->mb_s, r->wall_items_s, r->pass_min,
                   r->pass_med, r->pass_max, r->p50, r->p95, r->p99, r->slowest, r->slowest_ns, r->rss_kb);
            if (!strcmp(r->unit, "articles"))
                printf(",\"voices\":%zu,\"voices_per_s\":%.1f", r->voices, (double)r->voices / r->pass_med);
            if (r == fz)
                printf(",\"features\":%zu", r->features);
            putchar('}');
        }
        printf("],\"ratios\":{\"collapsed_over_libsvm\":%.2f,\"score_over_bare\":%.3f,\"featurize_over_bare\":%.3f},",
               r_coll, r_bare, r_fzbare);
        printf("\"libsvm_agreement\":{\"quotes\":%zu,\"same_label\":%zu,\"max_prob_diff\":%.3g,\"prob_tolerance\":%.3g,"
               "\"equivalent\":%s},",
               ql.n, agree, maxdiff, BENCH_PROB_TOL, equivalent ? "true" : "false");
        printf("\"targets\":{\"score_1M_per_s\":%s,\"score_half_bare\":%s,\"collapsed_100x_libsvm\":%s,"
               "\"segment_100MB_s\":%s}}\n",
               sc->items_s >= 1e6 ? "true" : "false", r_bare >= 0.5 ? "true" : "false",
               r_coll >= 100 ? "true" : "false", seg->mb_s >= 100 ? "true" : "false");
    } else {
        print_table(rs, nr, &q, &a, reps, seed);
        printf("\npeak RSS: %ld MB at start, %ld MB with corpora, %ld MB with model and scratch\n", rss_start / 1024,
               rss_corpus / 1024, rss_model / 1024);
        printf("segment: %zu voices per pass (%zu placed by the generator); e2e %.0f voices/s\n", seg->voices,
               a.generated_quotes, (double)e2e->voices / e2e->pass_med);
        printf("featurize: %.1f feature occurrences per quote\n", (double)fz->features / (double)fz->n);
        printf("libsvm agreement on %zu quotes: %zu same label, max |prob diff| %.3g: %s\n\n", ql.n, agree, maxdiff,
               equivalent ? "equivalent" : "NOT EQUIVALENT");
        printf("ratios (this run)                        target   result\n");
        printf("  score (featurize+classify) quotes/s    >= 1e6   %.3g  %s\n", sc->items_s,
               sc->items_s >= 1e6 ? "met" : "MISSED");
        printf("  score / bare loop                      >= 0.5   %.3f  %s\n", r_bare, r_bare >= 0.5 ? "met" : "MISSED");
        printf("  featurize / bare loop                           %.3f\n", r_fzbare);
        printf("  collapsed / libsvm                     >= 100   %.1f  %s\n", r_coll, r_coll >= 100 ? "met" : "MISSED");
        printf("  segment MB/s                           >= 100   %.1f  %s\n", seg->mb_s,
               seg->mb_s >= 100 ? "met" : "MISSED");
    }
done:
    stance__libsvm_free(x.sm);
    stance__libsvm_scratch_free(&x.ls);
    stance_scratch_free(x.s);
    stance_model_free(m);
    corpus_free(&q);
    corpus_free(&ql);
    corpus_free(&a);
    return rc;
}
