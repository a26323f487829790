/*
 * dump_features.c — write every quote's feature occurrences, grouped by kind, for
 * experiments outside C (training/prototype/blocks.py).
 *
 * Reads labelled JSONL on stdin, writes one line per quote: its id, then
 * "kind:index:count" for each distinct (kind, hashed index) pair, using the default
 * feature configuration with idf off (the experiment applies its own weighting), word
 * n-grams up to NGRAM_MAX and character n-grams up to CHAR_MAX (0 = off).
 *
 * Built with the project (build/dump_features; not installed).
 * Usage: build/dump_features [NGRAM_MAX CHAR_MAX] < training/corpus.jsonl > features.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "featurize.h"

typedef struct {
    uint32_t index;
    uint16_t kind;
} occurrence;

typedef struct {
    occurrence *o;
    size_t n, cap;
    int failed;
} occurrences;

static void collect(void *user, const fz_feature *f)
{
    occurrences *a = user;
    if (a->failed)
        return;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 256;
        occurrence *o = realloc(a->o, cap * sizeof *o);
        if (!o) {
            a->failed = 1;
            return;
        }
        a->o = o;
        a->cap = cap;
    }
    a->o[a->n].index = f->index;
    a->o[a->n].kind = f->kind;
    a->n++;
}

static int by_kind_then_index(const void *x, const void *y)
{
    const occurrence *a = x, *b = y;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    return a->index < b->index ? -1 : a->index > b->index;
}

int main(int argc, char **argv)
{
    stance_features_config cfg = stance_features_default();
    cfg.idf = 0;
    if (argc == 3) {
        cfg.ngram_max = atoi(argv[1]);
        cfg.char_ngrams = atoi(argv[2]);
    } else if (argc != 1) {
        fprintf(stderr, "usage: %s [NGRAM_MAX CHAR_MAX] < corpus.jsonl\n", argv[0]);
        return 1;
    }
    char why[256];
    if (!fz_config_valid(&cfg, why, sizeof why)) {
        fprintf(stderr, "%s: %s\n", argv[0], why);
        return 1;
    }
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    occurrences a = {0};
    int status = 0;
    while (getline(&line, &cap, stdin) > 0) {
        lineno++;
        json_error_t jerr;
        json_t *j = json_loads(line, 0, &jerr);
        const char *id = json_string_value(json_object_get(j, "id"));
        const char *text = json_string_value(json_object_get(j, "text"));
        if (!id || !text) {
            fprintf(stderr, "<stdin>:%ld: not a quote with a string id and text\n", lineno);
            json_decref(j);
            status = 1;
            break;
        }
        a.n = 0;
        fz_extract(&cfg, text, strlen(text), collect, &a);
        if (a.failed) {
            fprintf(stderr, "<stdin>:%ld: out of memory\n", lineno);
            json_decref(j);
            status = 1;
            break;
        }
        qsort(a.o, a.n, sizeof *a.o, by_kind_then_index);
        printf("%s", id);
        for (size_t i = 0; i < a.n;) {
            size_t k = i;
            while (k < a.n && a.o[k].index == a.o[i].index && a.o[k].kind == a.o[i].kind)
                k++;
            printf(" %u:%u:%zu", (unsigned)a.o[i].kind, a.o[i].index, k - i);
            i = k;
        }
        printf("\n");
        json_decref(j);
    }
    free(a.o);
    free(line);
    return status;
}
