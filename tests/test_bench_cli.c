/*
 * test_bench_cli.c — `stance bench`, the benchmark harness run as a CLI subcommand.
 *
 * A tiny run's JSON report: every stage present with the item counts asked for and a
 * positive rate, and the collapsed scorer equivalent to libsvm's own path. The model is
 * found like `stance score` finds it ($STANCE_MODEL, --model over it, any working
 * directory). The generators are deterministic. No timing is asserted.
 */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

#define SRC STANCE_SOURCE_DIR

/* Run `cd DIR && ENV stance ARGS`, capture stdout (and stderr); return the exit status. */
static int run_bench(const char *dir, const char *env, const char *args, char **out, char **err)
{
    char o[64], e[64], cmd[4096];
    snprintf(o, sizeof o, "/tmp/stance-bench-cli-out.%d", (int)getpid());
    snprintf(e, sizeof e, "/tmp/stance-bench-cli-err.%d", (int)getpid());
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' bench %s < /dev/null > %s 2> %s", dir, env ? env : "", STANCE_CLI,
             args, o, e);
    int st = system(cmd);
    *out = slurp(o, NULL);
    remove(o);
    char *er = slurp(e, NULL);
    remove(e);
    if (err)
        *err = er;
    else
        free(er);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static double num(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    cr_assert(json_is_number(v), "field %s is not a number", key);
    return json_number_value(v);
}

Test(bench_cli, json_has_every_stage_and_libsvm_equivalence)
{
    char *out, *err;
    int rc = run_bench(SRC, "env -u STANCE_MODEL",
                       "--quotes 2000 --articles 20 --libsvm-quotes 50 --reps 1 --json", &out, &err);
    cr_assert_eq(rc, 0, "stance bench exited %d; stderr:\n%s", rc, err);
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    cr_assert_not_null(doc, "not one JSON document (%s at line %d):\n%s", je.text, je.line, out);

    json_t *corpus = json_object_get(doc, "corpus");
    cr_assert_eq(num(corpus, "quotes"), 2000);
    cr_assert_eq(num(corpus, "articles"), 20);
    cr_assert_eq(num(corpus, "libsvm_quotes"), 50);
    cr_assert_eq(num(doc, "reps"), 1);

    const char *want[] = {"segment", "bare", "featurize", "score", "e2e", "libsvm"};
    const double items[] = {20, 2000, 2000, 2000, 20, 50};
    int seen[6] = {0};
    json_t *stages = json_object_get(doc, "stages");
    cr_assert(json_is_array(stages));
    cr_assert_eq(json_array_size(stages), 6, "expected 6 stages, got %zu", json_array_size(stages));
    size_t i;
    json_t *s;
    json_array_foreach(stages, i, s)
    {
        const char *name = json_string_value(json_object_get(s, "stage"));
        cr_assert_not_null(name);
        int k = -1;
        for (int j = 0; j < 6; j++)
            if (!strcmp(name, want[j]))
                k = j;
        cr_assert_geq(k, 0, "unknown stage %s", name);
        cr_assert_not(seen[k], "stage %s twice", name);
        seen[k] = 1;
        cr_expect_eq(num(s, "items"), items[k], "stage %s: %g items, expected %g", name, num(s, "items"), items[k]);
        cr_expect_gt(num(s, "items_per_s"), 0, "stage %s: items/s not positive", name);
        cr_expect_gt(num(s, "wall_items_per_s"), 0, "stage %s: wall items/s not positive", name);
        cr_expect_gt(num(s, "bytes"), 0, "stage %s: no bytes", name);
        json_t *ns = json_object_get(s, "ns_per_item");
        cr_expect_leq(num(ns, "p50"), num(ns, "p99"), "stage %s: p50 above p99", name);
    }
    for (int j = 0; j < 6; j++)
        cr_expect(seen[j], "stage %s missing", want[j]);
    /* the segmenter finds voices in the generated articles, and e2e scores them */
    cr_expect_gt(num(json_array_get(stages, 0), "voices"), 0);

    json_t *agree = json_object_get(doc, "libsvm_agreement");
    cr_assert(json_is_object(agree), "no libsvm_agreement");
    cr_expect_eq(num(agree, "quotes"), 50);
    cr_expect_eq(num(agree, "same_label"), 50, "the collapsed scorer and libsvm disagree on labels");
    cr_expect_lt(num(agree, "max_prob_diff"), 1e-9);
    cr_expect(json_is_true(json_object_get(agree, "equivalent")), "equivalence check failed:\n%s", out);
    json_decref(doc);
    free(out);
    free(err);
}

/* the largest feature index in libsvm-format lines "1 i:v i:v ..." (-1 when none) */
static long max_index(const char *text)
{
    long best = -1;
    for (const char *p = text; (p = strchr(p, ':')); p++) {
        const char *q = p;
        while (q > text && q[-1] >= '0' && q[-1] <= '9')
            q--;
        long v = strtol(q, NULL, 10);
        if (v > best)
            best = v;
    }
    return best;
}

Test(bench_cli, model_found_like_score)
{
    char *out, *err;
    /* $STANCE_MODEL: the small test model hashes into 2^12 features */
    int rc = run_bench("/", "STANCE_MODEL='" SRC "/tests/fuzz/small.model'", "--emit-libsvm-quotes 200", &out, &err);
    cr_assert_eq(rc, 0, "exit %d: %s", rc, err);
    long small_max = max_index(out);
    cr_expect_gt(small_max, 0);
    cr_expect_leq(small_max, 4096, "features beyond the small model's space: $STANCE_MODEL not used");
    free(out);
    free(err);

    /* --model wins over $STANCE_MODEL */
    rc = run_bench("/", "STANCE_MODEL=/nonexistent.model",
                   "--model '" SRC "/tests/fuzz/small.model' --emit-libsvm-quotes 5", &out, &err);
    cr_expect_eq(rc, 0, "exit %d: %s", rc, err);
    free(out);
    free(err);

    /* $STANCE_MODEL is read (not only the compiled-in path): a bad one is an error, exit 1 */
    rc = run_bench("/", "STANCE_MODEL=/nonexistent.model", "--quotes 10", &out, &err);
    cr_expect_eq(rc, 1);
    cr_expect_not_null(strstr(err, "stance bench: /nonexistent.model: cannot open model"), "stderr: %s", err);
    free(out);
    free(err);

    /* no flag and no variable: the shipped model, whatever the working directory */
    rc = run_bench("/", "env -u STANCE_MODEL", "--emit-libsvm-quotes 5", &out, &err);
    cr_expect_eq(rc, 0, "exit %d: %s", rc, err);
    cr_expect_gt(max_index(out), 0);
    free(out);
    free(err);
}

Test(bench_cli, generators_are_deterministic)
{
    char *a, *b, *c;
    cr_assert_eq(run_bench(SRC, NULL, "--emit-jsonl 50 --seed 7", &a, NULL), 0);
    cr_assert_eq(run_bench(SRC, NULL, "--emit-jsonl 50 --seed 7", &b, NULL), 0);
    cr_assert_eq(run_bench(SRC, NULL, "--emit-jsonl 50 --seed 8", &c, NULL), 0);
    cr_expect_str_eq(a, b);
    cr_expect_str_neq(a, c);
    int lines = 0;
    for (char *line = strtok(a, "\n"); line; line = strtok(NULL, "\n"), lines++) {
        json_t *o = json_loads(line, 0, NULL);
        cr_expect(o && json_is_string(json_object_get(o, "text")), "not a quote line: %s", line);
        json_decref(o);
    }
    cr_expect_eq(lines, 50);
    free(a);
    free(b);
    free(c);
}
