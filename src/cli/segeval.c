/* segeval.c — score the segmenter against gold attribution lines (see segeval.h). */
#include "segeval.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "stance.h"

#define QS_WORDS 6

typedef struct {
    char *article;
    char *speaker, *role, *org; /* NULL for JSON null */
    char *qs;                   /* normalised quote_start */
    long line;
    int used;
} gold_t;

typedef struct {
    char *speaker, *role, *org; /* NUL-terminated copies, NULL when absent */
    char *q;                    /* normalised first words of the quote */
    const char *rule;
    int used;
} pred_t;

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

/*
 * Fold curly marks to straight ones ('' to "), collapse whitespace (ASCII, U+00A0) to one
 * space, trim, and keep at most max_words words. Returns a malloc'd string.
 */
static char *normalise(const char *s, size_t n, int max_words)
{
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    size_t j = 0;
    int words = 0, in_space = 1;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        int space = 0, ch = -1;
        size_t adv = 1;
        if (u[i] == ' ' || u[i] == '\t' || u[i] == '\n' || u[i] == '\r' || u[i] == '\v' ||
            u[i] == '\f') {
            space = 1;
        } else if (u[i] == 0xC2 && i + 1 < n && u[i + 1] == 0xA0) {
            space = 1;
            adv = 2;
        } else if (u[i] == 0xE2 && i + 2 < n && u[i + 1] == 0x80) {
            unsigned c = u[i + 2];
            adv = 3;
            if (c == 0x9C || c == 0x9D || c == 0x9E)
                ch = '"';
            else if (c == 0x98 || c == 0x99 || c == 0x9A)
                ch = '\'';
            else if (c == 0xAF || (c >= 0x80 && c <= 0x8A))
                space = 1;
            else
                adv = 1;
        } else if (u[i] == '\'' && i + 1 < n && u[i + 1] == '\'') {
            ch = '"';
            adv = 2;
        }
        if (space) {
            if (!in_space) {
                in_space = 1;
                if (words >= max_words)
                    break;
            }
            i += adv;
            continue;
        }
        if (in_space) {
            if (words >= max_words)
                break;
            if (words > 0)
                o[j++] = ' ';
            words++;
            in_space = 0;
        }
        if (ch >= 0) {
            o[j++] = (char)ch;
            i += adv;
        } else {
            for (size_t k = 0; k < adv; k++)
                o[j++] = (char)u[i + k];
            i += adv;
        }
    }
    o[j] = 0;
    return o;
}

static int count_words(const char *s)
{
    int w = 0, in = 0;
    for (; *s; s++) {
        if (*s == ' ')
            in = 0;
        else if (!in) {
            in = 1;
            w++;
        }
    }
    return w;
}

/* Case-insensitive equality after whitespace normalisation; NULL equals only NULL. */
static int field_eq(const char *a, const char *b)
{
    if (!a || !b)
        return !a && !b;
    char *x = normalise(a, strlen(a), 1000), *y = normalise(b, strlen(b), 1000);
    int eq = 0;
    if (x && y) {
        size_t i = 0;
        for (; x[i] && y[i]; i++) {
            int c = (unsigned char)x[i], d = (unsigned char)y[i];
            if (c >= 'A' && c <= 'Z')
                c += 32;
            if (d >= 'A' && d <= 'Z')
                d += 32;
            if (c != d)
                break;
        }
        eq = !x[i] && !y[i];
    }
    free(x);
    free(y);
    return eq;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    while (b) {
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t r = fread(b + n, 1, cap - n, f);
        n += r;
        if (r == 0)
            break;
    }
    if (b && ferror(f)) {
        free(b);
        b = NULL;
    }
    fclose(f);
    *len = n;
    return b;
}

static void gold_free(gold_t *g)
{
    free(g->article);
    free(g->speaker);
    free(g->role);
    free(g->org);
    free(g->qs);
}

static void pred_free(pred_t *p)
{
    free(p->speaker);
    free(p->role);
    free(p->org);
    free(p->q);
}

/* A string field or null; returns 0 when the field is missing or of another type. */
static int get_str(json_t *o, const char *key, char **out, int allow_null)
{
    json_t *v = json_object_get(o, key);
    *out = NULL;
    if (!v)
        return 0;
    if (json_is_null(v))
        return allow_null;
    if (!json_is_string(v))
        return 0;
    *out = dupn(json_string_value(v), json_string_length(v));
    return *out != NULL;
}

static json_t *jstr_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static char *str_of(stance_str s) { return s.ptr ? dupn(s.ptr, s.len) : NULL; }

/* Score one article: gold[g0..g1) against the voices found in it. */
static int score_article(gold_t *gold, size_t g0, size_t g1, const char *dir, json_t *arts,
                         size_t *npred, size_t *tp, size_t *role_ok, size_t *org_ok, FILE *err)
{
    size_t plen = strlen(dir) + strlen(gold[g0].article) + 2;
    char *path = malloc(plen);
    if (!path) {
        fprintf(err, "out of memory\n");
        return 2;
    }
    snprintf(path, plen, "%s/%s", dir, gold[g0].article);
    size_t len;
    char *text = read_file(path, &len);
    if (!text) {
        fprintf(err, "%s: cannot read (%s), named at gold line %ld\n", path, strerror(errno),
                gold[g0].line);
        free(path);
        return 1;
    }
    stance_voices *vs = NULL;
    stance_error e;
    stance_error_clear(&e);
    if (stance_segment(text, len, &vs, &e) != STANCE_OK) {
        char buf[512];
        fprintf(err, "%s: %s\n", path, stance_error_format(&e, buf, sizeof buf));
        free(text);
        free(path);
        return 2;
    }
    size_t n = stance_voices_count(vs);
    pred_t *p = calloc(n ? n : 1, sizeof *p);
    if (!p) {
        stance_voices_free(vs);
        free(text);
        free(path);
        fprintf(err, "out of memory\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        const stance_voice *v = stance_voices_get(vs, i);
        p[i].speaker = str_of(v->speaker);
        p[i].role = str_of(v->role);
        p[i].org = str_of(v->org);
        p[i].q = normalise(v->quote.ptr ? v->quote.ptr : "", v->quote.len, QS_WORDS);
        p[i].rule = v->rule;
    }
    *npred += n;
    json_t *missed = json_array(), *extra = json_array(), *rerr = json_array(), *oerr = json_array();
    /* pass 1: quote and speaker */
    for (size_t g = g0; g < g1; g++) {
        int k = count_words(gold[g].qs);
        for (size_t i = 0; i < n; i++) {
            if (p[i].used || !p[i].q)
                continue;
            char *pq = normalise(p[i].q, strlen(p[i].q), k);
            int qm = pq && strcmp(pq, gold[g].qs) == 0;
            free(pq);
            if (qm && field_eq(p[i].speaker, gold[g].speaker)) {
                p[i].used = gold[g].used = 1;
                (*tp)++;
                if (field_eq(p[i].role, gold[g].role))
                    (*role_ok)++;
                else
                    json_array_append_new(rerr, json_pack("{s:o,s:o,s:o}", "speaker",
                                                          jstr_or_null(gold[g].speaker), "gold",
                                                          jstr_or_null(gold[g].role), "predicted",
                                                          jstr_or_null(p[i].role)));
                if (field_eq(p[i].org, gold[g].org))
                    (*org_ok)++;
                else
                    json_array_append_new(oerr, json_pack("{s:o,s:o,s:o}", "speaker",
                                                          jstr_or_null(gold[g].speaker), "gold",
                                                          jstr_or_null(gold[g].org), "predicted",
                                                          jstr_or_null(p[i].org)));
                break;
            }
        }
    }
    /* pass 2: misses, with the speaker predicted for the same quote if any */
    for (size_t g = g0; g < g1; g++) {
        if (gold[g].used)
            continue;
        int k = count_words(gold[g].qs);
        json_t *m = json_pack("{s:o,s:s,s:I}", "speaker", jstr_or_null(gold[g].speaker),
                              "quote_start", gold[g].qs, "line", (json_int_t)gold[g].line);
        for (size_t i = 0; i < n; i++) {
            if (p[i].used || !p[i].q)
                continue;
            char *pq = normalise(p[i].q, strlen(p[i].q), k);
            int qm = pq && strcmp(pq, gold[g].qs) == 0;
            free(pq);
            if (qm) {
                json_object_set_new(m, "predicted_speaker", jstr_or_null(p[i].speaker));
                json_object_set_new(m, "rule", json_string(p[i].rule ? p[i].rule : ""));
                break;
            }
        }
        json_array_append_new(missed, m);
    }
    for (size_t i = 0; i < n; i++)
        if (!p[i].used)
            json_array_append_new(extra, json_pack("{s:o,s:s,s:s}", "speaker",
                                                   jstr_or_null(p[i].speaker), "quote_start",
                                                   p[i].q ? p[i].q : "", "rule",
                                                   p[i].rule ? p[i].rule : ""));
    if (json_array_size(missed) || json_array_size(extra) || json_array_size(rerr) ||
        json_array_size(oerr)) {
        json_t *a = json_pack("{s:s,s:o,s:o}", "article", gold[g0].article, "missed", missed,
                              "extra", extra);
        if (json_array_size(rerr))
            json_object_set(a, "role_errors", rerr);
        if (json_array_size(oerr))
            json_object_set(a, "org_errors", oerr);
        json_array_append_new(arts, a);
    } else {
        json_decref(missed);
        json_decref(extra);
    }
    json_decref(rerr);
    json_decref(oerr);
    for (size_t i = 0; i < n; i++)
        pred_free(&p[i]);
    free(p);
    stance_voices_free(vs);
    free(text);
    free(path);
    return 0;
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 0.0; }

int segeval_run(const char *gold_path, const char *article_dir, FILE *out, FILE *err)
{
    FILE *f = fopen(gold_path, "rb");
    if (!f) {
        fprintf(err, "%s: cannot open: %s\n", gold_path, strerror(errno));
        return 1;
    }
    gold_t *gold = NULL;
    size_t ng = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    long lineno = 0;
    int rc = 0;
    ssize_t r;
    while ((r = getline(&line, &lcap, f)) >= 0) {
        lineno++;
        size_t ln = (size_t)r;
        while (ln && (line[ln - 1] == '\n' || line[ln - 1] == '\r'))
            ln--;
        size_t sp = 0;
        while (sp < ln && (line[sp] == ' ' || line[sp] == '\t'))
            sp++;
        if (sp == ln)
            continue;
        json_error_t je;
        json_t *o = json_loadb(line, ln, 0, &je);
        if (!o || !json_is_object(o)) {
            fprintf(err, "%s:%ld: byte %d: %s\n", gold_path, lineno, o ? 0 : je.position,
                    o ? "not a JSON object" : je.text);
            json_decref(o);
            rc = 1;
            break;
        }
        if (ng == cap) {
            size_t nc = cap ? cap * 2 : 64;
            gold_t *ngp = realloc(gold, nc * sizeof *ngp);
            if (!ngp) {
                json_decref(o);
                fprintf(err, "out of memory\n");
                rc = 2;
                break;
            }
            gold = ngp;
            cap = nc;
        }
        gold_t *g = &gold[ng];
        memset(g, 0, sizeof *g);
        g->line = lineno;
        char *qs = NULL;
        const char *bad = NULL;
        if (!get_str(o, "article", &g->article, 0))
            bad = "article";
        else if (!get_str(o, "speaker", &g->speaker, 1) && json_object_get(o, "speaker") &&
                 !json_is_null(json_object_get(o, "speaker")))
            bad = "speaker";
        else if (!json_object_get(o, "speaker"))
            bad = "speaker";
        else if (!get_str(o, "quote_start", &qs, 0))
            bad = "quote_start";
        if (!bad) {
            /* role and org: optional, string or null */
            json_t *rv = json_object_get(o, "role"), *ov = json_object_get(o, "org");
            if (rv && !json_is_null(rv) && !json_is_string(rv))
                bad = "role";
            else if (ov && !json_is_null(ov) && !json_is_string(ov))
                bad = "org";
            else {
                get_str(o, "role", &g->role, 1);
                get_str(o, "org", &g->org, 1);
            }
        }
        json_decref(o);
        if (bad || strchr(g->article, '/') ) {
            fprintf(err, "%s:%ld: %s\n", gold_path, lineno,
                    bad ? "missing or invalid field" : "article must be a file name");
            if (bad)
                fprintf(err, "%s:%ld: field \"%s\"\n", gold_path, lineno, bad);
            free(qs);
            gold_free(g);
            rc = 1;
            break;
        }
        g->qs = normalise(qs, strlen(qs), QS_WORDS);
        free(qs);
        if (!g->qs || !g->qs[0]) {
            fprintf(err, "%s:%ld: empty quote_start\n", gold_path, lineno);
            gold_free(g);
            rc = 1;
            break;
        }
        ng++;
    }
    free(line);
    fclose(f);
    if (rc == 0 && ng == 0) {
        fprintf(err, "%s: no gold lines\n", gold_path);
        rc = 1;
    }
    char *dirbuf = NULL;
    if (rc == 0 && !article_dir) {
        const char *slash = strrchr(gold_path, '/');
        size_t dl = slash ? (size_t)(slash - gold_path) : 1;
        dirbuf = malloc(dl + sizeof "/articles");
        if (!dirbuf) {
            fprintf(err, "out of memory\n");
            rc = 2;
        } else {
            memcpy(dirbuf, slash ? gold_path : ".", dl);
            memcpy(dirbuf + dl, "/articles", sizeof "/articles");
            article_dir = dirbuf;
        }
    }
    size_t npred = 0, tp = 0, role_ok = 0, org_ok = 0, narticles = 0;
    json_t *arts = json_array();
    /* articles in order of first appearance; gold lines of one article need not be adjacent */
    for (size_t i = 0; rc == 0 && i < ng; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(gold[j].article, gold[i].article) == 0;
        if (seen)
            continue;
        /* gather this article's lines to the front of a scratch run, keeping order */
        size_t cnt = 0;
        for (size_t j = i; j < ng; j++)
            if (strcmp(gold[j].article, gold[i].article) == 0)
                cnt++;
        gold_t *tmp = malloc(cnt * sizeof *tmp);
        if (!tmp) {
            rc = 2;
            break;
        }
        size_t t = 0;
        for (size_t j = i; j < ng; j++)
            if (strcmp(gold[j].article, gold[i].article) == 0)
                tmp[t++] = gold[j];
        narticles++;
        rc = score_article(tmp, 0, cnt, article_dir, arts, &npred, &tp, &role_ok, &org_ok, err);
        free(tmp);
    }
    if (rc == 0) {
        double p = ratio(tp, npred), rcl = ratio(tp, ng);
        double f1 = p + rcl > 0 ? 2 * p * rcl / (p + rcl) : 0.0;
        json_t *doc = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:f,s:f,s:o}", "gold_file",
                                gold_path, "article_dir", article_dir, "articles",
                                (json_int_t)narticles, "gold", (json_int_t)ng, "predicted",
                                (json_int_t)npred, "matched", (json_int_t)tp, "precision", p,
                                "recall", rcl, "f1", f1, "role_accuracy", ratio(role_ok, tp),
                                "org_accuracy", ratio(org_ok, tp), "misses", arts);
        arts = NULL;
        if (!doc || json_dumpf(doc, out, JSON_INDENT(2) | JSON_REAL_PRECISION(4)) != 0) {
            fprintf(err, "cannot write the report\n");
            rc = 2;
        } else
            fputc('\n', out);
        json_decref(doc);
    }
    json_decref(arts);
    for (size_t i = 0; i < ng; i++)
        gold_free(&gold[i]);
    free(gold);
    free(dirbuf);
    return rc;
}
