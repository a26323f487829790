/*
 * train.c — labelled JSONL to a model bundle, and evaluation.
 *
 * Training: read and check every line (JSON object, "text" a non-empty UTF-8 string,
 * "label" one of the model's labels); featurize each quote once; assign stratified
 * folds with our own seeded generator (splitmix64), so folds do not depend on libc;
 * for each C on the grid train k fold models (libsvm C-SVC, linear kernel, balanced
 * class weights) and pool the held-out predictions into one confusion matrix; choose
 * C by macro-F1 (ties: the smaller C); then fit once on all data with Platt sigmoids,
 * srand(seed) right before, and write the bundle through a temporary file and rename.
 * libsvm's global state (print hook, rand, locale switches in save) is only touched
 * under stance__libsvm_lock().
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libsvm/svm.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "featurize.h"
#include "internal.h"
#include "lines.h"
#include "model.h"
#include "train.h"

static const char *const default_labels[] = {"bullish", "critical", "cautious"};

/* ---- options, declared once */

stance_train_options stance_train_default(void)
{
    stance_train_options o;
    memset(&o, 0, sizeof o);
    o.folds = 5;
    o.log2c_min = -3;
    o.log2c_max = 3;
    o.log2c_step = 1;
    o.balanced = 1;
    o.probability = 1;
    o.seed = 1;
    o.threads = 2;
    o.compress = 1;
    o.digits = 3;
    o.features = stance_features_default();
    return o;
}

#define TP(n, h, d, lo, hi) {#n, h, 1, d, lo, hi, offsetof(stance_train_options, n), 0}
#define FP(n, h, d, lo, hi) {#n, h, 1, d, lo, hi, offsetof(stance_features_config, n), 1}
static const stance_param params[] = {
    TP(folds, "cross-validation folds", 5, 2, 20),
    TP(log2c_min, "smallest C on the grid, as a power of two", -3, -20, 20),
    TP(log2c_max, "largest C on the grid, as a power of two", 3, -20, 20),
    TP(log2c_step, "grid step, in powers of two", 1, 1, 10),
    TP(balanced, "class weights inversely proportional to class size (1) or none (0)", 1, 0, 1),
    TP(probability, "fit Platt sigmoids so scores carry probabilities (1) or not (0)", 1, 0, 1),
    TP(seed, "seed for the fold assignment and libsvm's random numbers", 1, 0, 2147483647),
    TP(skip_invalid, "skip and count invalid lines instead of stopping (1)", 0, 0, 1),
    TP(threads, "threads for cross-validation (results do not depend on it)", 2, 1, 16),
    TP(compress, "gzip the model bundle (1) or write plain text (0); both load", 1, 0, 1),
    TP(digits, "significant digits kept in training vector values (0 = all); fewer, smaller model", 3, 0, 9),
    FP(hash_bits, "feature space size, as a power of two", 19, 10, 24),
    FP(ngram_max, "longest word n-gram", 2, 1, 3),
    FP(char_ngrams, "character n-grams 2..N inside words (0 = off)", 0, 0, 5),
    FP(sublinear_tf, "weight counts as 1+log(count)", 1, 0, 1),
    FP(negation, "mark words in a negation scope", 1, 0, 1),
    FP(contrast, "mark words after but/however/yet/although/though (2: yet/still only at a clause's start)", 2, 0, 2),
    FP(lexicon, "finance lexicon categories, hedges, intensifiers, downtoners", 1, 0, 1),
    FP(last_sentence, "mark words of the last sentence", 1, 0, 1),
    FP(idf, "weight features by inverse document frequency (drops unseen features)", 1, 0, 1),
    FP(first_sentence, "mark words of the first sentence when a quote has several", 1, 0, 1),
    FP(scare_quotes, "count short inner quotations ('efficiency gains'), a distancing cue", 1, 0, 1),
};
#undef TP
#undef FP

const stance_param *stance_train_params(size_t *count)
{
    *count = sizeof params / sizeof params[0];
    return params;
}

stance_status stance_train_set(stance_train_options *o, const char *name, const char *value, stance_error *err)
{
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        const stance_param *p = &params[i];
        if (strcmp(p->name, name))
            continue;
        char *end;
        errno = 0;
        long v = strtol(value, &end, 10);
        if (!*value || *end || errno)
            return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "--%s: '%s' is not an integer", name, value);
        if (v < p->min || v > p->max)
            return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "--%s: %ld is outside %ld..%ld", name, v,
                               p->min, p->max);
        char *base = p->in_features ? (char *)&o->features : (char *)o;
        if (!strcmp(name, "seed"))
            *(unsigned *)(base + p->offset) = (unsigned)v;
        else
            *(int *)(base + p->offset) = (int)v;
        return STANCE_OK;
    }
    return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "unknown option --%s", name);
}

/* ---- reports */

struct stance_report {
    char *json;
};

const char *stance_report_json(const stance_report *r) { return r ? r->json : NULL; }
void stance_report_free(stance_report *r)
{
    if (!r)
        return;
    stance__free(r->json);
    stance__free(r);
}

/* Per-label precision/recall/F1, macro-F1, accuracy, confusion (rows = true, cols = predicted). */
json_t *stance__metrics_json(const long *conf, size_t k, const char *const *labels, double *macro_out)
{
    json_t *o = json_object(), *per = json_object(), *cm = json_array(), *counts = json_object();
    if (!o || !per || !cm || !counts)
        goto fail;
    long total = 0, correct = 0;
    double macro = 0;
    for (size_t i = 0; i < k; i++) {
        long tp = conf[i * k + i], row = 0, col = 0;
        for (size_t j = 0; j < k; j++) {
            row += conf[i * k + j];
            col += conf[j * k + i];
        }
        total += row;
        correct += tp;
        double p = col ? (double)tp / (double)col : 0, r = row ? (double)tp / (double)row : 0;
        double f = p + r > 0 ? 2 * p * r / (p + r) : 0;
        macro += f;
        json_t *l = json_pack("{s:f,s:f,s:f,s:I}", "precision", p, "recall", r, "f1", f, "support", (json_int_t)row);
        if (!l || json_object_set_new(per, labels[i], l) || json_object_set_new(counts, labels[i], json_integer(row)))
            goto fail;
        json_t *rowa = json_array();
        if (!rowa || json_array_append_new(cm, rowa))
            goto fail;
        for (size_t j = 0; j < k; j++)
            if (json_array_append_new(rowa, json_integer(conf[i * k + j])))
                goto fail;
    }
    macro /= (double)k;
    if (macro_out)
        *macro_out = macro;
    json_t *lab = json_array();
    if (!lab || json_object_set_new(o, "labels", lab))
        goto fail;
    for (size_t i = 0; i < k; i++)
        if (json_array_append_new(lab, json_string(labels[i])))
            goto fail;
    /* json_object_set (not _new) for per, cm, counts: they are released below whether or
       not the chain stopped before reaching them */
    int bad = json_object_set_new(o, "n", json_integer(total)) ||
              json_object_set_new(o, "accuracy", json_real(total ? (double)correct / (double)total : 0)) ||
              json_object_set_new(o, "macro_f1", json_real(macro)) || json_object_set(o, "per_label", per) ||
              json_object_set(o, "confusion", cm) || json_object_set(o, "counts", counts);
    json_decref(per);
    json_decref(cm);
    json_decref(counts);
    if (bad)
        goto fail_o;
    return o;
fail:
    json_decref(per);
    json_decref(cm);
    json_decref(counts);
fail_o:
    json_decref(o);
    return NULL;
}

static stance_report *report_from(json_t *doc)
{
    stance_report *r = stance__calloc(1, sizeof *r);
    if (!r)
        return NULL;
    /* json_dumpb into our own buffer, sized by a first counting pass: jansson 2.14's
       growing string buffer can hand back a damaged text when one of its allocations fails
       mid-dump (test_alloc found a key missing its closing quote), and its parser is not
       safe under a failed allocation either, so the text is never grown or re-parsed */
    const size_t flags = JSON_INDENT(2) | JSON_REAL_PRECISION(6);
    size_t need = json_dumpb(doc, NULL, 0, flags);
    r->json = need ? stance__malloc(need + 1) : NULL;
    if (!r->json || json_dumpb(doc, r->json, need, flags) != need) {
        stance__free(r->json);
        stance__free(r);
        return NULL;
    }
    r->json[need] = 0;
    return r;
}

/* ---- reading labelled data */

/* Is name one of the comma-separated entries of list? */
static int in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list;;) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        if (l == n && !memcmp(p, name, n))
            return 1;
        if (!e)
            return 0;
        p = e + 1;
    }
}

void stance__dataset_free(stance__dataset *d)
{
    for (size_t i = 0; i < d->n; i++)
        stance__free(d->ex[i].text);
    stance__free(d->ex);
    memset(d, 0, sizeof *d);
}

stance_status stance__dataset_read(const char *path, const char *const *labels, size_t k, const char *split,
                                   int skip_invalid, stance__dataset *d, stance_error *err)
{
    memset(d, 0, sizeof *d);
    d->digest = STANCE_FNV_OFFSET;
    FILE *f = !strcmp(path, "-") ? stdin : fopen(path, "rb");
    if (!f)
        return stance__err(err, STANCE_E_IO, path, 0, -1, "cannot open: %s", strerror(errno));
    stance_lines lr;
    stance_lines_init(&lr, f, path, (size_t)64 << 20);
    stance_status st = STANCE_OK;
    int r;
    stance_error lerr, rerr;
    stance_error_clear(&rerr);
    while ((r = stance_lines_next(&lr, &rerr)) == 1) {
        d->digest = stance__fnv1a64(lr.buf, lr.len, d->digest);
        d->digest = stance__fnv1a64("\n", 1, d->digest);
        const char *s = lr.buf;
        size_t len = lr.len, sp = 0;
        while (sp < len && (s[sp] == ' ' || s[sp] == '\t'))
            sp++;
        if (sp == len)
            continue; /* blank lines are allowed */
        stance_error_clear(&lerr);
        size_t bad = stance__utf8_check(s, len);
        const char *text = NULL, *label = NULL;
        size_t tlen = 0;
        json_t *doc = NULL;
        if (bad < len) {
            stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, (long)bad, "invalid UTF-8");
        } else {
            json_error_t je;
            doc = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
            if (!doc) {
                stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, (long)je.position, "not JSON: %s", je.text);
            } else if (!json_is_object(doc)) {
                stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, 0, "not a JSON object");
            } else {
                json_t *sj = json_object_get(doc, "split");
                if (split && (!json_is_string(sj) || !in_list(split, json_string_value(sj)))) {
                    json_decref(doc);
                    continue;
                }
                json_t *t = json_object_get(doc, "text"), *l = json_object_get(doc, "label");
                if (!json_is_string(t))
                    stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, -1, "missing \"text\" string");
                else if (json_string_length(t) == 0)
                    stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, -1, "empty \"text\"");
                else if (labels && !json_is_string(l))
                    stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, -1, "missing \"label\" string");
                else {
                    text = json_string_value(t);
                    tlen = json_string_length(t);
                    label = labels ? json_string_value(l) : NULL;
                }
            }
        }
        int lab = -1;
        if (label) {
            for (size_t i = 0; i < k; i++)
                if (!strcmp(label, labels[i]))
                    lab = (int)i;
            if (lab < 0)
                stance__err(&lerr, STANCE_E_INPUT, path, lr.lineno, -1, "unknown label \"%.40s\" (expected %s|%s|%s)",
                            label, labels[0], labels[1], k > 2 ? labels[2] : "");
        }
        if (lerr.status != STANCE_OK) {
            json_decref(doc);
            if (!skip_invalid) {
                if (err && err->status == STANCE_OK)
                    *err = lerr;
                st = lerr.status;
                goto done;
            }
            d->skipped++;
            continue;
        }
        if (d->n == d->cap) {
            size_t nc = d->cap ? d->cap * 2 : 256;
            stance__example *ne = stance__realloc(d->ex, nc * sizeof *ne);
            if (!ne) {
                json_decref(doc);
                st = stance__err(err, STANCE_E_NOMEM, path, lr.lineno, -1, "out of memory");
                goto done;
            }
            d->ex = ne;
            d->cap = nc;
        }
        stance__example *e = &d->ex[d->n];
        e->text = stance__malloc(tlen + 1);
        if (!e->text) {
            json_decref(doc);
            st = stance__err(err, STANCE_E_NOMEM, path, lr.lineno, -1, "out of memory");
            goto done;
        }
        memcpy(e->text, text, tlen + 1);
        e->len = tlen;
        e->label = lab;
        e->line = lr.lineno;
        d->n++;
        json_decref(doc);
    }
    if (r < 0) {
        st = rerr.status;
        if (err && err->status == STANCE_OK)
            *err = rerr;
    }
    if (st == STANCE_OK && d->n == 0)
        st = stance__err(err, STANCE_E_INPUT, path, 0, -1, "no usable lines%s", split ? " in the requested split" : "");
done:
    stance_lines_free(&lr);
    if (f != stdin)
        fclose(f);
    if (st != STANCE_OK)
        stance__dataset_free(d);
    return st;
}

/* ---- libsvm glue */

static void silent(const char *s) { (void)s; }

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

typedef struct {
    struct svm_node **x; /* per example, -1 terminated */
    double *y;
    struct svm_node *pool;
} vectors;

static void vectors_free(vectors *v)
{
    stance__free(v->x);
    stance__free(v->y);
    stance__free(v->pool);
}

/*
 * Document frequencies over the training quotes, as idf weights: idf_j = ln((1+n)/(1+df_j)) + 1
 * for features seen in training, 0 (dropped) for the rest. df (may be NULL) receives the raw counts.
 */
static double *compute_idf(const stance__dataset *d, const stance_features_config *cfg, uint32_t *df_out)
{
    uint32_t dim = fz_dim(cfg);
    uint32_t *counts = stance__calloc((size_t)dim + 1, sizeof *counts);
    uint32_t *touched = stance__malloc(((size_t)dim + 1) * sizeof *touched);
    uint32_t *df = df_out ? df_out : stance__calloc((size_t)dim + 1, sizeof *df);
    double *idf = stance__calloc((size_t)dim + 1, sizeof *idf);
    if (!counts || !touched || !df || !idf) {
        stance__free(idf);
        idf = NULL;
        goto out;
    }
    for (size_t i = 0; i < d->n; i++) {
        size_t n = fz_collect(cfg, d->ex[i].text, d->ex[i].len, counts, touched);
        for (size_t t = 0; t < n; t++) {
            df[touched[t]]++;
            counts[touched[t]] = 0;
        }
    }
    stance__idf_from_df(df, dim, (uint32_t)d->n, idf);
out:
    stance__free(counts);
    stance__free(touched);
    if (!df_out)
        stance__free(df);
    return idf;
}

/*
 * v rounded to digits significant digits (digits 0: v unchanged). libsvm saves each
 * support-vector value with %.8g; a value already rounded prints in digits characters
 * or so, which is most of the model file. Exact to the last bit is not the point: the
 * result only has to print short and differ from v by at most half a unit in the
 * last kept digit.
 */
double stance__round_digits(double v, int digits)
{
    if (digits <= 0 || v == 0 || !isfinite(v))
        return v;
    int e = (int)floor(log10(fabs(v)));
    double scale = pow(10.0, digits - 1 - e);
    return round(v * scale) / scale;
}

/* Featurize every example into one pool of svm_nodes, values kept to digits significant digits. */
static stance_status featurize_all(const stance__dataset *d, const stance_features_config *cfg, const double *idf,
                                   int digits, vectors *v, stance_error *err)
{
    memset(v, 0, sizeof *v);
    uint32_t dim = fz_dim(cfg);
    uint32_t *counts = stance__calloc((size_t)dim + 1, sizeof *counts);
    uint32_t *touched = stance__malloc(((size_t)dim + 1) * sizeof *touched);
    fz_vector fv = {0};
    size_t *start = stance__malloc((d->n + 1) * sizeof *start);
    size_t cap = 0, used = 0;
    stance_status st = STANCE_OK;
    v->x = stance__malloc(d->n * sizeof *v->x);
    v->y = stance__malloc(d->n * sizeof *v->y);
    if (!counts || !touched || !start || !v->x || !v->y)
        goto nomem;
    for (size_t i = 0; i < d->n; i++) {
        if (fz_vectorize_idf(cfg, idf, d->ex[i].text, d->ex[i].len, counts, touched, &fv))
            goto nomem;
        if (used + fv.n + 1 > cap) {
            size_t nc = cap ? cap * 2 : 1 << 16;
            while (nc < used + fv.n + 1)
                nc *= 2;
            struct svm_node *np = stance__realloc(v->pool, nc * sizeof *np);
            if (!np)
                goto nomem;
            v->pool = np;
            cap = nc;
        }
        start[i] = used;
        for (size_t j = 0; j < fv.n; j++) {
            v->pool[used].index = (int)fv.index[j];
            v->pool[used].value = stance__round_digits(fv.value[j], digits);
            used++;
        }
        v->pool[used].index = -1;
        v->pool[used].value = 0;
        used++;
        v->y[i] = d->ex[i].label + 1;
    }
    for (size_t i = 0; i < d->n; i++)
        v->x[i] = v->pool + start[i];
    goto done;
nomem:
    st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory while featurizing");
    vectors_free(v);
    memset(v, 0, sizeof *v);
done:
    stance__free(counts);
    stance__free(touched);
    stance__free(start);
    fz_vector_free(&fv);
    return st;
}

/*
 * The linear kernel, precomputed: libsvm's linear kernel recomputes sparse dot products
 * for every cache miss; with the Gram matrix in memory each kernel value is one load.
 * Row i is libsvm's precomputed format: {0: i+1}, {j+1: K(i,j)} for every j, {-1}.
 * Used when the n*n*16 bytes fit in half the machine's physical memory (or n <=
 * stance__gram_max, when a caller sets it); beyond that, the plain linear kernel.
 */
size_t stance__gram_max = (size_t)-1; /* (size_t)-1: decided by physical memory; tests lower it */

static size_t gram_limit(void)
{
    if (stance__gram_max != (size_t)-1)
        return stance__gram_max;
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0)
        return 16384; /* 4 GiB */
    double half = (double)pages * (double)page / 2;
    return (size_t)sqrt(half / (double)sizeof(struct svm_node));
}

typedef struct {
    struct svm_node **x;
    struct svm_node *pool;
} gram;

static void gram_free(gram *g)
{
    stance__free(g->x);
    stance__free(g->pool);
}

static stance_status gram_build(const vectors *v, size_t n, uint32_t dim, gram *g, stance_error *err)
{
    memset(g, 0, sizeof *g);
    size_t row = n + 2;
    g->x = stance__malloc(n * sizeof *g->x);
    g->pool = stance__malloc(n * row * sizeof *g->pool);
    double *dense = stance__calloc((size_t)dim + 1, sizeof *dense);
    if (!g->x || !g->pool || !dense) {
        stance__free(dense);
        gram_free(g);
        memset(g, 0, sizeof *g); /* the caller frees it again on its error path */
        return stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory for the kernel matrix");
    }
    for (size_t i = 0; i < n; i++) {
        struct svm_node *r = g->pool + i * row;
        g->x[i] = r;
        r[0].index = 0;
        r[0].value = (double)(i + 1);
        r[n + 1].index = -1;
        r[n + 1].value = 0;
        for (const struct svm_node *a = v->x[i]; a->index != -1; a++)
            dense[a->index] = a->value;
        for (size_t j = 0; j <= i; j++) {
            double dot = 0;
            for (const struct svm_node *b = v->x[j]; b->index != -1; b++)
                dot += dense[b->index] * b->value;
            r[j + 1].index = (int)(j + 1);
            r[j + 1].value = dot;
            struct svm_node *rj = g->pool + j * row;
            rj[i + 1].index = (int)(i + 1);
            rj[i + 1].value = dot;
        }
        for (const struct svm_node *a = v->x[i]; a->index != -1; a++)
            dense[a->index] = 0;
    }
    stance__free(dense);
    return STANCE_OK;
}

static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...) STANCE_PRINTF(4, 5);
static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int w = vsnprintf(*buf ? *buf + *len : NULL, *buf ? *cap - *len : 0, fmt, ap);
        va_end(ap);
        if (w < 0)
            return -1;
        if (*buf && *len + (size_t)w < *cap) {
            *len += (size_t)w;
            return 0;
        }
        size_t nc = *cap ? *cap * 2 : 1 << 16;
        while (nc < *len + (size_t)w + 1)
            nc *= 2;
        char *nb = stance__realloc(*buf, nc);
        if (!nb)
            return -1;
        *buf = nb;
        *cap = nc;
    }
}

/*
 * The libsvm text of a model trained on the precomputed kernel, written as the linear
 * model it is: each support vector's own features in place of its training-set id. The
 * layout and number formats are svm_save_model's (%.17g coefficients, %.8g values), so
 * svm_load_model reads it as a linear-kernel model.
 */
static char *linear_text(const struct svm_model *mdl, const vectors *v, stance_error *err)
{
    char *b = NULL;
    size_t len = 0, cap = 0;
    int k = mdl->nr_class, P = k * (k - 1) / 2, bad = 0;
    bad |= append(&b, &len, &cap, "svm_type c_svc\nkernel_type linear\nnr_class %d\ntotal_sv %d\nrho", k, mdl->l);
    for (int p = 0; p < P; p++)
        bad |= append(&b, &len, &cap, " %.17g", mdl->rho[p]);
    bad |= append(&b, &len, &cap, "\nlabel");
    for (int c = 0; c < k; c++)
        bad |= append(&b, &len, &cap, " %d", mdl->label[c]);
    if (mdl->probA) {
        bad |= append(&b, &len, &cap, "\nprobA");
        for (int p = 0; p < P; p++)
            bad |= append(&b, &len, &cap, " %.17g", mdl->probA[p]);
        bad |= append(&b, &len, &cap, "\nprobB");
        for (int p = 0; p < P; p++)
            bad |= append(&b, &len, &cap, " %.17g", mdl->probB[p]);
    }
    bad |= append(&b, &len, &cap, "\nnr_sv");
    for (int c = 0; c < k; c++)
        bad |= append(&b, &len, &cap, " %d", mdl->nSV[c]);
    bad |= append(&b, &len, &cap, "\nSV\n");
    for (int s = 0; s < mdl->l && !bad; s++) {
        for (int r = 0; r < k - 1; r++)
            bad |= append(&b, &len, &cap, "%.17g ", mdl->sv_coef[r][s]);
        size_t id = (size_t)mdl->SV[s][0].value - 1;
        for (const struct svm_node *a = v->x[id]; a->index != -1; a++)
            bad |= append(&b, &len, &cap, "%d:%.8g ", a->index, a->value);
        bad |= append(&b, &len, &cap, "\n");
    }
    if (bad) {
        stance__free(b);
        stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
        return NULL;
    }
    return b;
}

static void set_param(struct svm_parameter *p, double C, int probability, int *wl, double *w, size_t k)
{
    memset(p, 0, sizeof *p);
    p->svm_type = C_SVC;
    p->kernel_type = LINEAR;
    p->cache_size = 100;
    p->eps = 1e-3;
    p->C = C;
    p->shrinking = 1;
    p->probability = probability;
    p->nr_weight = w ? (int)k : 0;
    p->weight_label = w ? wl : NULL;
    p->weight = w;
}

/* Write buf to path atomically: temporary file in the same directory, fsync, rename. */
stance_status stance__write_atomic(const char *path, const char *buf, size_t len, stance_error *err)
{
    size_t pl = strlen(path);
    char *tmp = stance__malloc(pl + 16);
    if (!tmp)
        return stance__err(err, STANCE_E_NOMEM, path, 0, -1, "out of memory");
    snprintf(tmp, pl + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        stance_status st = stance__err(err, STANCE_E_IO, path, 0, -1, "cannot create a temporary file beside it: %s",
                                       strerror(errno));
        stance__free(tmp);
        return st;
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, buf + off, len - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            stance__free(tmp);
            return stance__err(err, STANCE_E_IO, path, 0, -1, "write failed: %s", strerror(e));
        }
        off += (size_t)w;
    }
    if (fchmod(fd, 0644) || fsync(fd) || close(fd)) {
        int e = errno;
        unlink(tmp);
        stance__free(tmp);
        return stance__err(err, STANCE_E_IO, path, 0, -1, "write failed: %s", strerror(e));
    }
    if (rename(tmp, path)) {
        int e = errno;
        unlink(tmp);
        stance__free(tmp);
        return stance__err(err, STANCE_E_IO, path, 0, -1, "cannot rename into place: %s", strerror(e));
    }
    stance__free(tmp);
    return STANCE_OK;
}

/* Save a libsvm model and read its text back (libsvm only writes to files). */
static char *libsvm_text(const struct svm_model *model, const char *near, stance_error *err)
{
    size_t pl = strlen(near);
    char *tmp = stance__malloc(pl + 20);
    if (!tmp) {
        stance__err(err, STANCE_E_NOMEM, near, 0, -1, "out of memory");
        return NULL;
    }
    snprintf(tmp, pl + 20, "%s.svmXXXXXX", near);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        stance__err(err, STANCE_E_IO, near, 0, -1, "cannot create a temporary file beside it: %s", strerror(errno));
        stance__free(tmp);
        return NULL;
    }
    close(fd);
    char *text = NULL;
    if (svm_save_model(tmp, model) != 0) {
        stance__err(err, STANCE_E_IO, near, 0, -1, "libsvm could not save the model");
    } else {
        FILE *f = fopen(tmp, "rb");
        if (f && !fseek(f, 0, SEEK_END)) {
            long n = ftell(f);
            rewind(f);
            if (n >= 0 && (text = stance__malloc((size_t)n + 1))) {
                if (fread(text, 1, (size_t)n, f) != (size_t)n) {
                    stance__free(text);
                    text = NULL;
                } else
                    text[n] = 0;
            }
        }
        if (f)
            fclose(f);
        if (!text)
            stance__err(err, STANCE_E_IO, near, 0, -1, "cannot read back the libsvm model");
    }
    unlink(tmp);
    stance__free(tmp);
    return text;
}

typedef struct {
    const stance__dataset *d;
    const vectors *v;
    struct svm_node **kx; /* rows given to libsvm: the Gram matrix, or v->x */
    int precomputed;
    const int *fold;
    const stance_train_options *opt;
    int *wl;
    double *w;
    size_t k, njobs, next, done, total;
    long *conf; /* per grid point, k*k, summed over folds */
    int cancelled, failed;
    char stage[64];
    pthread_mutex_t mu;
} cv_shared;

static void *cv_worker(void *arg)
{
    cv_shared *sh = arg;
    size_t n = sh->d->n, k = sh->k;
    struct svm_node **tx = stance__malloc(n * sizeof *tx);
    double *ty = stance__malloc(n * sizeof *ty);
    long *cm = stance__calloc(k * k, sizeof *cm);
    if (!tx || !ty || !cm) {
        pthread_mutex_lock(&sh->mu);
        sh->failed = 1;
        pthread_mutex_unlock(&sh->mu);
        goto out;
    }
    for (;;) {
        pthread_mutex_lock(&sh->mu);
        size_t job = sh->next++;
        int stop = sh->cancelled || sh->failed || job >= sh->njobs;
        pthread_mutex_unlock(&sh->mu);
        if (stop)
            break;
        int g = (int)(job / (size_t)sh->opt->folds), fo = (int)(job % (size_t)sh->opt->folds);
        double C = ldexp(1.0, sh->opt->log2c_min + g * sh->opt->log2c_step);
        struct svm_problem prob;
        prob.l = 0;
        prob.x = tx;
        prob.y = ty;
        for (size_t i = 0; i < n; i++)
            if (sh->fold[i] != fo) {
                tx[prob.l] = sh->kx[i];
                ty[prob.l] = sh->v->y[i];
                prob.l++;
            }
        struct svm_parameter par;
        set_param(&par, C, 0, sh->wl, sh->w, k);
        if (sh->precomputed)
            par.kernel_type = PRECOMPUTED;
        struct svm_model *mdl = svm_train(&prob, &par);
        if (!mdl) {
            pthread_mutex_lock(&sh->mu);
            sh->failed = 1;
            pthread_mutex_unlock(&sh->mu);
            break;
        }
        memset(cm, 0, k * k * sizeof *cm);
        for (size_t i = 0; i < n; i++)
            if (sh->fold[i] == fo) {
                int pred = (int)svm_predict(mdl, sh->kx[i]) - 1;
                if (pred >= 0 && (size_t)pred < k)
                    cm[(size_t)sh->d->ex[i].label * k + (size_t)pred]++;
            }
        svm_free_and_destroy_model(&mdl);
        pthread_mutex_lock(&sh->mu);
        for (size_t q = 0; q < k * k; q++)
            sh->conf[(size_t)g * k * k + q] += cm[q];
        sh->done++;
        if (sh->opt->progress) {
            /* the stage names the grid point and fold just finished */
            snprintf(sh->stage, sizeof sh->stage, "cv C=2^%d fold %d/%d", sh->opt->log2c_min + g * sh->opt->log2c_step,
                     fo + 1, sh->opt->folds);
            if (sh->opt->progress(sh->opt->progress_user, sh->stage, sh->done, sh->total))
                sh->cancelled = 1;
        }
        pthread_mutex_unlock(&sh->mu);
    }
out:
    stance__free(tx);
    stance__free(ty);
    stance__free(cm);
    return NULL;
}

/* ---- training */

typedef struct {
    size_t n;
    long *conf;
} cvres;

stance_status stance_train(const char *data_path, const char *model_path, const stance_train_options *opt_in,
                           stance_report **report, stance_error *err)
{
    stance_train_options opt = opt_in ? *opt_in : stance_train_default();
    if (report)
        *report = NULL;
    char why[200];
    if (!fz_config_valid(&opt.features, why, sizeof why))
        return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "%s", why);
    if (opt.folds < 2 || opt.log2c_min > opt.log2c_max || opt.log2c_step < 1)
        return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "bad grid or fold options");
    const size_t k = 3;
    const char *const *labels = default_labels;
    stance__dataset d;
    stance_status st = stance__dataset_read(data_path, labels, k, opt.split, opt.skip_invalid, &d, err);
    if (st)
        return st;

    size_t per[STANCE_MAX_LABELS] = {0};
    for (size_t i = 0; i < d.n; i++)
        per[d.ex[i].label]++;
    size_t need = (size_t)opt.folds > 5 ? (size_t)opt.folds : 5;
    for (size_t c = 0; c < k; c++)
        if (per[c] < need) {
            st = stance__err(err, STANCE_E_INPUT, data_path, 0, -1,
                             "label \"%s\" has %zu examples: at least %zu are needed for %d-fold "
                             "cross-validation and probability fitting",
                             labels[c], per[c], need, opt.folds);
            stance__dataset_free(&d);
            return st;
        }

    /* order examples by label so libsvm's label order is 1..k; stable, so input order within a class */
    stance__example *sorted = stance__malloc(d.n * sizeof *sorted);
    if (!sorted) {
        stance__dataset_free(&d);
        return stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
    }
    {
        size_t o = 0;
        for (size_t c = 0; c < k; c++)
            for (size_t i = 0; i < d.n; i++)
                if ((size_t)d.ex[i].label == c)
                    sorted[o++] = d.ex[i];
        memcpy(d.ex, sorted, d.n * sizeof *sorted);
        stance__free(sorted);
    }

    vectors v;
    uint32_t *df = NULL;
    double *idf = NULL;
    if (opt.features.idf) {
        df = stance__calloc((size_t)fz_dim(&opt.features) + 1, sizeof *df);
        if (!df || !(idf = compute_idf(&d, &opt.features, df))) {
            stance__free(df);
            stance__dataset_free(&d);
            return stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
        }
    }
    if ((st = featurize_all(&d, &opt.features, idf, opt.digits, &v, err))) {
        stance__free(df);
        stance__free(idf);
        stance__dataset_free(&d);
        return st;
    }

    /* stratified folds from our own generator */
    int *fold = stance__malloc(d.n * sizeof *fold);
    size_t *perm = stance__malloc(d.n * sizeof *perm);
    int ngrid = (opt.log2c_max - opt.log2c_min) / opt.log2c_step + 1;
    long *conf = stance__calloc((size_t)ngrid * k * k, sizeof *conf);
    double *gridf1 = stance__calloc((size_t)ngrid, sizeof *gridf1);
    json_t *doc = NULL;
    char *bundle = NULL, *svmtext = NULL;
    gram gm = {0};
    struct svm_node **kx = NULL;
    if (!fold || !perm || !conf || !gridf1) {
        st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
        goto out;
    }
    {
        uint64_t rng = opt.seed;
        size_t base = 0;
        for (size_t c = 0; c < k; c++) {
            for (size_t i = 0; i < per[c]; i++)
                perm[i] = base + i;
            for (size_t i = per[c]; i > 1; i--) {
                size_t j = (size_t)(splitmix(&rng) % i), t = perm[i - 1];
                perm[i - 1] = perm[j];
                perm[j] = t;
            }
            for (size_t i = 0; i < per[c]; i++)
                fold[perm[i]] = (int)(i % (size_t)opt.folds);
            base += per[c];
        }
    }
    int wl[STANCE_MAX_LABELS];
    double w[STANCE_MAX_LABELS];
    for (size_t c = 0; c < k; c++) {
        wl[c] = (int)c + 1;
        w[c] = (double)d.n / ((double)k * (double)per[c]);
    }

    kx = v.x;
    if (d.n <= gram_limit()) {
        if ((st = gram_build(&v, d.n, fz_dim(&opt.features), &gm, err)))
            goto out;
        kx = gm.x;
    }
    stance__libsvm_lock();
    svm_set_print_string_function(silent);
    size_t total = (size_t)ngrid * (size_t)opt.folds + 1;
    {
        /* every (C, fold) job is independent and svm_train without probabilities uses no
           random numbers, so jobs run on opt.threads threads with identical results */
        cv_shared sh = {0};
        sh.d = &d;
        sh.v = &v;
        sh.kx = kx;
        sh.precomputed = kx != v.x;
        sh.fold = fold;
        sh.opt = &opt;
        sh.wl = wl;
        sh.w = opt.balanced ? w : NULL;
        sh.k = k;
        sh.njobs = (size_t)ngrid * (size_t)opt.folds;
        sh.conf = conf;
        sh.total = total;
        pthread_mutex_init(&sh.mu, NULL);
        int nt = opt.threads < 1 ? 1 : opt.threads;
        pthread_t th[16];
        int started = 0;
        for (int t = 1; t < nt && t < 16; t++)
            if (!pthread_create(&th[t], NULL, cv_worker, &sh))
                started++;
        cv_worker(&sh);
        for (int t = 1; t <= started; t++)
            pthread_join(th[t], NULL);
        pthread_mutex_destroy(&sh.mu);
        if (sh.cancelled)
            st = stance__err(err, STANCE_E_CANCELLED, NULL, 0, -1, "training cancelled");
        else if (sh.failed)
            st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "libsvm training failed");
    }
    int best = 0;
    for (int g = 0; g < ngrid && st == STANCE_OK; g++) {
        json_t *tmpm = stance__metrics_json(conf + (size_t)g * k * k, k, labels, &gridf1[g]);
        json_decref(tmpm);
        if (gridf1[g] > gridf1[best])
            best = g;
    }
    size_t done = total - 1;
    double bestC = ldexp(1.0, opt.log2c_min + best * opt.log2c_step);
    if (st == STANCE_OK && opt.progress && opt.progress(opt.progress_user, "fit", done, total))
        st = stance__err(err, STANCE_E_CANCELLED, NULL, 0, -1, "training cancelled");
    if (st == STANCE_OK) {
        struct svm_problem prob = {(int)d.n, v.y, kx};
        struct svm_parameter par;
        set_param(&par, bestC, opt.probability, wl, opt.balanced ? w : NULL, k);
        if (kx != v.x)
            par.kernel_type = PRECOMPUTED;
        srand(opt.seed);
        struct svm_model *mdl = svm_train(&prob, &par);
        if (!mdl)
            st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "libsvm training failed");
        else {
            svmtext = kx != v.x ? linear_text(mdl, &v, err) : libsvm_text(mdl, model_path, err);
            if (!svmtext)
                st = err ? err->status : STANCE_E_IO;
            svm_free_and_destroy_model(&mdl);
        }
    }
    stance__libsvm_unlock();
    if (st)
        goto out;

    /* the report */
    {
        double f1;
        doc = stance__metrics_json(conf + (size_t)best * k * k, k, labels, &f1);
        json_t *grid = json_array();
        if (!doc || !grid) {
            json_decref(grid);
            st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
            goto out;
        }
        int jbad = 0; /* a report is complete or not made: any failed insertion is out of memory */
        for (int g = 0; g < ngrid; g++)
            jbad |= json_array_append_new(grid, json_pack("{s:i,s:f,s:f}", "log2c", opt.log2c_min + g * opt.log2c_step,
                                                          "C", ldexp(1.0, opt.log2c_min + g * opt.log2c_step),
                                                          "cv_macro_f1", gridf1[g]));
        char fbuf[256], dig[20];
        fz_config_format(&opt.features, fbuf, sizeof fbuf);
        snprintf(dig, sizeof dig, "%016llx", (unsigned long long)d.digest);
        jbad |= json_object_set_new(doc, "grid", grid);
        jbad |= json_object_set_new(doc, "chosen_C", json_real(bestC));
        jbad |= json_object_set_new(doc, "folds", json_integer(opt.folds));
        jbad |= json_object_set_new(doc, "seed", json_integer(opt.seed));
        jbad |= json_object_set_new(doc, "data", json_string(data_path));
        jbad |= json_object_set_new(doc, "data_fnv1a64", json_string(dig));
        jbad |= json_object_set_new(doc, "skipped_lines", json_integer((json_int_t)d.skipped));
        jbad |= json_object_set_new(doc, "features", json_string(fbuf));
        jbad |= json_object_set_new(doc, "metric", json_string("cross-validated, pooled over folds, at the chosen C"));
        if (jbad) {
            st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
            goto out;
        }

        /* the bundle */
        size_t cap = strlen(svmtext) + 4096, n = 0;
        bundle = stance__malloc(cap);
        if (!bundle) {
            st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
            goto out;
        }
        long svlines = 0;
        for (const char *p = svmtext; *p; p++)
            svlines += *p == '\n';
        n += (size_t)snprintf(bundle + n, cap - n, "%s\nlabels %s %s %s\nfeatures %s\n", STANCE_MODEL_MAGIC,
                              labels[0], labels[1], labels[2], fbuf);
        n += (size_t)snprintf(bundle + n, cap - n,
                              "info created_by stance %s\ninfo libsvm_version %d\ninfo seed %u\ninfo folds %d\n"
                              "info C %.17g\ninfo cv_macro_f1 %.6f\ninfo balanced %d\ninfo data_fnv1a64 %s\n"
                              "info examples %zu\ninfo digits %d\n",
                              stance_version(), libsvm_version, opt.seed, opt.folds, bestC, f1, opt.balanced, dig,
                              d.n, opt.digits);
        if (df) {
            /* "idf NDOCS NLINES", then lines of up to 64 "index:df" pairs, ascending */
            size_t npairs = 0;
            uint32_t dim = fz_dim(&opt.features);
            for (uint32_t j = 1; j <= dim; j++)
                npairs += df[j] != 0;
            size_t nl = (npairs + 63) / 64;
            cap += npairs * 20 + 64;
            char *nb = stance__realloc(bundle, cap);
            if (!nb) {
                st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
                goto out;
            }
            bundle = nb;
            n += (size_t)snprintf(bundle + n, cap - n, "idf %zu %zu\n", d.n, nl);
            size_t on_line = 0;
            for (uint32_t j = 1; j <= dim; j++) {
                if (!df[j])
                    continue;
                n += (size_t)snprintf(bundle + n, cap - n, "%s%u:%u", on_line ? " " : "", j, df[j]);
                if (++on_line == 64) {
                    bundle[n++] = '\n';
                    on_line = 0;
                }
            }
            if (on_line)
                bundle[n++] = '\n';
        }
        n += (size_t)snprintf(bundle + n, cap - n, "libsvm %ld\n", svlines);
        size_t sl = strlen(svmtext);
        memcpy(bundle + n, svmtext, sl);
        n += sl;
        n += (size_t)snprintf(bundle + n, cap - n, "end\n");
        uint64_t h = stance__fnv1a64(bundle, n, STANCE_FNV_OFFSET);
        n += (size_t)snprintf(bundle + n, cap - n, "checksum fnv1a64 %016llx\n", (unsigned long long)h);

        /* check our own output with our own validator before it replaces anything */
        stance_model *check = NULL;
        if ((st = stance_model_load_mem(bundle, n, model_path, &check, err)))
            goto out;
        stance_model_free(check);
        /* the report first: a failure after the model is in place would report an error
           for a run that changed the model */
        if (report && !(*report = report_from(doc))) {
            st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
            goto out;
        }
        if (opt.compress) {
            char *gz = NULL;
            size_t gzlen = 0;
            if (!(st = stance__gzip(bundle, n, &gz, &gzlen, err)))
                st = stance__write_atomic(model_path, gz, gzlen, err);
            stance__free(gz);
        } else {
            st = stance__write_atomic(model_path, bundle, n, err);
        }
        if (st) {
            if (report) {
                stance_report_free(*report);
                *report = NULL;
            }
            goto out;
        }
    }
out:
    json_decref(doc);
    stance__free(bundle);
    stance__free(svmtext);
    stance__free(fold);
    stance__free(perm);
    stance__free(conf);
    stance__free(gridf1);
    vectors_free(&v);
    gram_free(&gm);
    stance__free(df);
    stance__free(idf);
    stance__dataset_free(&d);
    return st;
}

/* ---- evaluation */

stance_status stance_eval(const stance_model *m, const char *data_path, const char *split, int skip_invalid,
                          stance_progress_fn progress, void *user, stance_report **report, stance_error *err)
{
    if (report)
        *report = NULL;
    stance__dataset d;
    const char *labels[STANCE_MAX_LABELS];
    for (size_t i = 0; i < m->k; i++)
        labels[i] = m->labels[i];
    stance_status st = stance__dataset_read(data_path, labels, m->k, split, skip_invalid, &d, err);
    if (st)
        return st;
    long *conf = stance__calloc(m->k * m->k, sizeof *conf);
    stance_scratch *s = stance_scratch_new(m);
    json_t *doc = NULL, *worst = NULL;
    if (!conf || !s) {
        st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
        goto out;
    }
    /* the most confident mistakes, kept sorted, for reports */
    enum { NWORST = 10 };
    size_t wi[NWORST];
    double wc[NWORST];
    int wp[NWORST];
    size_t nw = 0;
    for (size_t i = 0; i < d.n; i++) {
        if (progress && (i & 255) == 0 && progress(user, "eval", i, d.n)) {
            st = stance__err(err, STANCE_E_CANCELLED, NULL, 0, -1, "evaluation cancelled");
            goto out;
        }
        stance_result r;
        stance_score(m, s, d.ex[i].text, d.ex[i].len, &r, NULL);
        conf[(size_t)d.ex[i].label * m->k + (size_t)r.label]++;
        if (r.label != d.ex[i].label) {
            size_t pos = nw;
            while (pos > 0 && wc[pos - 1] < r.confidence)
                pos--;
            if (pos < NWORST) {
                for (size_t q = (nw < NWORST ? nw : NWORST - 1); q > pos; q--) {
                    wi[q] = wi[q - 1];
                    wc[q] = wc[q - 1];
                    wp[q] = wp[q - 1];
                }
                wi[pos] = i;
                wc[pos] = r.confidence;
                wp[pos] = r.label;
                if (nw < NWORST)
                    nw++;
            }
        }
    }
    doc = stance__metrics_json(conf, m->k, labels, NULL);
    worst = json_array();
    if (!doc || !worst) {
        st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
        goto out;
    }
    int jbad = 0;
    for (size_t q = 0; q < nw; q++) {
        const stance__example *e = &d.ex[wi[q]];
        jbad |= json_array_append_new(worst, json_pack("{s:I,s:s%,s:s,s:s,s:f}", "line", (json_int_t)e->line, "text", e->text,
                                               e->len, "label", labels[e->label], "predicted", labels[wp[q]],
                                               "confidence", wc[q]));
    }
    jbad |= json_object_set_new(doc, "worst", worst);
    worst = NULL;
    jbad |= json_object_set_new(doc, "data", json_string(data_path));
    jbad |= json_object_set_new(doc, "skipped_lines", json_integer((json_int_t)d.skipped));
    if (split)
        jbad |= json_object_set_new(doc, "split", json_string(split));
    if (jbad)
        st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
    else if (report && !(*report = report_from(doc)))
        st = stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
out:
    json_decref(worst);
    json_decref(doc);
    stance_scratch_free(s);
    stance__free(conf);
    stance__dataset_free(&d);
    return st;
}
