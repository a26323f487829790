/* test_train.c — training: reproducibility, bad data, atomic writes, evaluation. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "train.h"

#include "test_util.h"

#define CORPUS STANCE_SOURCE_DIR "/training/corpus.jsonl"

static char dir[64];

/* A small labelled file: the first `per` quotes of each label from the corpus. */
static void write_small(const char *path, size_t per)
{
    stance__dataset d;
    const char *labels[] = {"bullish", "critical", "cautious"};
    cr_assert_eq(stance__dataset_read(CORPUS, labels, 3, "train", 0, &d, NULL), STANCE_OK);
    FILE *f = fopen(path, "w");
    size_t got[3] = {0};
    for (size_t i = 0; i < d.n; i++) {
        if (got[d.ex[i].label] >= per)
            continue;
        got[d.ex[i].label]++;
        fputs("{\"text\": \"", f);
        for (const char *p = d.ex[i].text; *p; p++) {
            if (*p == '"' || *p == '\\')
                fputc('\\', f);
            if (*p == '\n')
                fputs("\\n", f);
            else
                fputc(*p, f);
        }
        fprintf(f, "\", \"label\": \"%s\"}\n", labels[d.ex[i].label]);
    }
    fclose(f);
    stance__dataset_free(&d);
}


static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void mkdir_tmp(void)
{
    strcpy(dir, "/tmp/stance-train-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

static void rm_tmp(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(train, .init = mkdir_tmp, .fini = rm_tmp, .timeout = 300);

static stance_train_options quick(void)
{
    stance_train_options o = stance_train_default();
    o.log2c_min = -1;
    o.log2c_max = 1;
    return o;
}

/* data: a path in the temp folder holding 60 quotes a label; quick options, plain-text bundle. */
static stance_train_options small_plain(char *data, size_t size)
{
    snprintf(data, size, "%s/d.jsonl", dir);
    write_small(data, 60);
    stance_train_options o = quick();
    o.compress = 0;
    return o;
}

Test(train, same_seed_same_bytes_and_seed_recorded)
{
    char data[128], m1[128], m2[128], m3[128];
    snprintf(data, sizeof data, "%s/d.jsonl", dir);
    snprintf(m1, sizeof m1, "%s/a.model", dir);
    snprintf(m2, sizeof m2, "%s/b.model", dir);
    snprintf(m3, sizeof m3, "%s/c.model", dir);
    write_small(data, 60);
    stance_train_options o = quick();
    o.seed = 7;
    stance_error err;
    stance_error_clear(&err);
    stance_report *r = NULL;
    cr_assert_eq(stance_train(data, m1, &o, &r, &err), STANCE_OK, "%s", err.text);
    cr_assert_not_null(strstr(stance_report_json(r), "\"macro_f1\""));
    cr_assert_not_null(strstr(stance_report_json(r), "\"confusion\""));
    stance_report_free(r);
    o.threads = 1; /* the thread count must not change the result */
    cr_assert_eq(stance_train(data, m2, &o, NULL, &err), STANCE_OK, "%s", err.text);
    o.seed = 8;
    cr_assert_eq(stance_train(data, m3, &o, NULL, &err), STANCE_OK, "%s", err.text);
    size_t l1 = 0, l2 = 0, l3 = 0;
    char *a = slurp(m1, &l1), *b = slurp(m2, &l2), *c = slurp(m3, &l3);
    cr_assert(l1 == l2 && !memcmp(a, b, l1), "same data, options and seed must give identical bytes");
    cr_assert(l1 != l3 || memcmp(a, c, l1), "a different seed changes the folds and the bundle");
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(m1, &m, &err), STANCE_OK, "%s", err.text);
    cr_assert_str_eq(stance_model_info(m, "seed"), "7");
    stance_model_free(m);
    free(a);
    free(b);
    free(c);
}

static void expect_data_error(const char *content, long line, const char *reason)
{
    char data[128], model[128];
    snprintf(data, sizeof data, "%s/bad.jsonl", dir);
    snprintf(model, sizeof model, "%s/out.model", dir);
    write_text(data, content);
    unlink(model);
    stance_train_options o = quick();
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_train(data, model, &o, NULL, &err);
    cr_assert_eq(st, STANCE_E_INPUT, "expected bad input for [%s], got %d (%s)", content, st, err.text);
    cr_assert_str_eq(err.file, data);
    cr_assert_eq(err.line, line, "line %ld, expected %ld (%s)", err.line, line, err.text);
    cr_assert_not_null(strstr(err.text, reason), "'%s' should mention '%s'", err.text, reason);
    cr_assert_neq(access(model, F_OK), 0, "no model may be written");
}

Test(train, bad_lines_name_file_and_line)
{
    expect_data_error("{\"text\": \"fine\", \"label\": \"bullish\"}\nnot json\n", 2, "not JSON");
    expect_data_error("{\"label\": \"bullish\"}\n", 1, "missing \"text\"");
    expect_data_error("{\"text\": \"x\"}\n", 1, "missing \"label\"");
    expect_data_error("{\"text\": \"x\", \"label\": \"bearish\"}\n", 1, "unknown label");
    expect_data_error("{\"text\": \"\", \"label\": \"bullish\"}\n", 1, "empty");
    expect_data_error("[1, 2]\n", 1, "not a JSON object");
    expect_data_error("\n\n{\"text\": \"caf\xE9\", \"label\": \"bullish\"}\n", 3, "invalid UTF-8");
}

Test(train, too_few_examples_per_class_is_an_error)
{
    char data[128], model[128];
    snprintf(data, sizeof data, "%s/few.jsonl", dir);
    snprintf(model, sizeof model, "%s/few.model", dir);
    write_small(data, 3);
    stance_error err;
    stance_error_clear(&err);
    stance_train_options o = quick();
    cr_assert_eq(stance_train(data, model, &o, NULL, &err), STANCE_E_INPUT);
    cr_assert_not_null(strstr(err.text, "at least"), "%s", err.text);
}

Test(train, skip_invalid_counts_skipped_lines)
{
    char data[128], model[128];
    snprintf(data, sizeof data, "%s/d.jsonl", dir);
    snprintf(model, sizeof model, "%s/s.model", dir);
    write_small(data, 40);
    FILE *f = fopen(data, "a");
    fputs("garbage\n{\"text\": \"x\", \"label\": \"meh\"}\n", f);
    fclose(f);
    stance_train_options o = quick();
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_train(data, model, &o, NULL, &err), STANCE_E_INPUT, "without the flag it stops");
    o.skip_invalid = 1;
    stance_report *r = NULL;
    stance_error_clear(&err);
    cr_assert_eq(stance_train(data, model, &o, &r, &err), STANCE_OK, "%s", err.text);
    cr_assert_not_null(strstr(stance_report_json(r), "\"skipped_lines\": 2"), "%s", stance_report_json(r));
    stance_report_free(r);
}

Test(train, failed_training_leaves_the_old_model)
{
    char data[128], model[128];
    snprintf(data, sizeof data, "%s/bad.jsonl", dir);
    snprintf(model, sizeof model, "%s/keep.model", dir);
    write_text(model, "the previous model\n");
    write_text(data, "{\"text\": \"x\", \"label\": \"nope\"}\n");
    stance_train_options o = quick();
    cr_assert_neq(stance_train(data, model, &o, NULL, NULL), STANCE_OK);
    size_t l;
    char *b = slurp(model, &l);
    cr_assert_str_eq(b, "the previous model\n");
    free(b);
    /* nothing else left beside it */
    char cmd[256];
    snprintf(cmd, sizeof cmd, "test $(ls %s | wc -l) -eq 2", dir);
    cr_assert_eq(system(cmd), 0, "no temporary files are left behind");
}

Test(train, unwritable_destination_is_an_io_error)
{
    char data[128];
    snprintf(data, sizeof data, "%s/d.jsonl", dir);
    write_small(data, 30);
    stance_train_options o = quick();
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_train(data, "/nonexistent-dir/x.model", &o, NULL, &err), STANCE_E_IO);
    cr_assert_not_null(strstr(err.text, "temporary"), "%s", err.text);
}

Test(train, eval_reports_metrics)
{
    char data[128], model[128];
    snprintf(data, sizeof data, "%s/d.jsonl", dir);
    snprintf(model, sizeof model, "%s/e.model", dir);
    write_small(data, 50);
    stance_train_options o = quick();
    cr_assert_eq(stance_train(data, model, &o, NULL, NULL), STANCE_OK);
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(model, &m, NULL), STANCE_OK);
    stance_report *r = NULL;
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_eval(m, data, NULL, 0, NULL, NULL, &r, &err), STANCE_OK, "%s", err.text);
    const char *js = stance_report_json(r);
    cr_assert_not_null(strstr(js, "\"n\": 150"), "%s", js);
    /* a model scored on its own training data does far better than chance */
    const char *acc = strstr(js, "\"accuracy\": ");
    cr_assert_not_null(acc);
    cr_assert_gt(atof(acc + 12), 0.6, "%s", js);
    stance_report_free(r);
    stance_model_free(m);
}

Test(train, parameters_are_declared_once)
{
    size_t n;
    const stance_param *p = stance_train_params(&n);
    cr_assert_gt(n, 8);
    stance_train_options o = stance_train_default();
    stance_error err;
    for (size_t i = 0; i < n; i++) {
        char v[32];
        snprintf(v, sizeof v, "%ld", p[i].max);
        stance_error_clear(&err);
        cr_assert_eq(stance_train_set(&o, p[i].name, v, &err), STANCE_OK, "%s: %s", p[i].name, err.text);
        snprintf(v, sizeof v, "%ld", p[i].max + 1);
        stance_error_clear(&err);
        cr_assert_eq(stance_train_set(&o, p[i].name, v, &err), STANCE_E_ARG, "%s accepts out of range", p[i].name);
    }
    cr_assert_eq(stance_train_set(&o, "nope", "1", NULL), STANCE_E_ARG);
    cr_assert_eq(stance_train_set(&o, "folds", "x", NULL), STANCE_E_ARG);
}

/* Both training paths — the precomputed Gram matrix and libsvm's own linear kernel, whose
   model comes from svm_save_model — give bundles that pass the validator and agree. */
Test(train, gram_and_linear_kernel_paths_agree)
{
    char data[128], mg[128], ml[128];
    stance_train_options o = small_plain(data, sizeof data);
    snprintf(mg, sizeof mg, "%s/g.model", dir);
    snprintf(ml, sizeof ml, "%s/l.model", dir);
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(stance_train(data, mg, &o, NULL, &err), STANCE_OK, "%s", err.text);
    size_t saved = stance__gram_max;
    stance__gram_max = 0;
    cr_assert_eq(stance_train(data, ml, &o, NULL, &err), STANCE_OK, "%s", err.text);
    stance__gram_max = saved;
    stance_model *g = NULL, *l = NULL;
    cr_assert_eq(stance_model_load(mg, &g, &err), STANCE_OK, "%s", err.text);
    cr_assert_eq(stance_model_load(ml, &l, &err), STANCE_OK, "%s", err.text);
    stance_scratch *sg = stance_scratch_new(g), *sl = stance_scratch_new(l);
    stance__dataset d;
    cr_assert_eq(stance__dataset_read(data, NULL, 0, NULL, 0, &d, NULL), STANCE_OK);
    size_t same = 0;
    double maxdd = 0;
    for (size_t i = 0; i < d.n; i++) {
        stance_result a, b;
        stance_score(g, sg, d.ex[i].text, d.ex[i].len, &a, NULL);
        stance_score(l, sl, d.ex[i].text, d.ex[i].len, &b, NULL);
        same += a.label == b.label;
        for (size_t p = 0; p < a.npairs; p++)
            maxdd = fmax(maxdd, fabs(a.decision[p] - b.decision[p]));
    }
    /* the same optimisation problem, solved twice: the kernel values differ only in
       rounding, so the decision functions agree closely */
    cr_assert_eq(same, d.n, "%zu of %zu labels agree", same, d.n);
    cr_assert_lt(maxdd, 1e-3, "decision values differ by %g", maxdd);
    stance__dataset_free(&d);
    stance_scratch_free(sg);
    stance_scratch_free(sl);
    stance_model_free(g);
    stance_model_free(l);
}

Test(train, round_digits_keeps_the_asked_significant_digits)
{
    cr_assert_eq(stance__round_digits(0.17522144, 3), 0.175);
    cr_assert_eq(stance__round_digits(0.041561079, 3), 0.0416);
    cr_assert_eq(stance__round_digits(-0.041561079, 2), -0.042);
    cr_assert_eq(stance__round_digits(0.99951, 3), 1.0);
    cr_assert_eq(stance__round_digits(123.456, 2), 120.0);
    cr_assert_eq(stance__round_digits(0.0, 3), 0.0);
    cr_assert_eq(stance__round_digits(0.17522144, 0), 0.17522144);
}

/* The most significant digits printed for any support-vector value in a plain-text
   bundle's libsvm section ("0.0416" has 3, "1.23e-05" has 3). */
static int most_sv_digits(const char *bundle)
{
    const char *sv = strstr(bundle, "\nSV\n");
    cr_assert_not_null(sv);
    int most = 0;
    for (const char *p = sv + 4; *p; p++) {
        if (*p != ':')
            continue;
        int n = 0, lead = 1;
        for (const char *q = p + 1; *q && *q != ' ' && *q != '\n' && *q != 'e'; q++) {
            if (*q < '0' || *q > '9')
                continue;
            if (lead && *q == '0')
                continue;
            lead = 0;
            n++;
        }
        if (n > most)
            most = n;
    }
    return most;
}

/* --digits bounds what libsvm writes for each support-vector value, which is most of the
   model file; digits 0 keeps libsvm's full %.8g. */
Test(train, digits_bound_the_saved_support_vector_values)
{
    char data[128], m3[128], m0[128];
    stance_train_options o = small_plain(data, sizeof data);
    snprintf(m3, sizeof m3, "%s/d3.model", dir);
    snprintf(m0, sizeof m0, "%s/d0.model", dir);
    stance_error err;
    stance_error_clear(&err);
    cr_assert_eq(o.digits, 3, "the default keeps three digits");
    cr_assert_eq(stance_train(data, m3, &o, NULL, &err), STANCE_OK, "%s", err.text);
    o.digits = 0;
    cr_assert_eq(stance_train(data, m0, &o, NULL, &err), STANCE_OK, "%s", err.text);
    size_t l3, l0;
    char *b3 = slurp(m3, &l3), *b0 = slurp(m0, &l0);
    cr_assert_leq(most_sv_digits(b3), 3, "digits 3 printed a value with %d digits", most_sv_digits(b3));
    cr_assert_eq(most_sv_digits(b0), 8, "digits 0 keeps libsvm's full %%.8g");
    cr_assert_lt(l3, l0, "fewer digits, smaller bundle (%zu against %zu bytes)", l3, l0);
    cr_assert_not_null(strstr(b3, "\ninfo digits 3\n"));
    stance_model *m = NULL;
    cr_assert_eq(stance_model_load(m3, &m, &err), STANCE_OK, "%s", err.text);
    cr_assert_str_eq(stance_model_info(m, "digits"), "3");
    stance_model_free(m);
    free(b3);
    free(b0);
}
