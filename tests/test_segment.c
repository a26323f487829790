/*
 * test_segment.c — the quote segmenter.
 *
 *   cases/      one input .txt beside an expected .json array of voices
 *               {speaker, role, org, quote}, compared field by field, in order
 *   seed        the seed article: exactly its four box voices, quote text exact
 *   spans       byte offsets, split and multi-paragraph quotes
 *   hostile     pathological inputs under a clock (< 1 s each) and any bytes
 *   nomem       every allocation failing in turn: STANCE_E_NOMEM, nothing leaked
 *   segeval     the --eval scorer on the evaluation corpus and on bad gold files
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "stance.h"

/* the scorer is part of the executable; compile it in to test it */
#include "cli/segeval.c"

int stance__seglex_selfcheck(void);

#define CASES STANCE_SOURCE_DIR "/tests/segment/cases"
#define SEED "/work/shared/seeds/amazon-openai-market-voices.txt"

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    cr_assert_not_null(b);
    cr_assert_eq(fread(b, 1, (size_t)n, f), (size_t)n);
    b[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return b;
}

static stance_voices *seg_ok(const char *text, size_t len)
{
    stance_voices *v = NULL;
    stance_error e;
    stance_error_clear(&e);
    cr_assert_eq(stance_segment(text, len, &v, &e), STANCE_OK, "%s", e.text);
    cr_assert_not_null(v);
    return v;
}

static int str_is(stance_str s, const char *want)
{
    if (!want)
        return s.ptr == NULL;
    return s.ptr && s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static char *show(stance_str s)
{
    static char buf[4][512];
    static int k;
    char *b = buf[k++ & 3];
    if (!s.ptr)
        snprintf(b, 512, "null");
    else
        snprintf(b, 512, "\"%.*s\"", (int)(s.len < 500 ? s.len : 500), s.ptr);
    return b;
}

/* ---------------------------------------------------------------- lexicons */

Test(segment, lexicons_sorted) { cr_assert(stance__seglex_selfcheck(), "a word list is unsorted"); }

/* ---------------------------------------------------------------- case folder */

static void check_case(const char *name)
{
    char path[1024];
    size_t len, jlen;
    snprintf(path, sizeof path, "%s/%s.txt", CASES, name);
    char *text = slurp(path, &len);
    cr_assert_not_null(text, "%s", path);
    snprintf(path, sizeof path, "%s/%s.json", CASES, name);
    char *js = slurp(path, &jlen);
    cr_assert_not_null(js, "%s", path);
    json_error_t je;
    json_t *want = json_loadb(js, jlen, 0, &je);
    cr_assert(json_is_array(want), "%s: %s", path, je.text);
    stance_voices *v = seg_ok(text, len);
    size_t n = stance_voices_count(v);
    cr_expect_eq(n, json_array_size(want), "%s: %zu voices, want %zu", name, n,
                 json_array_size(want));
    for (size_t i = 0; i < n && i < json_array_size(want); i++) {
        const stance_voice *x = stance_voices_get(v, i);
        json_t *w = json_array_get(want, i);
        static const char *const keys[] = {"speaker", "role", "org", "quote"};
        stance_str got[] = {x->speaker, x->role, x->org, x->quote};
        for (int k = 0; k < 4; k++) {
            json_t *f = json_object_get(w, keys[k]);
            const char *ws = json_is_string(f) ? json_string_value(f) : NULL;
            cr_expect(str_is(got[k], ws), "%s voice %zu %s: got %s, want %s%s%s", name, i, keys[k],
                      show(got[k]), ws ? "\"" : "", ws ? ws : "null", ws ? "\"" : "");
        }
        cr_expect_not_null(x->rule);
        cr_expect(x->confidence > 0 && x->confidence <= 1);
        cr_expect(x->nspans >= 1);
        cr_expect_eq(x->start, x->spans[0].start);
        cr_expect_eq(x->end, x->spans[x->nspans - 1].end);
    }
    stance_voices_free(v);
    json_decref(want);
    free(js);
    free(text);
}

Test(segment, cases)
{
    DIR *d = opendir(CASES);
    cr_assert_not_null(d, "%s", CASES);
    struct dirent *de;
    int count = 0;
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (l < 5 || strcmp(de->d_name + l - 4, ".txt") != 0)
            continue;
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)(l - 4), de->d_name);
        check_case(name);
        count++;
    }
    closedir(d);
    cr_assert(count >= 20, "only %d cases found", count);
}

/* ---------------------------------------------------------------- seed article */

/* The text between the mark after "<lead>: " and the last mark on that line. */
static void seed_quote(const char *text, const char *lead, const char **q, size_t *n)
{
    const char *p = strstr(text, lead);
    cr_assert_not_null(p, "%s", lead);
    p = strchr(p, '"');
    cr_assert_not_null(p);
    p++;
    const char *eol = strchr(p, '\n');
    cr_assert_not_null(eol);
    const char *e = eol;
    while (e > p && e[-1] != '"')
        e--;
    cr_assert(e > p);
    *q = p;
    *n = (size_t)(e - 1 - p);
}

Test(segment, seed_article)
{
    size_t len;
    char *text = slurp(SEED, &len);
    if (!text)
        cr_skip_test("seed article %s is not beside the project on this machine", SEED);
    stance_voices *v = seg_ok(text, len);
    cr_assert_eq(stance_voices_count(v), 4, "got %zu voices", stance_voices_count(v));
    static const char *const want[4][4] = {
        {"David Chen", "Tech Portfolio Manager", "Horizon Capital", "David Chen, Tech"},
        {"Maya Rodriguez", "AI Ethics Researcher", NULL, "Maya Rodriguez, AI"},
        {"Arjun Patel", "Retail Analyst", "Benton Fairview", "Arjun Patel, Retail"},
        {"Rebecca Shaw", "Former Amazon Operations Manager", NULL, "Rebecca Shaw, Former"},
    };
    for (size_t i = 0; i < 4; i++) {
        const stance_voice *x = stance_voices_get(v, i);
        cr_expect(str_is(x->speaker, want[i][0]), "speaker %s", show(x->speaker));
        cr_expect(str_is(x->role, want[i][1]), "role %s", show(x->role));
        cr_expect(str_is(x->org, want[i][2]), "org %s", show(x->org));
        const char *q;
        size_t n;
        seed_quote(text, want[i][3], &q, &n);
        cr_expect(x->quote.len == n && memcmp(x->quote.ptr, q, n) == 0, "quote %s", show(x->quote));
        cr_expect_eq(x->nspans, 1);
        cr_expect_eq(x->spans[0].start, (size_t)(q - text));
        cr_expect_eq(x->quote.ptr, text + x->spans[0].start, "a one-part quote points into the text");
    }
    stance_voices_free(v);
    free(text);
}

/* ---------------------------------------------------------------- spans */

Test(segment, split_quote_spans)
{
    const char *t = "Noor Haddad runs research at Calder.\n\n"
                    "\xE2\x80\x9CWe saw the slowdown early,\xE2\x80\x9D Haddad said, "
                    "\xE2\x80\x9C" "and trimmed stock in March.\xE2\x80\x9D\n";
    stance_voices *v = seg_ok(t, strlen(t));
    cr_assert_eq(stance_voices_count(v), 1);
    const stance_voice *x = stance_voices_get(v, 0);
    cr_assert_eq(x->nspans, 2);
    const char *a = strstr(t, "We saw");
    const char *b = strstr(t, "and trimmed");
    cr_expect_eq(x->spans[0].start, (size_t)(a - t));
    cr_expect_eq(x->spans[0].end, (size_t)(strstr(t, "early,") + 6 - t));
    cr_expect_eq(x->spans[1].start, (size_t)(b - t));
    cr_expect_eq(x->spans[1].end, (size_t)(strstr(t, "March.") + 6 - t));
    cr_expect(str_is(x->quote, "We saw the slowdown early, and trimmed stock in March."));
    cr_expect(str_is(x->speaker, "Noor Haddad"));
    stance_voices_free(v);
}

Test(segment, empty_and_null)
{
    stance_voices *v = seg_ok("", 0);
    cr_expect_eq(stance_voices_count(v), 0);
    cr_expect_null(stance_voices_get(v, 0));
    stance_voices_free(v);
    v = seg_ok(NULL, 0);
    stance_voices_free(v);
    stance_error e;
    stance_error_clear(&e);
    cr_expect_eq(stance_segment("x", 1, NULL, &e), STANCE_E_ARG);
    cr_expect_eq(stance_segment(NULL, 5, &v, NULL), STANCE_E_ARG);
    stance_voices_free(NULL);
    cr_expect_eq(stance_voices_count(NULL), 0);
}

/* ---------------------------------------------------------------- hostile input */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double timed(const char *text, size_t len, size_t *nvoices)
{
    double t0 = now();
    stance_voices *v = seg_ok(text, len);
    double dt = now() - t0;
    if (nvoices)
        *nvoices = stance_voices_count(v);
    for (size_t i = 0; i < stance_voices_count(v); i++) {
        const stance_voice *x = stance_voices_get(v, i);
        for (size_t k = 0; k < x->nspans; k++)
            cr_assert(x->spans[k].start <= x->spans[k].end && x->spans[k].end <= len);
    }
    stance_voices_free(v);
    return dt;
}

/* one second a case; sanitizer builds run several times slower, so they get four */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BUDGET 4.0
#else
#define BUDGET 1.0
#endif

/* A 10 MB paragraph of prose with quotes, names and cue verbs but no paragraph break. */
Test(hostile, ten_mb_paragraph, .timeout = 60)
{
    const char *unit = "\"Margins recover by spring,\" said Noor Haddad, head of research at "
                       "Calder Metals. She said the so-called \"efficiency\" drive worked. ";
    size_t ul = strlen(unit), len = 10u << 20;
    char *b = malloc(len);
    cr_assert_not_null(b);
    for (size_t i = 0; i < len; i++)
        b[i] = unit[i % ul];
    size_t nv;
    double dt = timed(b, len, &nv);
    cr_expect(nv > 1000, "voices %zu", nv);
    cr_expect(dt < BUDGET, "10 MB paragraph took %.3f s", dt);
    free(b);
}

Test(hostile, fifty_thousand_unclosed_marks, .timeout = 60)
{
    size_t n = 50000;
    char *b = malloc(n * 3);
    cr_assert_not_null(b);
    for (size_t i = 0; i < n; i++) {
        b[3 * i] = '"';
        b[3 * i + 1] = 'a';
        b[3 * i + 2] = ' ';
    }
    double dt = timed(b, n * 3, NULL);
    cr_expect(dt < BUDGET, "took %.3f s", dt);
    /* and bare marks, and curly openers only */
    memset(b, '"', n);
    dt = timed(b, n, NULL);
    cr_expect(dt < BUDGET, "took %.3f s", dt);
    for (size_t i = 0; i + 3 <= n * 3; i += 3)
        memcpy(b + i, "\xE2\x80\x9C", 3);
    dt = timed(b, n * 3, NULL);
    cr_expect(dt < BUDGET, "took %.3f s", dt);
    free(b);
}

Test(hostile, random_bytes_nul_invalid_utf8, .timeout = 60)
{
    size_t len = 4u << 20;
    char *b = malloc(len);
    cr_assert_not_null(b);
    unsigned x = 12345;
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (char)(x >> 16);
    }
    double dt = timed(b, len, NULL);
    cr_expect(dt < BUDGET, "random bytes took %.3f s", dt);
    /* a quote-heavy alphabet: marks, dashes, names, verbs, NUL, CR, NBSP fragments */
    static const char *const bits[] = {"\"", "\xE2\x80\x9C", "\xE2\x80\x9D", "'", ",", ":", " said ",
                                       "Haddad ", "\xE2\x80\x94", "\n", "\r", "\r\n", "\n\n",
                                       " ", "\xC2\xA0", "\0", "\xFF", "\xE2\x80", "Ms. ", " he ",
                                       "the company ", "(", ")", "By ", "''"};
    size_t nb = sizeof bits / sizeof *bits, o = 0;
    while (o + 16 < len) {
        x = x * 1103515245u + 12345u;
        const char *s = bits[(x >> 16) % nb];
        size_t l = s[0] ? strlen(s) : 1;
        memcpy(b + o, s, l);
        o += l;
    }
    dt = timed(b, o, NULL);
    cr_expect(dt < BUDGET, "quote-heavy noise took %.3f s", dt);
    free(b);
}

Test(hostile, crlf_bom_nul)
{
    const char t[] = "\xEF\xBB\xBFKeiko Arai, Independent Analyst: \"Liquidity\0is thin now.\"\r\n"
                     "\r\n\"Nobody is pricing a recession at all,\" said Arai.\r";
    size_t nv;
    timed(t, sizeof t - 1, &nv);
    cr_expect_eq(nv, 2);
    /* lone CRs as line ends */
    const char *u = "Rafael Duarte: \"Buy volatility while it is cheap.\"\r\r\"It won't stay cheap for long,\" he said.\r";
    timed(u, strlen(u), &nv);
    cr_expect_eq(nv, 2);
}

Test(hostile, every_prefix_of_an_article)
{
    /* every truncation point: unclosed marks and cut UTF-8 sequences at the end */
    const char *t = "Calder Metals\xE2\x80\x99 chief executive, Piet Lindqvist, said: \xE2\x80\x9CWe are "
                    "not selling.\n\n\xE2\x80\x9CNot this year,\xE2\x80\x9D he added. \"Or next,\" "
                    "said Ms.\xC2\xA0Haddad \xE2\x80\x94 Analyst, Brill & Co \xE2\x80\x94 ";
    size_t n = strlen(t);
    for (size_t i = 0; i <= n; i++)
        timed(t, i, NULL);
}

/* Segmentation speed is measured by the benchmark harness (bench/stance_bench, the
   segment stage, >= 100 MB/s), never as a timed unit test: a busy machine made one fail. */

/* ---------------------------------------------------------------- allocation failure */

Test(nomem, every_allocation_fails_in_turn)
{
    size_t len;
    char *text = slurp(CASES "/split-quote.txt", &len);
    cr_assert_not_null(text);
    int ok = 0;
    for (size_t k = 1; k < 200 && !ok; k++) {
        stance__alloc_fail_at(k);
        stance_voices *v = (stance_voices *)1;
        stance_error e;
        stance_error_clear(&e);
        stance_status st = stance_segment(text, len, &v, &e);
        if (st == STANCE_OK) {
            ok = 1;
            cr_expect_eq(stance_voices_count(v), 1);
            stance_voices_free(v);
        } else {
            cr_expect_eq(st, STANCE_E_NOMEM, "k=%zu status %d", k, st);
            cr_expect_eq(e.status, STANCE_E_NOMEM);
            cr_expect_null(v, "k=%zu: out must be NULL on failure", k);
        }
    }
    stance__alloc_fail_at(0);
    cr_expect(ok, "never succeeded");
    free(text);
}

/* ---------------------------------------------------------------- segeval */

static char *tmpfile_with(const char *content)
{
    char *path = strdup("/tmp/stance_segeval_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(content, f);
    fclose(f);
    return path;
}

Test(segeval, corpus_scores)
{
    const char *gold = STANCE_SOURCE_DIR "/tests/segment/gold.jsonl";
    FILE *g = fopen(gold, "r");
    if (!g) {
        cr_log_warn("no evaluation corpus at %s; skipped", gold);
        return;
    }
    fclose(g);
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    cr_assert_eq(segeval_run(gold, NULL, out, stderr), 0);
    fclose(out);
    json_error_t je;
    json_t *doc = json_loads(buf, 0, &je);
    cr_assert_not_null(doc, "%s", je.text);
    double f1 = json_real_value(json_object_get(doc, "f1"));
    double ra = json_real_value(json_object_get(doc, "role_accuracy"));
    double oa = json_real_value(json_object_get(doc, "org_accuracy"));
    cr_log_info("segeval: F1 %.3f role %.3f org %.3f", f1, ra, oa);
    cr_expect(f1 >= 0.95, "F1 %.3f", f1);
    cr_expect(ra >= 0.90, "role accuracy %.3f", ra);
    cr_expect(oa >= 0.90, "org accuracy %.3f", oa);
    json_decref(doc);
    free(buf);
}

Test(segeval, scores_a_small_gold_file)
{
    char dir[] = "/tmp/stance_segeval_dir_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char path[512];
    snprintf(path, sizeof path, "%s/a.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("\"Margins recover by spring,\" said Noor Haddad, head of research at Calder.\n\n"
          "\xE2\x80\x9CWe   will see\xE2\x80\x9D is what one person said.\n",
          f);
    fclose(f);
    char *gold = tmpfile_with(
        "{\"article\": \"a.txt\", \"speaker\": \"noor haddad\", \"role\": \"head of research\", "
        "\"org\": \"Calder\", \"quote_start\": \"Margins recover by spring,\"}\n"
        "\n"
        "{\"article\": \"a.txt\", \"speaker\": \"Lena Park\", \"role\": null, \"org\": null, "
        "\"quote_start\": \"Not in the article\"}\n");
    char *buf = NULL;
    size_t blen = 0;
    FILE *out = open_memstream(&buf, &blen);
    cr_assert_eq(segeval_run(gold, dir, out, stderr), 0);
    fclose(out);
    json_t *doc = json_loads(buf, 0, NULL);
    cr_assert_not_null(doc);
    cr_expect_eq(json_integer_value(json_object_get(doc, "gold")), 2);
    cr_expect_eq(json_integer_value(json_object_get(doc, "matched")), 1);
    cr_expect_eq(json_integer_value(json_object_get(doc, "predicted")), 1);
    cr_expect_float_eq(json_real_value(json_object_get(doc, "precision")), 1.0, 1e-9);
    cr_expect_float_eq(json_real_value(json_object_get(doc, "recall")), 0.5, 1e-9);
    cr_expect_float_eq(json_real_value(json_object_get(doc, "role_accuracy")), 1.0, 1e-9);
    json_decref(doc);
    free(buf);
    unlink(gold);
    free(gold);
    unlink(path);
    rmdir(dir);
}

Test(segeval, bad_input_names_file_and_line)
{
    char *gold = tmpfile_with("{\"article\": \"a.txt\", \"speaker\": null, \"quote_start\": \"x\"}\n"
                              "{\"article\": \"a.txt\", \"speaker\": 3, \"quote_start\": \"x\"}\n");
    char *ebuf = NULL;
    size_t elen = 0;
    FILE *err = open_memstream(&ebuf, &elen);
    cr_expect_eq(segeval_run(gold, "/nonexistent", stdout, err), 1);
    fclose(err);
    char want[600];
    snprintf(want, sizeof want, "%s:2:", gold);
    cr_expect_not_null(strstr(ebuf, want), "message: %s", ebuf);
    free(ebuf);
    unlink(gold);
    free(gold);

    gold = tmpfile_with("not json\n");
    ebuf = NULL;
    err = open_memstream(&ebuf, &elen);
    cr_expect_eq(segeval_run(gold, NULL, stdout, err), 1);
    fclose(err);
    snprintf(want, sizeof want, "%s:1:", gold);
    cr_expect_not_null(strstr(ebuf, want), "message: %s", ebuf);
    free(ebuf);
    unlink(gold);
    free(gold);

    ebuf = NULL;
    err = open_memstream(&ebuf, &elen);
    cr_expect_eq(segeval_run("/nonexistent/gold.jsonl", NULL, stdout, err), 1);
    fclose(err);
    free(ebuf);

    /* a missing article file is bad input too, named with its gold line */
    gold = tmpfile_with("{\"article\": \"missing.txt\", \"speaker\": null, \"quote_start\": \"x y\"}\n");
    ebuf = NULL;
    err = open_memstream(&ebuf, &elen);
    cr_expect_eq(segeval_run(gold, "/tmp", stdout, err), 1);
    fclose(err);
    cr_expect_not_null(strstr(ebuf, "missing.txt"), "message: %s", ebuf);
    free(ebuf);
    unlink(gold);
    free(gold);
}
