/* train_cmd.c — `stance train` and `stance eval`. Flags and help for the
   hyper-parameters come from the library's table (stance_train_params). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "progress.h"
#include "report_html.h"

static void print_metrics_table(FILE *f, json_t *doc)
{
    json_t *labels = json_object_get(doc, "labels"), *per = json_object_get(doc, "per_label");
    json_t *cm = json_object_get(doc, "confusion");
    fprintf(f, "%-10s %9s %9s %9s %8s\n", "label", "precision", "recall", "f1", "support");
    size_t i;
    json_t *l;
    json_array_foreach(labels, i, l)
    {
        json_t *p = json_object_get(per, json_string_value(l));
        fprintf(f, "%-10s %9.3f %9.3f %9.3f %8lld\n", json_string_value(l),
                json_real_value(json_object_get(p, "precision")), json_real_value(json_object_get(p, "recall")),
                json_real_value(json_object_get(p, "f1")),
                (long long)json_integer_value(json_object_get(p, "support")));
    }
    fprintf(f, "macro-F1 %.3f   accuracy %.3f   n %lld\n", json_real_value(json_object_get(doc, "macro_f1")),
            json_real_value(json_object_get(doc, "accuracy")), (long long)json_integer_value(json_object_get(doc, "n")));
    fprintf(f, "confusion (rows true, columns predicted):\n%-10s", "");
    json_array_foreach(labels, i, l) fprintf(f, " %9s", json_string_value(l));
    fputc('\n', f);
    json_t *row;
    json_array_foreach(cm, i, row)
    {
        fprintf(f, "%-10s", json_string_value(json_array_get(labels, i)));
        size_t j;
        json_t *c;
        json_array_foreach(row, j, c) fprintf(f, " %9lld", (long long)json_integer_value(c));
        fputc('\n', f);
    }
}

static void train_help(FILE *f)
{
    fputs("usage: stance train DATA.jsonl -o MODEL [OPTIONS]\n"
          "\n"
          "Train a model bundle from labelled JSONL lines {\"text\": …, \"label\": …}\n"
          "(labels: bullish, critical, cautious). Stratified k-fold cross-validation over\n"
          "a grid of C picks the C with the best macro-F1; the final model is fitted on\n"
          "all data and written atomically (temporary file, then rename). A JSON report\n"
          "goes beside the model (MODEL.report.json) and a table to stderr.\n"
          "\n"
          "options:\n"
          "  -o, --output FILE   where to write the model (required)\n"
          "  --split NAMES       use only lines whose \"split\" field is one of NAMES (comma list)\n"
          "  --report FILE       where to write the JSON report (default MODEL.report.json)\n"
          "  -q, --quiet         no progress and no table on stderr\n"
          "  --skip-invalid      same as --skip_invalid 1\n"
          "  --help              this text\n"
          "\n"
          "hyper-parameters (integers):\n",
          f);
    size_t n;
    const stance_param *p = stance_train_params(&n);
    for (size_t i = 0; i < n; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s N", p[i].name);
        fprintf(f, "  %-19s %s (default %ld, %ld..%ld)\n", flag, p[i].help, p[i].def, p[i].min, p[i].max);
    }
    fputs("\nexit status: 0 success, 1 bad input or usage, 2 internal error\n", f);
}

int cmd_train(int argc, char **argv)
{
    stance_train_options o = stance_train_default();
    const char *data = NULL, *outp = NULL, *report_path = NULL;
    int quiet = 0;
    stance_error err;
    stance_error_clear(&err);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            train_help(stdout);
            return 0;
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (++i >= argc)
                usage_error("train", "%s", "-o needs a file");
            outp = argv[i];
        } else if (!strcmp(a, "--split")) {
            if (++i >= argc)
                usage_error("train", "%s", "--split needs a name");
            o.split = argv[i];
        } else if (!strcmp(a, "--report")) {
            if (++i >= argc)
                usage_error("train", "%s", "--report needs a file");
            report_path = argv[i];
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            quiet = 1;
        } else if (!strcmp(a, "--skip-invalid")) {
            o.skip_invalid = 1;
        } else if (a[0] == '-' && a[1] == '-') {
            if (i + 1 >= argc)
                usage_error("train", "option '%s' needs a value", a);
            if (stance_train_set(&o, a + 2, argv[++i], &err)) {
                fprintf(stderr, "%s train: %s\nTry '%s train --help'.\n", prog, err.text, prog);
                return 1;
            }
        } else if (a[0] == '-' && a[1]) {
            usage_error("train", "unknown option '%s'", a);
        } else if (!data) {
            data = a;
        } else {
            usage_error("train", "unexpected argument '%s'", a);
        }
    }
    if (!data)
        usage_error("train", "%s", "no training data given");
    if (!outp)
        usage_error("train", "%s", "no output model given (-o MODEL)");
    progress pg;
    progress_init(&pg, "train", !quiet);
    o.progress = progress_callback;
    o.progress_user = &pg;
    stance_report *rep = NULL;
    stance_status st = stance_train(data, outp, &o, &rep, &err);
    progress_done(&pg);
    if (st)
        die_status(st, &err);
    const char *js = stance_report_json(rep);
    char *rp = NULL;
    if (!report_path) {
        size_t l = strlen(outp) + 16;
        rp = malloc(l);
        snprintf(rp, l, "%s.report.json", outp);
        report_path = rp;
    }
    if (write_atomic_file(report_path, js, strlen(js))) {
        free(rp);
        stance_report_free(rep);
        return 1;
    }
    if (!quiet) {
        json_t *doc = json_loads(js, 0, NULL);
        json_t *grid = json_object_get(doc, "grid");
        size_t i;
        json_t *g;
        fprintf(stderr, "cross-validation (%lld folds, seed %lld), macro-F1 by C:\n",
                (long long)json_integer_value(json_object_get(doc, "folds")),
                (long long)json_integer_value(json_object_get(doc, "seed")));
        json_array_foreach(grid, i, g) fprintf(stderr, "  C = 2^%-3lld  %.4f\n",
                                               (long long)json_integer_value(json_object_get(g, "log2c")),
                                               json_real_value(json_object_get(g, "cv_macro_f1")));
        fprintf(stderr, "chosen C = %g; cross-validated metrics at that C:\n",
                json_real_value(json_object_get(doc, "chosen_C")));
        print_metrics_table(stderr, doc);
        long long skipped = (long long)json_integer_value(json_object_get(doc, "skipped_lines"));
        if (skipped)
            fprintf(stderr, "skipped %lld invalid line%s (--skip-invalid)\n", skipped, skipped == 1 ? "" : "s");
        fprintf(stderr, "wrote %s and %s\n", outp, report_path);
        json_decref(doc);
    }
    free(rp);
    stance_report_free(rep);
    return 0;
}

int cmd_eval(int argc, char **argv)
{
    const char *data = NULL, *model = NULL, *split = NULL, *html = NULL;
    int as_json = 0, skip_invalid = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs("usage: stance eval DATA.jsonl [--model MODEL] [--json] [--split NAME] [--report FILE.html]\n"
                  "\n"
                  "Score every labelled line and report per-label precision, recall and F1,\n"
                  "macro-F1, accuracy and the confusion matrix (rows true, columns predicted).\n"
                  "\n"
                  "options:\n"
                  "  --model FILE      model bundle (default: the shipped model)\n"
                  "  --json            the metrics as JSON on stdout (fields: labels, n, accuracy,\n"
                  "                    macro_f1, per_label, confusion, counts, worst, data)\n"
                  "  --split NAME      use only lines whose \"split\" field is NAME\n"
                  "  --report FILE     also write a self-contained HTML report\n"
                  "  --skip-invalid    skip and count invalid lines instead of stopping\n"
                  "  --help            this text\n"
                  "\n"
                  "exit status: 0 success, 1 bad input or usage, 2 internal error\n",
                  stdout);
            return 0;
        } else if (!strcmp(a, "--model")) {
            if (++i >= argc)
                usage_error("eval", "%s", "--model needs a file");
            model = argv[i];
        } else if (!strcmp(a, "--split")) {
            if (++i >= argc)
                usage_error("eval", "%s", "--split needs a name");
            split = argv[i];
        } else if (!strcmp(a, "--report")) {
            if (++i >= argc)
                usage_error("eval", "%s", "--report needs a file");
            html = argv[i];
        } else if (!strcmp(a, "--json")) {
            as_json = 1;
        } else if (!strcmp(a, "--skip-invalid")) {
            skip_invalid = 1;
        } else if (a[0] == '-' && a[1]) {
            usage_error("eval", "unknown option '%s'", a);
        } else if (!data) {
            data = a;
        } else {
            usage_error("eval", "unexpected argument '%s'", a);
        }
    }
    if (!data)
        usage_error("eval", "%s", "no data given");
    stance_model *m = load_model(model);
    stance_error err;
    stance_error_clear(&err);
    stance_report *rep = NULL;
    progress pg;
    progress_init(&pg, "eval", 1);
    stance_status st = stance_eval(m, data, split, skip_invalid, progress_callback, &pg, &rep, &err);
    progress_done(&pg);
    if (st)
        die_status(st, &err);
    const char *js = stance_report_json(rep);
    json_t *doc = json_loads(js, 0, NULL);
    int rc = 0;
    if (html && write_html_report(html, doc, data))
        rc = 1;
    if (as_json)
        printf("%s\n", js);
    else
        print_metrics_table(stdout, doc);
    json_decref(doc);
    stance_report_free(rep);
    stance_model_free(m);
    return rc;
}
