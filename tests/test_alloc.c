/*
 * test_alloc.c — every allocation can fail, and nothing crashes or leaks when it does.
 *
 * For each operation: count its allocations k_total through the hook in util.c
 * (stance__alloc_fail_at), then run it again once per k = 1 .. k_total with the k-th
 * allocation failing. Each run must return an error (STANCE_E_NOMEM, or NULL from a
 * constructor) and free what it took; k_total + 1 must succeed. Leaks are caught by
 * LeakSanitizer in the sanitized build (CI's `make test-asan`) and by valgrind.
 *
 * jansson allocates through its own malloc unless told otherwise: this test routes it
 * through the same hook (json_set_alloc_funcs), so a failing json_object() counts too.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "stance.h"

#include "test_util.h"

#define SMALL_MODEL STANCE_SOURCE_DIR "/tests/fuzz/small.model"
#define SMALL_DATA STANCE_SOURCE_DIR "/tests/fuzz/small.jsonl"
#define ARTICLE STANCE_SOURCE_DIR "/tests/segment/articles/01-brannock-mills-takeover.txt"


/* jansson's allocations go through the hook; remember when the failing one was jansson's */
static int jansson_failed;
static void *jansson_malloc(size_t n)
{
    void *p = stance__malloc(n);
    if (!p)
        jansson_failed = 1;
    return p;
}
static void hook_jansson(void) { json_set_alloc_funcs(jansson_malloc, stance__free); }

/* op returns STANCE_OK or an error; it must clean up after itself either way. */
typedef stance_status (*op_fn)(void *ctx);

/* post (may be NULL) checks and releases a successful result, with no failure armed */
static size_t sweep(const char *what, op_fn op, op_fn post, void *ctx)
{
    stance__alloc_fail_at(0);
    cr_assert_eq(op(ctx), STANCE_OK, "%s fails with no allocation failing", what);
    size_t total = stance__alloc_fail_at(0);
    if (post)
        post(ctx);
    cr_assert(total > 0, "%s allocates nothing through the hook", what);
    for (size_t k = 1; k <= total + 1; k++) {
        jansson_failed = 0;
        stance__alloc_fail_at(k);
        stance_status st = op(ctx);
        stance__alloc_fail_at(0);
        if (k <= total && jansson_failed)
            /* jansson recovers from some failures (the result is then complete) and reports
               the others as a syntax error ("invalid token"): it has no out-of-memory code */
            cr_assert(st == STANCE_OK || st == STANCE_E_NOMEM || st == STANCE_E_INPUT,
                      "%s: %s with jansson's allocation %zu failing", what, stance_status_string(st), k);
        else if (k <= total)
            cr_assert_eq(st, STANCE_E_NOMEM, "%s: %s with allocation %zu of %zu failing", what,
                         stance_status_string(st), k, total);
        else
            cr_assert_eq(st, STANCE_OK, "%s failed with no allocation failing (%s)", what, stance_status_string(st));
        if (st == STANCE_OK && post)
            post(ctx);
    }
    cr_log_info("%s: %zu allocations, each failed once", what, total);
    return total;
}

/* ---- model load */

typedef struct {
    char *buf;
    size_t len;
} blob;

static stance_status op_load(void *ctx)
{
    blob *b = ctx;
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_model_load_mem(b->buf, b->len, "small.model", &m, &err);
    if (st) {
        cr_assert_null(m);
        cr_assert_eq(err.status, st);
        return st;
    }
    stance_model_free(m);
    return STANCE_OK;
}

Test(alloc, model_load)
{
    hook_jansson();
    blob b;
    b.buf = slurp(SMALL_MODEL, &b.len);
    cr_assert_not_null(b.buf);
    sweep("stance_model_load_mem", op_load, NULL, &b);
    free(b.buf);
}

static stance_status op_load_file(void *ctx)
{
    (void)ctx;
    stance_model *m = NULL;
    stance_status st = stance_model_load(SMALL_MODEL, &m, NULL);
    stance_model_free(m);
    return st;
}

Test(alloc, model_load_file) { sweep("stance_model_load", op_load_file, NULL, NULL); }

/* ---- scratch + score */

typedef struct {
    const stance_model *m;
    stance_result want;
} score_ctx;

static const char quote[] = "We are not worried about demand, but costs could squeeze margins next year.";

static stance_status op_score(void *ctx)
{
    score_ctx *c = ctx;
    stance_scratch *s = stance_scratch_new(c->m);
    if (!s)
        return STANCE_E_NOMEM;
    stance_result r;
    stance_status st = stance_score(c->m, s, quote, sizeof quote - 1, &r, NULL);
    cr_assert_eq(st, STANCE_OK); /* scoring itself allocates nothing */
    cr_assert_eq(r.label, c->want.label);
    cr_assert(!memcmp(r.prob, c->want.prob, sizeof r.prob));
    stance_evidence ev[8];
    size_t n;
    cr_assert_eq(stance_explain(c->m, s, quote, sizeof quote - 1, &r, ev, 8, &n, NULL), STANCE_OK);
    stance_scratch_free(s);
    return STANCE_OK;
}

Test(alloc, scratch_and_score)
{
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(SMALL_MODEL, &m, NULL), STANCE_OK);
    score_ctx c = {m, {0}};
    stance_scratch *s = stance_scratch_new(m);
    stance_score(m, s, quote, sizeof quote - 1, &c.want, NULL);
    stance_scratch_free(s);
    sweep("stance_scratch_new + stance_score", op_score, NULL, &c);
    /* scoring and explaining allocate nothing at all */
    s = stance_scratch_new(m);
    stance__alloc_fail_at(1);
    stance_result r;
    stance_evidence ev[8];
    size_t n;
    cr_assert_eq(stance_score(m, s, quote, sizeof quote - 1, &r, NULL), STANCE_OK);
    cr_assert_eq(stance_explain(m, s, quote, sizeof quote - 1, &r, ev, 8, &n, NULL), STANCE_OK);
    cr_assert_eq(stance__alloc_fail_at(0), 0u);
    stance_scratch_free(s);
    stance_model_free(m);
}

/* ---- segment */

static stance_status op_segment(void *ctx)
{
    blob *b = ctx;
    stance_voices *v = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_segment(b->buf, b->len, &v, &err);
    if (st) {
        cr_assert_null(v);
        return st;
    }
    cr_assert(stance_voices_count(v) > 0);
    stance_voices_free(v);
    return STANCE_OK;
}

Test(alloc, segment)
{
    blob b;
    b.buf = slurp(ARTICLE, &b.len);
    cr_assert_not_null(b.buf);
    sweep("stance_segment", op_segment, NULL, &b);
    free(b.buf);
}

/* ---- train and eval (tiny grid, one thread: the counter is per thread) */

static char model_path[64];
static stance_report *train_report;

static stance_status op_train(void *ctx)
{
    (void)ctx;
    stance_train_options o = stance_train_default();
    o.folds = 2;
    o.log2c_min = o.log2c_max = 0;
    o.threads = 1;
    o.features.hash_bits = 10;
    stance_report *rep = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_train(SMALL_DATA, model_path, &o, &rep, &err);
    if (st) {
        cr_assert_null(rep);
        cr_assert(access(model_path, F_OK) != 0, "a model was written although training failed");
        return st;
    }
    train_report = rep;
    return STANCE_OK;
}

/* A training run that succeeded left a complete report and a model that loads. */
static stance_status post_train(void *ctx)
{
    (void)ctx;
    json_t *doc = json_loads(stance_report_json(train_report), 0, NULL);
    cr_assert(doc && json_object_get(doc, "grid") && json_object_get(doc, "confusion") &&
                  json_object_get(doc, "metric"),
              "incomplete report: %.2000s", stance_report_json(train_report) ? stance_report_json(train_report) : "(none)");
    json_decref(doc);
    stance_report_free(train_report);
    train_report = NULL;
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(model_path, &m, NULL), STANCE_OK);
    stance_model_free(m);
    unlink(model_path);
    return STANCE_OK;
}

Test(alloc, train, .timeout = 600)
{
    hook_jansson();
    snprintf(model_path, sizeof model_path, "/tmp/stance-alloc-%ld.model", (long)getpid());
    sweep("stance_train", op_train, post_train, NULL);
}

static stance_status op_eval(void *ctx)
{
    const stance_model *m = ctx;
    stance_report *rep = NULL;
    stance_status st = stance_eval(m, SMALL_DATA, NULL, 0, NULL, NULL, &rep, NULL);
    if (st) {
        cr_assert_null(rep);
        return st;
    }
    stance_report_free(rep);
    return STANCE_OK;
}

Test(alloc, eval)
{
    hook_jansson();
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(SMALL_MODEL, &m, NULL), STANCE_OK);
    sweep("stance_eval", op_eval, NULL, m);
    stance_model_free(m);
}
