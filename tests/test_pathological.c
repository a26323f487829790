/*
 * test_pathological.c — hostile input under a clock, the CLI on bad files, the fuzz
 * regressions, and "nothing lost" when training is killed or cannot write.
 *
 * Every pathological case must finish in under 1.0 s in a normal (optimised) build.
 * Sanitizer and unoptimised builds are slower by a roughly constant factor, so the
 * budget is multiplied by STANCE_SLOW_FACTOR there (tests/robustness.cmake defines it),
 * or by $STANCE_TIME_FACTOR when set. A quadratic path blows any factor: 10 MB of input
 * through an O(n^2) loop takes minutes, not seconds.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "featurize.h"
#include "internal.h"
#include "lines.h"
#include "stance.h"
#include "train.h"

/* The harnesses themselves, so every regression input is checked against the same
   promises the fuzzer checks (FUZZ_CHECK aborts: Criterion reports the crash). */
#define STANCE_FUZZ_MODEL STANCE_SOURCE_DIR "/tests/fuzz/small.model"
#define LLVMFuzzerTestOneInput fuzz_segment_one
#include "fuzz/fuzz_segment.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerInitialize fuzz_quotes_init
#define LLVMFuzzerTestOneInput fuzz_quotes_one
#include "fuzz/fuzz_quotes.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerInitialize fuzz_dataset_init
#define LLVMFuzzerTestOneInput fuzz_dataset_one
#include "fuzz/fuzz_dataset.c"
#undef LLVMFuzzerInitialize
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_model_entry
#include "fuzz/fuzz_model.c"

#include "test_util.h"
#undef LLVMFuzzerTestOneInput

#ifndef STANCE_SLOW_FACTOR
#define STANCE_SLOW_FACTOR 1.0
#endif

/* ------------------------------------------------------------ helpers */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double budget(double base)
{
    const char *e = getenv("STANCE_TIME_FACTOR");
    double f = e && *e ? atof(e) : STANCE_SLOW_FACTOR;
    return base * (f > 0 ? f : 1.0);
}

#define UNDER_CLOCK(base, what, block)                                                             \
    do {                                                                                           \
        double t0_ = now();                                                                        \
        block;                                                                                     \
        double dt_ = now() - t0_;                                                                  \
        cr_assert(dt_ < budget(base), "%s took %.3f s (budget %.2f s)", what, dt_, budget(base)); \
    } while (0)

static char *repeat(const char *unit, size_t times, size_t *len)
{
    size_t ul = strlen(unit);
    char *b = malloc(ul * times + 1);
    cr_assert(b);
    for (size_t i = 0; i < times; i++)
        memcpy(b + i * ul, unit, ul);
    b[ul * times] = 0;
    *len = ul * times;
    return b;
}

/* Segment under the clock and check every span lies inside the input. */
static size_t segment_checked(const char *text, size_t len, const char *what)
{
    stance_voices *v = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = STANCE_OK;
    UNDER_CLOCK(1.0, what, st = stance_segment(text, len, &v, &err));
    cr_assert_eq(st, STANCE_OK, "%s: %s", what, err.text);
    size_t n = stance_voices_count(v);
    for (size_t i = 0; i < n; i++) {
        const stance_voice *vo = stance_voices_get(v, i);
        cr_assert(vo->nspans >= 1);
        for (size_t s = 0; s < vo->nspans; s++)
            cr_assert(vo->spans[s].start <= vo->spans[s].end && vo->spans[s].end <= len);
    }
    stance_voices_free(v);
    return n;
}

static char tmpdir[64];

static void make_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/stance-patho-XXXXXX");
    cr_assert(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char p[512];
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(tmpdir);
}

static const char *tpath(const char *name)
{
    static char p[16][256];
    static int i;
    i = (i + 1) % 16;
    snprintf(p[i], sizeof p[i], "%s/%s", tmpdir, name);
    return p[i];
}

static void write_file(const char *path, const char *buf, size_t len)
{
    FILE *f = fopen(path, "wb");
    cr_assert(f, "cannot write %s", path);
    cr_assert_eq(fwrite(buf, 1, len, f), len);
    cr_assert_eq(fclose(f), 0);
}


typedef struct {
    int status; /* exit status, or 128 + signal */
    char *out, *err;
    size_t outlen;
    double seconds;
} cli_run;

/* Run the built stance binary with argv (NULL-terminated, without argv[0]). */
static cli_run run_cli(const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = STANCE_CLI;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = args[n - 1];
    argv[n] = NULL;
    const char *op = tpath("cli.stdout"), *ep = tpath("cli.stderr");
    double t0 = now();
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int o = open(op, O_WRONLY | O_CREAT | O_TRUNC, 0644), e = open(ep, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || in < 0)
            _exit(120);
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        execv(STANCE_CLI, (char *const *)argv);
        _exit(121);
    }
    int ws;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    cli_run r;
    r.seconds = now() - t0;
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r.out = slurp(op, &r.outlen);
    r.err = slurp(ep, NULL);
    cr_assert(r.out && r.err);
    return r;
}

static void cli_free(cli_run *r)
{
    free(r->out);
    free(r->err);
}

static int valid_utf8(const char *s, size_t n) { return stance__utf8_check(s, n) == n; }

/* Every line of a JSONL output parses; returns the number of lines. */
static size_t check_jsonl(const char *out, size_t len)
{
    cr_assert(valid_utf8(out, len), "output is not valid UTF-8");
    size_t lines = 0, i = 0;
    while (i < len) {
        const char *nl = memchr(out + i, '\n', len - i);
        cr_assert(nl, "output does not end with a newline");
        json_error_t je;
        json_t *d = json_loadb(out + i, (size_t)(nl - (out + i)), JSON_ALLOW_NUL, &je);
        cr_assert(d, "output line %zu is not JSON: %s", lines + 1, je.text);
        cr_assert(json_is_object(d));
        json_decref(d);
        lines++;
        i = (size_t)(nl - out) + 1;
    }
    return lines;
}

/* Article output: a sequence of JSON documents. Returns how many. */
static size_t check_json_docs(const char *out, size_t len)
{
    cr_assert(valid_utf8(out, len), "output is not valid UTF-8");
    size_t docs = 0, i = 0;
    while (i < len) {
        while (i < len && (out[i] == '\n' || out[i] == ' '))
            i++;
        if (i == len)
            break;
        json_error_t je;
        json_t *d = json_loadb(out + i, len - i, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
        cr_assert(d, "output document %zu is not JSON: %s", docs + 1, je.text);
        cr_assert(json_is_array(json_object_get(d, "voices")));
        json_decref(d);
        i += (size_t)je.position;
        docs++;
    }
    return docs;
}

/* ------------------------------------------------------------ the segmenter under a clock */

TestSuite(pathological, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 120);

Test(pathological, paragraph_10mb)
{
    size_t len;
    char *t = repeat("Shares rose 3% and \"the outlook is uncertain but improving,\" said Jane Roe, a "
                     "strategist at Acme Capital; \"we are not worried,\" she added, while rivals ",
                     10u * 1024 * 1024 / 160, &len);
    cr_assert(len > 9u * 1024 * 1024 && !memchr(t, '\n', len));
    segment_checked(t, len, "10 MB single paragraph");
    free(t);
}

Test(pathological, paragraph_10mb_no_punctuation)
{
    size_t len;
    char *t = repeat("Said Jane Roe Acme Capital ", 10u * 1024 * 1024 / 27, &len);
    segment_checked(t, len, "10 MB of capitalised words");
    free(t);
}

Test(pathological, quote_marks_100k)
{
    size_t len;
    char *t = repeat("\"", 100000, &len);
    segment_checked(t, len, "100,000 straight quote marks");
    free(t);
    t = repeat("\xE2\x80\x9C", 100000, &len); /* opening curly */
    segment_checked(t, len, "100,000 opening curly quotes");
    free(t);
    t = repeat("\xE2\x80\x9C\xE2\x80\x9D", 50000, &len);
    segment_checked(t, len, "50,000 empty curly pairs");
    free(t);
    t = repeat("\"a\" said Bo Li. ", 100000, &len);
    segment_checked(t, len, "100,000 tiny attributed quotes");
    free(t);
}

Test(pathological, unclosed_quotes_50k)
{
    size_t len;
    char *t = repeat("\"word ", 50000, &len);
    segment_checked(t, len, "50,000 unclosed straight quotes");
    free(t);
    t = repeat("\xE2\x80\x9Cgrowth, ", 50000, &len);
    char *u = malloc(len + 64);
    memcpy(u, t, len);
    memcpy(u + len, " said John Smith, chief executive.", 34);
    segment_checked(u, len + 34, "50,000 unclosed curly quotes then an attribution");
    free(t);
    free(u);
    t = repeat("said Ann Lee, \"", 50000, &len);
    segment_checked(t, len, "50,000 attributions opening quotes");
    free(t);
}

Test(pathological, one_word_lines_1m)
{
    size_t len;
    char *t = repeat("word\n", 1000000, &len);
    FILE *f = fmemopen(t, len, "rb");
    cr_assert(f);
    stance_lines lr;
    stance_lines_init(&lr, f, "lines", 0);
    stance_error err;
    stance_error_clear(&err);
    long n = 0;
    int r = 0;
    UNDER_CLOCK(1.0, "1,000,000 one-word lines through stance_lines", {
        while ((r = stance_lines_next(&lr, &err)) == 1) {
            cr_assert(lr.len == 4);
            n++;
        }
    });
    cr_assert_eq(r, 0);
    cr_assert_eq(n, 1000000);
    cr_assert_eq(lr.lineno, 1000000);
    stance_lines_free(&lr);
    fclose(f);
    segment_checked(t, len, "1,000,000 one-word lines through the segmenter");
    free(t);
}

Test(pathological, random_bytes_4mb)
{
    size_t len = 4u * 1024 * 1024;
    char *t = malloc(len);
    uint64_t x = 42;
    for (size_t i = 0; i < len; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        unsigned b = (unsigned)(x >> 56);
        /* bias toward the bytes the segmenter cares about */
        static const char hot[] = "\"' ,.:;\n\xE2\x80\x9C\x9D\x98\x99SaidJ";
        t[i] = (b & 1) ? hot[(b >> 1) % (sizeof hot - 1)] : (char)b;
    }
    segment_checked(t, len, "4 MB of random hostile bytes");
    free(t);
}

/* ------------------------------------------------------------ bytes: UTF-8, NUL, line ends, BOM */

Test(pathological, invalid_utf8_catalogue)
{
    static const struct {
        const char *s;
        size_t len, bad; /* offset of the first invalid byte; len when valid */
    } cases[] = {
        {"ok \xC3\xA9", 5, 5},
        {"\xC0\xAF", 2, 0},                 /* overlong '/' */
        {"a\xC1\xBF", 3, 1},                /* overlong, 2 bytes */
        {"ab\xE0\x80\xAF", 5, 2},           /* overlong, 3 bytes */
        {"\xF0\x80\x80\xAF", 4, 0},         /* overlong, 4 bytes */
        {"x\xED\xA0\x80", 4, 1},            /* UTF-16 surrogate */
        {"\xF4\x90\x80\x80", 4, 0},         /* above U+10FFFF */
        {"\xF5\x80\x80\x80", 4, 0},         /* never valid lead */
        {"\xFF\xFE", 2, 0},
        {"abc\x80", 4, 3},                  /* lone continuation */
        {"\xE2\x80", 2, 0},                 /* truncated */
        {"\xF0\x9F\x98\x80 \xF0\x9F\x98", 8, 5},
        {"\xEF\xBB\xBF", 3, 3},             /* a BOM is valid UTF-8 */
        {"\xF4\x8F\xBF\xBF", 4, 4},         /* U+10FFFF */
    };
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(STANCE_FUZZ_MODEL, &m, NULL), STANCE_OK);
    stance_scratch *s = stance_scratch_new(m);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(stance__utf8_check(cases[i].s, cases[i].len), cases[i].bad, "case %zu", i);
        /* the library takes any bytes */
        segment_checked(cases[i].s, cases[i].len, "invalid UTF-8");
        stance_result r;
        cr_assert_eq(stance_score(m, s, cases[i].s, cases[i].len, &r, NULL), STANCE_OK);
        cr_assert(r.label >= 0 && r.label < 3);
    }
    /* an article of nothing but overlong sequences and stray continuation bytes */
    size_t len;
    char *t = repeat("\"\xC0\xAF\xE0\x80\xAF\x80\x80\" said \xF5\xFF J\xC3 Roe. ", 200000, &len);
    segment_checked(t, len, "5 MB of invalid UTF-8");
    stance_result r;
    UNDER_CLOCK(1.0, "scoring 5 MB of invalid UTF-8", stance_score(m, s, t, len, &r, NULL));
    free(t);
    stance_scratch_free(s);
    stance_model_free(m);
}

Test(pathological, nul_bytes)
{
    static const char art[] = "\"Growth\0is strong,\" said Jane\0Roe, chief executive of Acme.\n\0\0\"Bad,\" said Al Li.";
    segment_checked(art, sizeof art - 1, "NUL bytes");
    size_t len = 3000000;
    char *t = malloc(len);
    for (size_t i = 0; i < len; i++)
        t[i] = i % 3 == 1 ? '"' : 0;
    segment_checked(t, len, "3 MB of NULs and quote marks");
    /* stance_lines keeps NULs inside a line and reports the true length */
    FILE *f = fmemopen((void *)art, sizeof art - 1, "rb");
    stance_lines lr;
    stance_lines_init(&lr, f, "nul", 0);
    cr_assert_eq(stance_lines_next(&lr, NULL), 1);
    size_t first = (size_t)((const char *)memchr(art, '\n', sizeof art - 1) - art);
    cr_assert_eq(lr.len, first);
    cr_assert(!memcmp(lr.buf, art, lr.len));
    cr_assert_eq(stance_lines_next(&lr, NULL), 1);
    cr_assert_eq(lr.len, sizeof art - 1 - first - 1);
    cr_assert_eq(stance_lines_next(&lr, NULL), 0);
    stance_lines_free(&lr);
    fclose(f);
    free(t);
}

static void expect_lines(const char *in, size_t len, const char *const *want, size_t nwant)
{
    FILE *f = fmemopen((void *)in, len, "rb");
    cr_assert(f);
    stance_lines lr;
    stance_lines_init(&lr, f, "x", 0);
    for (size_t i = 0; i < nwant; i++) {
        cr_assert_eq(stance_lines_next(&lr, NULL), 1, "line %zu missing", i + 1);
        cr_assert_eq(lr.len, strlen(want[i]), "line %zu: length %zu", i + 1, lr.len);
        cr_assert(!memcmp(lr.buf, want[i], lr.len), "line %zu: '%s'", i + 1, lr.buf);
        cr_assert_eq(lr.lineno, (long)i + 1);
    }
    cr_assert_eq(stance_lines_next(&lr, NULL), 0, "extra line");
    stance_lines_free(&lr);
    fclose(f);
}

#define EXPECT_LINES(lit, want) expect_lines(lit, sizeof lit - 1, want, sizeof want / sizeof want[0])

Test(pathological, crlf_cr_and_bom)
{
    static const char *const w1[] = {"a", "b", "c", "", "d"};
    EXPECT_LINES("a\r\nb\rc\n\rd", w1);
    static const char *const w2[] = {"", "", "x"};
    EXPECT_LINES("\r\r\nx\r\n", w2);
    /* a BOM is dropped at the start of the input only */
    static const char *const w3[] = {"{\"text\":\"a\"}", "\xEF\xBB\xBFz"};
    EXPECT_LINES("\xEF\xBB\xBF{\"text\":\"a\"}\r\n\xEF\xBB\xBFz", w3);
    static const char *const w4[] = {""};
    EXPECT_LINES("\xEF\xBB\xBF", w4);
    expect_lines("", 0, NULL, 0);
    /* CR-only, a million times */
    size_t len;
    char *t = repeat("q\r", 1000000, &len);
    FILE *f = fmemopen(t, len, "rb");
    stance_lines lr;
    stance_lines_init(&lr, f, "cr", 0);
    long n = 0;
    UNDER_CLOCK(1.0, "1,000,000 CR-only lines", while (stance_lines_next(&lr, NULL) == 1) n++);
    cr_assert_eq(n, 1000000);
    stance_lines_free(&lr);
    fclose(f);
    /* the segmenter's offsets stay byte offsets into the input, BOM and CRs included */
    static const char art[] = "\xEF\xBB\xBF\"We will grow,\" said Jane Roe, chief executive of Acme.\r\n\r\n"
                              "\"Costs are rising,\" said Al Li, an analyst at Barrow Bank.\r";
    segment_checked(art, sizeof art - 1, "BOM and CRLF article");
    free(t);
}

Test(pathological, long_line_limit)
{
    size_t len;
    char *t = repeat("x", 5000, &len);
    t[4000] = '\n';
    FILE *f = fmemopen(t, len, "rb");
    stance_lines lr;
    stance_lines_init(&lr, f, "long.jsonl", 1000);
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_lines_next(&lr, &err), -1);
    cr_assert_eq(err.status, STANCE_E_INPUT);
    cr_assert_str_eq(err.file, "long.jsonl");
    cr_assert_eq(err.line, 1);
    cr_assert_eq(err.byte, 1000);
    stance_lines_free(&lr);
    fclose(f);
    /* exactly max_line bytes is fine */
    f = fmemopen(t + 3000, 1001, "rb");
    stance_lines_init(&lr, f, "long.jsonl", 1000);
    cr_assert_eq(stance_lines_next(&lr, NULL), 1);
    cr_assert_eq(lr.len, 1000u);
    cr_assert_eq(stance_lines_next(&lr, NULL), 0);
    stance_lines_free(&lr);
    fclose(f);
    free(t);
}

/* ------------------------------------------------------------ JSON: deep nesting, 50 MB line */

Test(pathological, json_nested_100k)
{
    size_t ol, cl;
    char *open_ = repeat("[", 100000, &ol), *close_ = repeat("]", 100000, &cl);
    const char *head = "{\"text\":\"We are cautious.\",\"id\":", *tail = "}\n";
    size_t len = strlen(head) + ol + cl + strlen(tail);
    char *line = malloc(len + 1);
    snprintf(line, len + 1, "%s%s%s%s", head, open_, close_, tail);
    FILE *f = fmemopen(line, len, "rb");
    stance_lines lr;
    stance_lines_init(&lr, f, "deep.jsonl", 0);
    cr_assert_eq(stance_lines_next(&lr, NULL), 1);
    json_error_t je;
    json_t *d = (json_t *)1;
    UNDER_CLOCK(1.0, "JSON nested 100,000 deep", d = json_loadb(lr.buf, lr.len, 0, &je));
    cr_assert_null(d, "jansson accepted 100,000 levels of nesting");
    cr_assert(je.position > 0 && (size_t)je.position <= lr.len);
    stance_lines_free(&lr);
    fclose(f);
    /* and the same through the training-data reader: an error naming line 2 */
    char *two = malloc(len + 64);
    int hl = snprintf(two, len + 64, "{\"text\":\"fine\",\"label\":\"bullish\"}\n");
    memcpy(two + hl, line, len);
    write_file(tpath("deep.jsonl"), two, (size_t)hl + len);
    stance__dataset ds;
    stance_error err;
    stance_error_clear(&err);
    static const char *const labels[] = {"bullish", "critical", "cautious"};
    cr_assert_eq(stance__dataset_read(tpath("deep.jsonl"), labels, 3, NULL, 0, &ds, &err), STANCE_E_INPUT);
    cr_assert_eq(err.line, 2);
    cr_assert(strstr(err.text, "not JSON"), "%s", err.text);
    free(two);
    free(line);
    free(open_);
    free(close_);
}

Test(pathological, jsonl_line_50mb)
{
    size_t tl = 50u * 1024 * 1024;
    char *line = malloc(tl + 64);
    memcpy(line, "{\"text\":\"", 9);
    for (size_t i = 0; i < tl; i++)
        line[9 + i] = i % 7 == 6 ? ' ' : 'a' + (char)(i % 26);
    memcpy(line + 9 + tl, "\"}\n", 3);
    size_t len = 9 + tl + 3;
    FILE *f = fmemopen(line, len, "rb");
    stance_lines lr;
    stance_lines_init(&lr, f, "big.jsonl", 0);
    json_t *d = NULL;
    double t0 = now();
    UNDER_CLOCK(1.0, "a 50 MB JSONL line through stance_lines", {
        cr_assert_eq(stance_lines_next(&lr, NULL), 1);
        cr_assert_eq(lr.len, len - 1);
    });
    /* jansson's parser is not ours: it decodes strings at 50-70 MB/s on the CI machine
       (json_loadb alone takes 0.7-0.9 s here), so the whole path gets two seconds */
    d = json_loadb(lr.buf, lr.len, 0, NULL);
    double dt = now() - t0;
    cr_assert(dt < budget(2.0), "stance_lines + json_loadb on a 50 MB line took %.3f s", dt);
    cr_assert(d);
    cr_assert_eq(json_string_length(json_object_get(d, "text")), tl);
    json_decref(d);
    cr_assert_eq(stance_lines_next(&lr, NULL), 0);
    stance_lines_free(&lr);
    fclose(f);
    free(line);
}

/* ------------------------------------------------------------ the library accepts NULL errors */

Test(pathological, null_error_accepted)
{
    static const char bad[] = "{\"text\":\"fine\",\"label\":\"bullish\"}\n{\"text\":\"x\",\"label\":\"bearish\"}\n";
    write_file(tpath("bad.jsonl"), bad, sizeof bad - 1);
    stance_train_options o = stance_train_default();
    cr_assert_eq(stance_train(tpath("bad.jsonl"), tpath("m.model"), &o, NULL, NULL), STANCE_E_INPUT);
    cr_assert(access(tpath("m.model"), F_OK) != 0);
    stance_model *m = (stance_model *)1;
    cr_assert_eq(stance_model_load_mem("junk\n", 5, NULL, &m, NULL), STANCE_E_MODEL);
    cr_assert_null(m);
    cr_assert_eq(stance_segment(NULL, 3, &(stance_voices *){NULL}, NULL), STANCE_E_ARG);
}

/* The table featurize.c spells in hex must equal what log() computes. */
Test(pathological, log_table_exact)
{
    cr_assert_eq(fz_log_table[0], 0.0);
    for (uint32_t c = 1; c < 64; c++)
        cr_assert(fz_log_table[c] == fz_log_slow(c), "fz_log_table[%u]", c);
}

/* ------------------------------------------------------------ fuzz regressions and seeds */

static void replay_dir(const char *harness, void (*one)(const uint8_t *, size_t), size_t *count)
{
    const char *kinds[] = {"regressions", "corpus"};
    for (int k = 0; k < 2; k++) {
        char dir[512];
        snprintf(dir, sizeof dir, "%s/tests/fuzz/%s/%s", STANCE_SOURCE_DIR, kinds[k], harness);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            size_t len = 0;
            char *b = slurp(p, &len);
            cr_assert(b, "cannot read %s", p);
            /* an exact-size copy, so ASan sees reads past the end */
            uint8_t *exact = malloc(len ? len : 1);
            memcpy(exact, b, len);
            free(b);
            cr_log_info("replay %s", p);
            one(exact, len);
            free(exact);
            (*count)++;
        }
        closedir(d);
    }
}

static void seg_one(const uint8_t *d, size_t n) { fuzz_segment_one(d, n); }
static void quotes_one(const uint8_t *d, size_t n) { fuzz_quotes_one(d, n); }
static void dataset_one(const uint8_t *d, size_t n) { fuzz_dataset_one(d, n); }
static void model_one(const uint8_t *d, size_t n) { fuzz_model_one(d, n, 0); }
static void model_sum_one(const uint8_t *d, size_t n) { fuzz_model_one(d, n, 1); }

Test(fuzz_regressions, replay)
{
    size_t n = 0;
    fuzz_quotes_init(NULL, NULL);
    fuzz_dataset_init(NULL, NULL);
    replay_dir("fuzz_segment", seg_one, &n);
    replay_dir("fuzz_quotes", quotes_one, &n);
    replay_dir("fuzz_dataset", dataset_one, &n);
    replay_dir("fuzz_model", model_one, &n);
    replay_dir("fuzz_model_sum", model_sum_one, &n);
    replay_dir("fuzz_model", model_sum_one, &n);
    cr_assert(n >= 30, "only %zu fuzz inputs found", n);
    unlink(fd_path);
    stance_scratch_free(fq_scratch);
    stance_model_free(fq_model);
}

/* ------------------------------------------------------------ the CLI on bad input */

TestSuite(cli, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 120);

static void assert_names(const cli_run *r, const char *path, long line)
{
    char want[600];
    snprintf(want, sizeof want, "%s:%ld:", path, line);
    cr_assert(strstr(r->err, want), "stderr does not name %s: %s", want, r->err);
}

Test(cli, quotes_bad_json_names_line)
{
    const char *p = tpath("q.jsonl");
    static const char in[] = "{\"id\":1,\"text\":\"We expect growth.\"}\n{\"id\":2,\"text\":\"Risky.\"}\n"
                             "{\"id\":3,\"text\":\"unterminated}\n{\"id\":4,\"text\":\"never read\"}\n";
    write_file(p, in, sizeof in - 1);
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--quotes", p, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 3);
    cr_assert_eq(check_jsonl(r.out, r.outlen), 2u); /* everything before the bad line was written */
    cli_free(&r);
}

Test(cli, quotes_deep_nesting)
{
    size_t ol, cl;
    char *o = repeat("[", 100000, &ol), *c = repeat("]", 100000, &cl);
    const char *head = "{\"text\":\"Fine.\"}\n{\"text\":\"x\",\"id\":";
    size_t len = strlen(head) + ol + cl + 2;
    char *in = malloc(len + 1);
    snprintf(in, len + 1, "%s%s%s}\n", head, o, c);
    const char *p = tpath("deep.jsonl");
    write_file(p, in, len);
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--quotes", p, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 2);
    cr_assert(r.seconds < budget(1.0) + 0.5, "took %.2f s", r.seconds);
    cr_assert_eq(check_jsonl(r.out, r.outlen), 1u);
    cli_free(&r);
    free(in);
    free(o);
    free(c);
}

Test(cli, quotes_crlf_bom_nul_escape)
{
    const char *p = tpath("crlf.jsonl");
    static const char in[] = "\xEF\xBB\xBF{\"text\":\"We expect growth.\"}\r\n\r\n{\"text\":\"Bad \\u00e9 news\"}\r"
                             "{\"text\":\"Tabs\\tand \\\"quotes\\\" \\ud83d\\ude00\"}";
    write_file(p, in, sizeof in - 1);
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--quotes", p, NULL});
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(check_jsonl(r.out, r.outlen), 3u);
    cr_assert(strstr(r.out, "\"line\":1,") && strstr(r.out, "\"line\":3,") && strstr(r.out, "\"line\":4,"), "%s",
              r.out);
    cli_free(&r);
    /* a NUL inside a JSON string is refused with the line named, not truncated silently */
    static const char nul[] = "{\"text\":\"ok\"}\n{\"text\":\"a\\u0000b\"}\n";
    write_file(p, nul, sizeof nul - 1);
    r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--quotes", p, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 2);
    cli_free(&r);
    /* a raw NUL byte in a line: not JSON, named */
    write_file(p, "{\"text\":\"a\0b\"}\n", 15);
    r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--quotes", p, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 1);
    cli_free(&r);
}

Test(cli, lines_invalid_utf8)
{
    const char *p = tpath("l.txt");
    static const char in[] = "We expect growth.\nBad \xC0\xAF byte\n\xF0\x9F\x98\x80 fine\r\nstray \x80\xFF\n";
    write_file(p, in, sizeof in - 1);
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--lines", p, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 2);
    cr_assert(strstr(r.err, "byte 4"), "%s", r.err);
    cli_free(&r);
    r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--lossy", "--explain", "8", "--lines", p,
                                 NULL});
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(check_jsonl(r.out, r.outlen), 4u);
    cli_free(&r);
}

Test(cli, article_invalid_utf8)
{
    const char *p = tpath("a.txt");
    static const char in[] = "\"Growth is strong,\" said Jane Roe, chief executive of Acme.\n\n"
                             "\"Costs \xC0\xAF rise,\" said Al Li, an analyst at \xFF Barrow Bank.\n";
    write_file(p, in, sizeof in - 1);
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, p, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 3);
    cr_assert_eq(r.outlen, 0u);
    cli_free(&r);
    r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--lossy", "--explain", p, NULL});
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(check_json_docs(r.out, r.outlen), 1u);
    cli_free(&r);
    r = run_cli((const char *[]){"segment", "--lossy", "--format", "jsonl", p, NULL});
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(check_jsonl(r.out, r.outlen), 1u);
    cli_free(&r);
}

Test(cli, article_hostile_bytes)
{
    const char *p = tpath("h.txt");
    static const char in[] = "\xEF\xBB\xBF\"We will \0grow,\" said Jane Roe, chief\x01 executive of Acme.\r\n\r\n"
                             "\"\"\"\xE2\x80\x9C\xE2\x80\x9C\" said \"Al\" Li.\r\"unclosed \x7F\x1B[31m";
    write_file(p, in, sizeof in - 1);
    const char *fmts[] = {"json", "jsonl", "tsv", "table"};
    for (int f = 0; f < 4; f++) {
        cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--explain", "--format", fmts[f],
                                             p, NULL});
        cr_assert_eq(r.status, 0, "%s: exit %d: %s", fmts[f], r.status, r.err);
        cr_assert(valid_utf8(r.out, r.outlen), "%s output is not valid UTF-8", fmts[f]);
        if (f == 0)
            check_json_docs(r.out, r.outlen);
        if (f == 1)
            check_jsonl(r.out, r.outlen);
        cli_free(&r);
    }
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, tpath("missing.txt"), NULL});
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "missing.txt"));
    cli_free(&r);
    write_file(p, "", 0);
    r = run_cli((const char *[]){"segment", p, NULL});
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, p) && strstr(r.err, "empty"), "%s", r.err);
    cli_free(&r);
}

Test(cli, paragraph_10mb)
{
    size_t len;
    char *t = repeat("Shares rose 3% and \"the outlook is uncertain but improving,\" said Jane Roe, a "
                     "strategist at Acme Capital; \"we are not worried,\" she added, while rivals ",
                     10u * 1024 * 1024 / 160, &len);
    const char *p = tpath("big.txt");
    write_file(p, t, len);
    free(t);
    cli_run r = run_cli((const char *[]){"score", "--model", STANCE_FUZZ_MODEL, "--format", "json", p, NULL});
    cr_assert_eq(r.status, 0, "exit %d: %s", r.status, r.err);
    cr_assert_eq(check_json_docs(r.out, r.outlen), 1u);
    /* reading, segmenting, scoring and writing 10 MB: a linear pass with a larger budget */
    cr_assert(r.seconds < budget(3.0), "stance score on a 10 MB paragraph took %.2f s", r.seconds);
    cli_free(&r);
}

Test(cli, train_bad_line_named)
{
    const char *p = tpath("d.jsonl"), *m = tpath("m.model");
    static const char in[] = "{\"text\":\"a\",\"label\":\"bullish\"}\n{\"text\":\"b\",\"label\":\"critical\"}\n\n"
                             "{\"text\":\"c\",\"label\":\"bearish\"}\n";
    write_file(p, in, sizeof in - 1);
    cli_run r = run_cli((const char *[]){"train", p, "-o", m, "--quiet", NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 4);
    cr_assert(access(m, F_OK) != 0, "a model was written from bad data");
    cli_free(&r);
    write_file(p, "{\"text\":\"\xC0\xAF\",\"label\":\"bullish\"}\n", 32);
    r = run_cli((const char *[]){"eval", p, "--model", STANCE_FUZZ_MODEL, NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    assert_names(&r, p, 1);
    cr_assert(strstr(r.err, "invalid UTF-8"), "%s", r.err);
    cli_free(&r);
}

/* ------------------------------------------------------------ nothing lost */

static int count_temps(const char *dir, const char *base)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    size_t bl = strlen(base);
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, base, bl) && (strstr(e->d_name + bl, ".tmp") || strstr(e->d_name + bl, ".svm")))
            n++;
    closedir(d);
    return n;
}

TestSuite(nothing_lost, .init = make_tmpdir, .fini = remove_tmpdir, .timeout = 300);

/* SIGKILL during training leaves the previous model byte for byte and no temp file. */
Test(nothing_lost, sigkill_mid_training)
{
    size_t orig_len;
    char *orig = slurp(STANCE_FUZZ_MODEL, &orig_len);
    cr_assert(orig);
    const char *m = tpath("keep.model");
    const double kill_at[] = {0.2, 0.8, 1.5};
    for (size_t i = 0; i < sizeof kill_at / sizeof kill_at[0]; i++) {
        write_file(m, orig, orig_len);
        pid_t pid = fork();
        cr_assert(pid >= 0);
        if (pid == 0) {
            int nul = open("/dev/null", O_WRONLY);
            dup2(nul, 1);
            dup2(nul, 2);
            execl(STANCE_CLI, STANCE_CLI, "train", STANCE_SOURCE_DIR "/training/corpus.jsonl", "--split", "train",
                  "-o", m, "--quiet", (char *)NULL);
            _exit(121);
        }
        double t0 = now();
        int ws, done = 0;
        while (now() - t0 < kill_at[i])
            if (waitpid(pid, &ws, WNOHANG) == pid) {
                done = 1;
                break;
            } else
                nanosleep(&(struct timespec){0, 5000000}, NULL);
        cr_assert(!done, "training finished in under %.1f s: the dataset is too small for this test", kill_at[i]);
        kill(pid, SIGKILL);
        cr_assert_eq(waitpid(pid, &ws, 0), pid);
        cr_assert(WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL);
        size_t len;
        char *now_ = slurp(m, &len);
        cr_assert(now_ && len == orig_len && !memcmp(now_, orig, len), "model changed after SIGKILL at %.1f s",
                  kill_at[i]);
        free(now_);
        cr_assert_eq(count_temps(tmpdir, "keep.model"), 0, "temporary file left after SIGKILL at %.1f s", kill_at[i]);
        cr_assert(access(tpath("keep.model.report.json"), F_OK) != 0);
    }
    free(orig);
}

/* An output that cannot be created: exit 1, a message naming it, nothing partial. */
Test(nothing_lost, unwritable_output)
{
    const char *p = tpath("d.jsonl");
    FILE *f = fopen(p, "w");
    for (int i = 0; i < 30; i++)
        fprintf(f, "{\"text\":\"quote number %d is %s\",\"label\":\"%s\"}\n", i,
                i % 3 == 0 ? "great" : i % 3 == 1 ? "awful" : "unclear", i % 3 == 0 ? "bullish" : i % 3 == 1 ? "critical" : "cautious");
    fclose(f);
    /* /proc refuses new files even to root */
    cli_run r = run_cli((const char *[]){"train", p, "-o", "/proc/stance-test.model", "--quiet", "--log2c_min", "0",
                                         "--log2c_max", "0", "--hash_bits", "10", NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "/proc/stance-test.model") && strstr(r.err, "temporary"), "%s", r.err);
    cr_assert(access("/proc/stance-test.model", F_OK) != 0);
    cli_free(&r);
    /* a directory that does not exist */
    r = run_cli((const char *[]){"train", p, "-o", tpath("nodir/m.model"), "--quiet", "--log2c_min", "0",
                                 "--log2c_max", "0", "--hash_bits", "10", NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "nodir/m.model"), "%s", r.err);
    cli_free(&r);
    /* the model can be written but the report cannot: exit 1, the report named */
    const char *m = tpath("ok.model");
    r = run_cli((const char *[]){"train", p, "-o", m, "--report", "/proc/stance-test.report.json", "--quiet",
                                 "--log2c_min", "0", "--log2c_max", "0", "--hash_bits", "10", NULL});
    cr_assert_eq(r.status, 1, "exit %d: %s", r.status, r.err);
    cr_assert(strstr(r.err, "/proc/stance-test.report.json"), "%s", r.err);
    cli_free(&r);
    cr_assert_eq(count_temps(tmpdir, "ok.model"), 0);
    /* stdout that cannot take the output (/dev/full): exit 1 with a message */
    pid_t pid = fork();
    if (pid == 0) {
        int full = open("/dev/full", O_WRONLY), nul = open("/dev/null", O_WRONLY);
        int e = open(tpath("full.err"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (full < 0 || nul < 0 || e < 0)
            _exit(120);
        dup2(full, 1);
        dup2(e, 2);
        execl(STANCE_CLI, STANCE_CLI, "score", "--model", STANCE_FUZZ_MODEL, "--quotes",
              STANCE_SOURCE_DIR "/tests/fuzz/corpus/fuzz_quotes/jsonl", (char *)NULL);
        _exit(121);
    }
    int ws;
    waitpid(pid, &ws, 0);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 1, "stance score > /dev/full: status %d", ws);
    char *msg = slurp(tpath("full.err"), NULL);
    cr_assert(strstr(msg, "cannot write output"), "%s", msg);
    free(msg);
}

/* The CLI on a 50 MB JSONL line: a quote line beyond 16 MiB is bad input, reported with
   file and line well inside the clock, and the lines before it are scored. */
Test(pathological, cli_jsonl_line_50mb)
{
    const char *path = tpath("huge.jsonl");
    FILE *f = fopen(path, "wb");
    cr_assert(f);
    fputs("{\"id\":\"a\",\"text\":\"A fine first quote.\"}\n{\"id\":\"b\",\"text\":\"", f);
    for (int i = 0; i < 50 * 1024; i++) {
        char chunk[1024];
        memset(chunk, 'x', sizeof chunk);
        chunk[sizeof chunk - 1] = ' ';
        fwrite(chunk, 1, sizeof chunk, f);
    }
    fputs("\"}\n", f);
    fclose(f);
    const char *args[] = {"score", "--quotes", path, NULL};
    cli_run r = run_cli(args);
    cr_assert_eq(r.status, 1, "stderr: %s", r.err);
    cr_assert(strstr(r.err, "huge.jsonl:2:") && strstr(r.err, "longer than"), "stderr: %s", r.err);
    cr_assert(strstr(r.out, "\"id\":\"a\""), "the line before is scored: %s", r.out);
    cr_assert(r.seconds < budget(1.0), "took %.3f s", r.seconds);
    cli_free(&r);
    unlink(path);
}
