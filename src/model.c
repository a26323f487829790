/* model.c — load and validate a bundle, collapse it, score quotes. See model.h. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "featurize.h"
#include "internal.h"
#include "model.h"

uint64_t stance__fnv1a64(const void *buf, size_t len, uint64_t h)
{
    const unsigned char *p = buf;
    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static pthread_mutex_t libsvm_mutex = PTHREAD_MUTEX_INITIALIZER;
void stance__libsvm_lock(void) { pthread_mutex_lock(&libsvm_mutex); }
void stance__libsvm_unlock(void) { pthread_mutex_unlock(&libsvm_mutex); }

/* ---- a line cursor over the bundle */

typedef struct {
    const char *buf;
    size_t len, pos;
    long lineno;
    const char *line; /* current line, not including '\n' */
    size_t llen;
    const char *name;
    stance_error *err;
} cursor;

static int next_line(cursor *c)
{
    if (c->pos >= c->len)
        return 0;
    const char *s = c->buf + c->pos;
    const char *nl = memchr(s, '\n', c->len - c->pos);
    if (!nl)
        return 0; /* every line, the last included, ends with '\n' */
    c->line = s;
    c->llen = (size_t)(nl - s);
    c->pos += c->llen + 1;
    c->lineno++;
    return 1;
}

static stance_status bad(cursor *c, const char *fmt, const char *what)
{
    return stance__err(c->err, STANCE_E_MODEL, c->name, c->lineno, -1, fmt, what);
}

/* The line must start with key followed by a space (or be exactly key when bare). */
static const char *expect_key(cursor *c, const char *key, int bare)
{
    if (!next_line(c)) {
        c->lineno++;
        bad(c, "unexpected end of file: expected '%s'", key);
        return NULL;
    }
    size_t kl = strlen(key);
    if (bare) {
        if (c->llen == kl && !memcmp(c->line, key, kl))
            return c->line + kl;
    } else if (c->llen > kl && !memcmp(c->line, key, kl) && c->line[kl] == ' ') {
        return c->line + kl + 1;
    }
    bad(c, "expected '%s'", key);
    return NULL;
}

/*
 * The common case of [s, e) without strtod: an optional '-', digits with at most one '.',
 * no exponent, at most 15 significant digits. The digits make an integer m < 10^15 < 2^53
 * and the value is m / 10^k with k <= 22; both are exact doubles, so the one division is
 * correctly rounded and equals strtod's result bit for bit (Clinger's fast path). Returns
 * 0 for anything else, which the caller hands to strtod.
 */
int stance__parse_decimal_fast(const char *s, const char *e, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    int neg = s < e && *s == '-';
    s += neg;
    uint64_t m = 0;
    int sig = 0, frac = 0, dot = 0, digits = 0;
    for (; s < e; s++) {
        if (*s == '.' && !dot) {
            dot = 1;
            continue;
        }
        if (*s < '0' || *s > '9')
            return 0;
        digits++;
        frac += dot;
        if (m == 0 && *s == '0')
            continue; /* leading zeros are not significant */
        if (++sig > 15)
            return 0;
        m = m * 10 + (uint64_t)(*s - '0');
    }
    if (!digits || frac > 22)
        return 0;
    double v = (double)m / pow10[frac];
    *out = neg ? -v : v;
    return 1;
}

/* Parse exactly n finite doubles separated by single spaces from [s, end). */
static int parse_doubles(const char *s, const char *end, double *out, size_t n)
{
    char tmp[64];
    for (size_t i = 0; i < n; i++) {
        const char *e = s;
        while (e < end && *e != ' ')
            e++;
        size_t l = (size_t)(e - s);
        if (l == 0 || l >= sizeof tmp)
            return 0;
        if (!stance__parse_decimal_fast(s, e, &out[i])) {
            memcpy(tmp, s, l);
            tmp[l] = 0;
            char *stop;
            errno = 0;
            double v = strtod(tmp, &stop);
            if (*stop || errno == ERANGE || !isfinite(v))
                return 0;
            out[i] = v;
        }
        s = e;
        if (i + 1 < n) {
            if (s >= end || *s != ' ')
                return 0;
            s++;
        }
    }
    return s == end || (s + 1 == end && *s == ' ');
}

/* 1 + the number of newlines in buf[0, n): the number of the line that starts at n. */
static long count_lines(const char *buf, size_t n)
{
    long lines = 1;
    for (const char *p = buf, *end = buf + n; (p = memchr(p, '\n', (size_t)(end - p))); p++)
        lines++;
    return lines;
}

static int parse_long(const char *s, const char *end, long lo, long hi, long *out)
{
    if (s >= end || end - s > 12)
        return 0;
    long v = 0;
    for (const char *p = s; p < end; p++) {
        if (*p < '0' || *p > '9')
            return 0;
        v = v * 10 + (*p - '0');
    }
    if (v < lo || v > hi)
        return 0;
    *out = v;
    return 1;
}

static char *dup_range(const char *s, size_t n)
{
    char *d = stance__malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = 0;
    }
    return d;
}

void stance_model_free(stance_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < STANCE_MAX_LABELS; i++)
        stance__free(m->labels[i]);
    for (size_t i = 0; i < m->ninfo; i++) {
        stance__free(m->info_key[i]);
        stance__free(m->info_val[i]);
    }
    stance__free(m->W_raw);
    stance__free(m->idf);
    stance__free(m->libsvm_text);
    stance__free(m->source);
    stance__free(m);
}

static stance_status parse_libsvm(cursor *c, stance_model *m, long nlines);

/* "idf NDOCS NLINES" and its lines of "index:df" pairs. */
static stance_status parse_idf(cursor *c, stance_model *m)
{
    if (!m->cfg.idf || m->idf)
        return bad(c, "%s", m->idf ? "idf section given twice" : "idf section but features say idf=0");
    const char *p = c->line + 4, *end = c->line + c->llen, *sp = memchr(p, ' ', (size_t)(end - p));
    long ndocs, nlines;
    if (!sp || !parse_long(p, sp, 1, 100000000, &ndocs) || !parse_long(sp + 1, end, 1, 1000000, &nlines))
        return bad(c, "%s", "malformed 'idf NDOCS NLINES' line");
    uint32_t *df = stance__calloc((size_t)m->dim + 1, sizeof *df);
    m->idf = stance__malloc(((size_t)m->dim + 1) * sizeof *m->idf);
    if (!df || !m->idf) {
        stance__free(df);
        return stance__err(c->err, STANCE_E_NOMEM, c->name, c->lineno, -1, "out of memory");
    }
    long prev = 0;
    for (long l = 0; l < nlines; l++) {
        if (!next_line(c)) {
            stance__free(df);
            return bad(c, "%s", "truncated idf section");
        }
        const char *q = c->line, *e = c->line + c->llen;
        if (q == e) {
            stance__free(df);
            return bad(c, "%s", "empty idf line");
        }
        while (q < e) {
            const char *colon = memchr(q, ':', (size_t)(e - q));
            const char *next = colon ? memchr(colon, ' ', (size_t)(e - colon)) : NULL;
            if (!next)
                next = e;
            long idx, v;
            if (!colon || !parse_long(q, colon, 1, (long)m->dim, &idx) || !parse_long(colon + 1, next, 1, ndocs, &v) ||
                idx <= prev) {
                stance__free(df);
                return bad(c, "%s", "idf entries must be index:df with ascending indices in range and 1 <= df <= NDOCS");
            }
            prev = idx;
            df[idx] = (uint32_t)v;
            q = next < e ? next + 1 : e;
        }
    }
    stance__idf_from_df(df, m->dim, (uint32_t)ndocs, m->idf);
    stance__free(df);
    return STANCE_OK;
}

/* zlib allocates through the library's hook, so allocation-failure tests reach it too */
static voidpf z_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return stance__calloc(items, size);
}
static void z_free(voidpf opaque, voidpf p)
{
    (void)opaque;
    stance__free(p);
}

#define GZ_MAX ((size_t)256 << 20) /* a bundle never inflates beyond this */

stance_status stance__gunzip(const char *buf, size_t len, const char *name, char **out, size_t *outlen,
                             stance_error *err)
{
    *out = NULL;
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = z_alloc;
    z.zfree = z_free;
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return stance__err(err, STANCE_E_NOMEM, name, 0, -1, "out of memory");
    size_t cap = len * 4 + 4096, n = 0;
    char *b = stance__malloc(cap);
    stance_status st = STANCE_OK;
    z.next_in = (Bytef *)(uintptr_t)buf;
    z.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
    for (;;) {
        if (!b) {
            st = stance__err(err, STANCE_E_NOMEM, name, 0, -1, "out of memory");
            break;
        }
        if (n == cap) {
            if (cap >= GZ_MAX) {
                st = stance__err(err, STANCE_E_MODEL, name, 0, -1, "inflates beyond %zu bytes", GZ_MAX);
                break;
            }
            cap = cap * 2 > GZ_MAX ? GZ_MAX : cap * 2;
            char *nb = stance__realloc(b, cap);
            if (!nb) {
                st = stance__err(err, STANCE_E_NOMEM, name, 0, -1, "out of memory");
                break;
            }
            b = nb;
        }
        z.next_out = (Bytef *)b + n;
        z.avail_out = (uInt)(cap - n);
        int r = inflate(&z, Z_NO_FLUSH);
        n = cap - z.avail_out;
        if (r == Z_STREAM_END) {
            if (z.avail_in != 0)
                st = stance__err(err, STANCE_E_MODEL, name, 0, (long)z.total_in, "data after the gzip stream");
            break;
        }
        if (r == Z_MEM_ERROR) {
            st = stance__err(err, STANCE_E_NOMEM, name, 0, -1, "out of memory");
            break;
        }
        if (r != Z_OK && r != Z_BUF_ERROR) {
            st = stance__err(err, STANCE_E_MODEL, name, 0, (long)z.total_in, "corrupt gzip data: %s",
                             z.msg ? z.msg : "inflate failed");
            break;
        }
        if (r == Z_BUF_ERROR && z.avail_in == 0) {
            st = stance__err(err, STANCE_E_MODEL, name, 0, (long)z.total_in, "truncated gzip data");
            break;
        }
    }
    inflateEnd(&z);
    if (st != STANCE_OK) {
        stance__free(b);
        return st;
    }
    *out = b;
    *outlen = n;
    return STANCE_OK;
}

stance_status stance__gzip(const char *buf, size_t len, char **out, size_t *outlen, stance_error *err)
{
    *out = NULL;
    z_stream z;
    memset(&z, 0, sizeof z);
    z.zalloc = z_alloc;
    z.zfree = z_free;
    /* windowBits 16 + 15: a gzip wrapper whose header has no name and time stamp 0, so the
       same bundle always compresses to the same bytes */
    if (deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK)
        return stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
    size_t cap = deflateBound(&z, (uLong)len);
    char *b = stance__malloc(cap);
    if (!b) {
        deflateEnd(&z);
        return stance__err(err, STANCE_E_NOMEM, NULL, 0, -1, "out of memory");
    }
    z.next_in = (Bytef *)(uintptr_t)buf;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)b;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    if (r != Z_STREAM_END) {
        stance__free(b);
        return stance__err(err, r == Z_MEM_ERROR ? STANCE_E_NOMEM : STANCE_E_INTERNAL, NULL, 0, -1,
                           "compression failed");
    }
    *out = b;
    *outlen = n;
    return STANCE_OK;
}

static int is_gzip(const char *buf, size_t len)
{
    return len >= 2 && (unsigned char)buf[0] == 0x1f && (unsigned char)buf[1] == 0x8b;
}

/* A gzip bundle's text: inflated, and not itself gzip. */
static stance_status inflate_bundle(const char *buf, size_t len, const char *name, char **out, size_t *outlen,
                                    stance_error *err)
{
    stance_status st = stance__gunzip(buf, len, name, out, outlen, err);
    if (!st && is_gzip(*out, *outlen)) {
        stance__free(*out);
        *out = NULL;
        st = stance__err(err, STANCE_E_MODEL, name, 0, -1, "not a stance model (gzip inside gzip)");
    }
    return st;
}

/* keep_libsvm: keep a copy of the libsvm section for libsvm's own path (stance__libsvm_load);
   without it, that path re-reads the file the model came from. */
static stance_status load_text(const char *buf, size_t len, const char *name, int keep_libsvm,
                               stance_model **out, stance_error *err)
{
    *out = NULL;
    if (!name)
        name = "<model>";
    if (is_gzip(buf, len)) {
        /* a gzip-compressed bundle: inflate, then validate the text as usual */
        char *text;
        size_t tlen;
        stance_status st = inflate_bundle(buf, len, name, &text, &tlen, err);
        if (st)
            return st;
        st = load_text(text, tlen, name, keep_libsvm, out, err);
        stance__free(text);
        return st;
    }
    cursor c = {buf, len, 0, 0, NULL, 0, name, err};
    uint64_t checksum = 0;

    /* 1. checksum: the last line, over every byte before it */
    {
        if (len < 2)
            return stance__err(err, STANCE_E_MODEL, name, 0, -1, "empty: not a stance model");
        if (buf[len - 1] != '\n')
            return stance__err(err, STANCE_E_MODEL, name, 0, -1,
                               "truncated: the checksum line is missing or incomplete");
        size_t e = len - 1, b = e;
        while (b > 0 && buf[b - 1] != '\n')
            b--;
        static const char ck[] = "checksum fnv1a64 ";
        /* count_lines(buf, b), the last line's number, costs a pass: errors only */
        if (e - b != sizeof ck - 1 + 16 || memcmp(buf + b, ck, sizeof ck - 1))
            return stance__err(err, STANCE_E_MODEL, name, count_lines(buf, b), -1,
                               "missing or malformed 'checksum fnv1a64' line");
        uint64_t want = 0;
        for (size_t i = b + sizeof ck - 1; i < e; i++) {
            char h = buf[i];
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
            if (d < 0)
                return stance__err(err, STANCE_E_MODEL, name, count_lines(buf, b), -1, "malformed checksum");
            want = want << 4 | (uint64_t)d;
        }
        uint64_t got = stance__fnv1a64(buf, b, STANCE_FNV_OFFSET);
        if (got != want)
            return stance__err(err, STANCE_E_MODEL, name, count_lines(buf, b), -1,
                               "checksum mismatch: the file was changed or truncated "
                               "(stored %016llx, computed %016llx)",
                               (unsigned long long)want, (unsigned long long)got);
        c.len = b; /* parse only what the checksum covers */
        checksum = want;
    }
    if (memchr(buf, '\r', c.len) || memchr(buf, 0, c.len))
        return stance__err(err, STANCE_E_MODEL, name, 0, -1, "carriage return or NUL byte in model");

    stance_model *m = stance__calloc(1, sizeof *m);
    if (!m)
        return stance__err(err, STANCE_E_NOMEM, name, 0, -1, "out of memory");
    m->checksum = checksum;
    stance_status st = STANCE_OK;

    /* 2. magic */
    if (!next_line(&c) || c.llen != strlen(STANCE_MODEL_MAGIC) || memcmp(c.line, STANCE_MODEL_MAGIC, c.llen)) {
        st = stance__err(err, STANCE_E_MODEL, name, 1, -1, "not a stance model (expected '%s')",
                         STANCE_MODEL_MAGIC);
        goto fail;
    }
    /* 3. labels */
    const char *p = expect_key(&c, "labels", 0);
    if (!p) {
        st = STANCE_E_MODEL;
        goto fail;
    }
    {
        const char *end = c.line + c.llen;
        while (p < end) {
            const char *e = memchr(p, ' ', (size_t)(end - p));
            if (!e)
                e = end;
            if (e == p || m->k == STANCE_MAX_LABELS) {
                st = bad(&c, "%s", m->k == STANCE_MAX_LABELS ? "too many labels" : "empty label name");
                goto fail;
            }
            for (size_t i = 0; i < m->k; i++)
                if (strlen(m->labels[i]) == (size_t)(e - p) && !memcmp(m->labels[i], p, (size_t)(e - p))) {
                    st = bad(&c, "%s", "duplicate label name");
                    goto fail;
                }
            if (!(m->labels[m->k++] = dup_range(p, (size_t)(e - p)))) {
                st = stance__err(err, STANCE_E_NOMEM, name, c.lineno, -1, "out of memory");
                goto fail;
            }
            p = e < end ? e + 1 : e;
        }
        if (m->k < 2) {
            st = bad(&c, "%s", "need at least two labels");
            goto fail;
        }
        m->npairs = m->k * (m->k - 1) / 2;
    }
    /* 4. features */
    if (!(p = expect_key(&c, "features", 0))) {
        st = STANCE_E_MODEL;
        goto fail;
    }
    {
        char tmp[512], why[160];
        size_t l = (size_t)(c.line + c.llen - p);
        if (l >= sizeof tmp) {
            st = bad(&c, "%s", "features line too long");
            goto fail;
        }
        memcpy(tmp, p, l);
        tmp[l] = 0;
        if (!fz_config_parse(tmp, &m->cfg, why, sizeof why)) {
            st = bad(&c, "%s", why);
            goto fail;
        }
        m->dim = fz_dim(&m->cfg);
    }
    /* 5. info lines, then "libsvm N" */
    long nlines = 0;
    for (;;) {
        if (!next_line(&c)) {
            st = bad(&c, "%s", "unexpected end of file: expected 'libsvm'");
            goto fail;
        }
        if (c.llen > 7 && !memcmp(c.line, "libsvm ", 7)) {
            if (!parse_long(c.line + 7, c.line + c.llen, 12, 10000000, &nlines)) {
                st = bad(&c, "%s", "bad libsvm line count");
                goto fail;
            }
            break;
        }
        if (c.llen > 4 && !memcmp(c.line, "idf ", 4)) {
            if ((st = parse_idf(&c, m)) != STANCE_OK)
                goto fail;
            continue;
        }
        if (m->idf) {
            st = bad(&c, "%s", "expected 'libsvm N' after the idf section");
            goto fail;
        }
        if (c.llen < 6 || memcmp(c.line, "info ", 5)) {
            st = bad(&c, "%s", "expected 'info KEY VALUE' or 'libsvm N'");
            goto fail;
        }
        const char *k0 = c.line + 5, *end = c.line + c.llen;
        const char *sp = memchr(k0, ' ', (size_t)(end - k0));
        if (!sp || sp == k0 || m->ninfo == STANCE_MAX_INFO) {
            st = bad(&c, "%s", m->ninfo == STANCE_MAX_INFO ? "too many info lines" : "malformed info line");
            goto fail;
        }
        for (size_t i = 0; i < m->ninfo; i++)
            if (strlen(m->info_key[i]) == (size_t)(sp - k0) && !memcmp(m->info_key[i], k0, (size_t)(sp - k0))) {
                st = bad(&c, "%s", "duplicate info key");
                goto fail;
            }
        m->info_key[m->ninfo] = dup_range(k0, (size_t)(sp - k0));
        m->info_val[m->ninfo] = dup_range(sp + 1, (size_t)(end - sp - 1));
        m->ninfo++;
        if (!m->info_key[m->ninfo - 1] || !m->info_val[m->ninfo - 1]) {
            st = stance__err(err, STANCE_E_NOMEM, name, c.lineno, -1, "out of memory");
            goto fail;
        }
    }
    if (m->cfg.idf && !m->idf) {
        st = bad(&c, "%s", "features say idf=1 but there is no idf section");
        goto fail;
    }
    /* 6. the libsvm section */
    size_t sec_start = c.pos;
    long sec_line = c.lineno;
    if ((st = parse_libsvm(&c, m, nlines)) != STANCE_OK)
        goto fail;
    if (c.lineno - sec_line != nlines) {
        st = bad(&c, "%s", "libsvm section line count does not match its header");
        goto fail;
    }
    m->libsvm_len = c.pos - sec_start;
    if (keep_libsvm && !(m->libsvm_text = dup_range(buf + sec_start, m->libsvm_len))) {
        st = stance__err(err, STANCE_E_NOMEM, name, c.lineno, -1, "out of memory");
        goto fail;
    }
    if (!expect_key(&c, "end", 1)) {
        st = STANCE_E_MODEL;
        goto fail;
    }
    if (c.pos != c.len) {
        c.lineno++;
        st = bad(&c, "%s", "unexpected text after 'end'");
        goto fail;
    }
    *out = m;
    return STANCE_OK;
fail:
    stance_model_free(m);
    return st ? st : STANCE_E_MODEL;
}

stance_status stance_model_load_mem(const char *buf, size_t len, const char *name, stance_model **out,
                                    stance_error *err)
{
    return load_text(buf, len, name, 1, out, err);
}

static stance_status parse_libsvm(cursor *c, stance_model *m, long nlines)
{
    const char *p;
    size_t k = m->k, P = m->npairs;
    long v;
    if (!(p = expect_key(c, "svm_type", 0)))
        return STANCE_E_MODEL;
    if ((size_t)(c->line + c->llen - p) != 5 || memcmp(p, "c_svc", 5))
        return bad(c, "%s", "svm_type must be c_svc");
    if (!(p = expect_key(c, "kernel_type", 0)))
        return STANCE_E_MODEL;
    if ((size_t)(c->line + c->llen - p) != 6 || memcmp(p, "linear", 6))
        return bad(c, "%s", "kernel_type must be linear (stance scores linear models only)");
    if (!(p = expect_key(c, "nr_class", 0)))
        return STANCE_E_MODEL;
    if (!parse_long(p, c->line + c->llen, 2, STANCE_MAX_LABELS, &v))
        return bad(c, "%s", "nr_class must be 2..8");
    if ((size_t)v != k)
        return bad(c, "%s", "nr_class differs from the number of labels");
    if (!(p = expect_key(c, "total_sv", 0)))
        return STANCE_E_MODEL;
    long total_sv;
    if (!parse_long(p, c->line + c->llen, 1, 10000000, &total_sv))
        return bad(c, "%s", "total_sv must be a positive integer");
    if (!(p = expect_key(c, "rho", 0)))
        return STANCE_E_MODEL;
    if (!parse_doubles(p, c->line + c->llen, m->rho, P))
        return bad(c, "%s", "rho needs exactly k(k-1)/2 finite numbers");
    if (!(p = expect_key(c, "label", 0)))
        return STANCE_E_MODEL;
    {
        char want[64];
        size_t n = 0;
        for (size_t i = 0; i < k; i++)
            n += (size_t)snprintf(want + n, sizeof want - n, "%s%zu", i ? " " : "", i + 1);
        const char *end = c->line + c->llen;
        if (end > p && end[-1] == ' ')
            end--;
        if ((size_t)(end - p) != n || memcmp(p, want, n))
            return bad(c, "%s", "label must list 1..k in order");
    }
    if (!next_line(c))
        return bad(c, "%s", "unexpected end of file in libsvm header");
    if (c->llen > 6 && !memcmp(c->line, "probA ", 6)) {
        if (!parse_doubles(c->line + 6, c->line + c->llen, m->probA, P))
            return bad(c, "%s", "probA needs exactly k(k-1)/2 finite numbers");
        if (!next_line(c) || c->llen < 6 || memcmp(c->line, "probB ", 6))
            return bad(c, "%s", "probA without probB");
        if (!parse_doubles(c->line + 6, c->line + c->llen, m->probB, P))
            return bad(c, "%s", "probB needs exactly k(k-1)/2 finite numbers");
        m->has_prob = 1;
        if (!next_line(c))
            return bad(c, "%s", "unexpected end of file in libsvm header");
    } else if (c->llen > 6 && !memcmp(c->line, "probB ", 6)) {
        return bad(c, "%s", "probB without probA");
    }
    if (total_sv != nlines - (m->has_prob ? 10 : 8))
        return bad(c, "%s", "total_sv does not match the section's line count");
    if (c->llen < 6 || memcmp(c->line, "nr_sv ", 6))
        return bad(c, "%s", "expected 'nr_sv'");
    long nsv[STANCE_MAX_LABELS];
    {
        const char *s = c->line + 6, *end = c->line + c->llen;
        if (end > s && end[-1] == ' ')
            end--;
        long sum = 0;
        for (size_t i = 0; i < k; i++) {
            const char *e = memchr(s, ' ', (size_t)(end - s));
            if (!e)
                e = end;
            if (!parse_long(s, e, 0, 10000000, &nsv[i]) || (i + 1 < k && e == end) || (i + 1 == k && e != end))
                return bad(c, "%s", "nr_sv needs exactly k non-negative counts");
            sum += nsv[i];
            s = e + 1;
        }
        if (sum != total_sv)
            return bad(c, "%s", "nr_sv does not sum to total_sv");
    }
    if (!expect_key(c, "SV", 1))
        return STANCE_E_MODEL;

    /* the support vectors, collapsed as they are read */
    size_t dim = m->dim;
    m->wstride = P + 1;
    while (m->wstride & (m->wstride - 1))
        m->wstride++; /* a power of two, so rows never straddle a cache line needlessly */
    size_t table = ((dim + 1) * m->wstride + 8) * sizeof(double);
    if (table > STANCE_MAX_TABLE_BYTES)
        return stance__err(c->err, STANCE_E_MODEL, c->name, c->lineno, -1,
                           "the weight table for %zu features and %zu labels would take %zu MiB (limit %zu MiB)", dim,
                           k, table >> 20, STANCE_MAX_TABLE_BYTES >> 20);
    if (!(m->W_raw = stance__calloc((dim + 1) * m->wstride + 8, sizeof(double))))
        return stance__err(c->err, STANCE_E_NOMEM, c->name, c->lineno, -1, "out of memory");
    m->W = (double *)(((uintptr_t)m->W_raw + 63) & ~(uintptr_t)63);
    for (size_t j = 0; j <= dim; j++)
        m->W[j * m->wstride + P] = m->idf ? m->idf[j] : 1.0;
    size_t cls = 0;
    long left = nsv[0];
    double coef[STANCE_MAX_LABELS];
    size_t rowp[STANCE_MAX_LABELS]; /* for this SV's class: pair index and coefficient row */
    size_t rowc[STANCE_MAX_LABELS];
    for (long s = 0; s < total_sv; s++) {
        while (left == 0) {
            cls++;
            left = nsv[cls];
        }
        left--;
        if (!next_line(c))
            return bad(c, "%s", "truncated: fewer SV lines than total_sv");
        const char *q = c->line, *end = c->line + c->llen;
        for (size_t r = 0; r + 1 < k; r++) {
            const char *e = memchr(q, ' ', (size_t)(end - q));
            if (!e || !parse_doubles(q, e, &coef[r], 1))
                return bad(c, "%s", "SV line needs k-1 finite coefficients");
            q = e + 1;
        }
        /* pairs involving cls: (i, cls) for i < cls uses row i; (cls, j) for j > cls uses row j-1 */
        size_t np = 0;
        for (size_t i = 0; i < k; i++) {
            if (i == cls)
                continue;
            size_t a = i < cls ? i : cls, b = i < cls ? cls : i;
            rowp[np] = a * k - a * (a + 1) / 2 + (b - a - 1);
            rowc[np] = i < cls ? i : i - 1;
            np++;
        }
        /* Entries are parsed a batch at a time and their weight rows prefetched before
           any is updated: the rows are scattered over the whole table, and waiting for
           each in turn was most of the start-up time. */
        long prev = 0;
        while (q < end) {
            enum { BATCH = 32 };
            long bidx[BATCH];
            double bval[BATCH];
            size_t nb = 0;
            while (q < end && nb < BATCH) {
                const char *colon = memchr(q, ':', (size_t)(end - q));
                long idx;
                if (!colon || !parse_long(q, colon, 1, (long)dim, &idx))
                    return bad(c, "%s", "feature index must be an integer in 1..2^hash_bits");
                if (idx <= prev)
                    return bad(c, "%s", "feature indices must be strictly ascending");
                prev = idx;
                const char *e = memchr(colon + 1, ' ', (size_t)(end - colon - 1));
                if (!e)
                    e = end;
                if (!parse_doubles(colon + 1, e, &bval[nb], 1))
                    return bad(c, "%s", "feature value must be a finite number");
                bidx[nb++] = idx;
                __builtin_prefetch(m->W + (size_t)idx * m->wstride, 1);
                q = e < end ? e + 1 : e;
            }
            for (size_t b = 0; b < nb; b++) {
                double *w = m->W + (size_t)bidx[b] * m->wstride;
                for (size_t t = 0; t < np; t++)
                    w[rowp[t]] += coef[rowc[t]] * bval[b];
            }
        }
    }
    return STANCE_OK;
}

static stance_status read_all(const char *path, char **out, size_t *outlen, stance_error *err)
{
    *out = NULL;
    *outlen = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return stance__err(err, STANCE_E_IO, path, 0, -1, "cannot open model: %s", strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            if (cap >= (size_t)1 << 31) {
                fclose(f);
                stance__free(buf);
                return stance__err(err, STANCE_E_MODEL, path, 0, -1, "model file larger than 2 GiB");
            }
            cap = cap ? cap * 2 : 1 << 20;
            char *nb = stance__realloc(buf, cap);
            if (!nb) {
                fclose(f);
                stance__free(buf);
                return stance__err(err, STANCE_E_NOMEM, path, 0, -1, "out of memory");
            }
            buf = nb;
        }
        size_t r = fread(buf + len, 1, cap - len, f);
        len += r;
        if (r == 0)
            break;
    }
    int rerr = ferror(f);
    fclose(f);
    if (rerr) {
        stance__free(buf);
        return stance__err(err, STANCE_E_IO, path, 0, -1, "read error");
    }
    *out = buf;
    *outlen = len;
    return STANCE_OK;
}

/* The file's text, inflated when it is gzip (the compressed bytes are freed first, so
   they do not add to the load's peak memory). */
static stance_status read_text(const char *path, char **out, size_t *outlen, stance_error *err)
{
    char *buf;
    size_t len;
    stance_status st = read_all(path, &buf, &len, err);
    if (st)
        return st;
    if (is_gzip(buf, len)) {
        st = inflate_bundle(buf, len, path, out, outlen, err);
        stance__free(buf);
        return st;
    }
    *out = buf;
    *outlen = len;
    return STANCE_OK;
}

stance_status stance_model_load(const char *path, stance_model **out, stance_error *err)
{
    *out = NULL;
    char *text;
    size_t len;
    stance_status st = read_text(path, &text, &len, err);
    if (st)
        return st;
    /* the libsvm section, the largest part of the text, is not kept: libsvm's own path
       (tests, the benchmark) reads it again from this file */
    st = load_text(text, len, path, 0, out, err);
    stance__free(text);
    if (st)
        return st;
    if (!((*out)->source = dup_range(path, strlen(path)))) {
        stance_model_free(*out);
        *out = NULL;
        return stance__err(err, STANCE_E_NOMEM, path, 0, -1, "out of memory");
    }
    return STANCE_OK;
}

stance_status stance__model_write_libsvm(const stance_model *m, FILE *f, stance_error *err)
{
    if (m->libsvm_text)
        return fwrite(m->libsvm_text, 1, m->libsvm_len, f) == m->libsvm_len
                   ? STANCE_OK
                   : stance__err(err, STANCE_E_IO, NULL, 0, -1, "cannot write the libsvm section");
    if (!m->source)
        return stance__err(err, STANCE_E_INTERNAL, NULL, 0, -1, "the model keeps no libsvm section");
    /* load the file again, keeping the section this time; it must be the same bundle */
    char *buf;
    size_t blen;
    stance_model *t;
    stance_status st = read_text(m->source, &buf, &blen, err);
    if (st)
        return st;
    st = load_text(buf, blen, m->source, 1, &t, err);
    stance__free(buf);
    if (st)
        return st;
    if (t->checksum != m->checksum)
        st = stance__err(err, STANCE_E_MODEL, m->source, 0, -1, "the model file changed after it was loaded");
    else
        st = stance__model_write_libsvm(t, f, err);
    stance_model_free(t);
    return st;
}

size_t stance_model_nlabels(const stance_model *m) { return m->k; }
const char *stance_model_label(const stance_model *m, size_t i) { return i < m->k ? m->labels[i] : NULL; }
stance_features_config stance_model_features(const stance_model *m) { return m->cfg; }

const char *stance_model_info(const stance_model *m, const char *key)
{
    for (size_t i = 0; i < m->ninfo; i++)
        if (!strcmp(m->info_key[i], key))
            return m->info_val[i];
    return NULL;
}

/* ---- probabilities */

static double sigmoid(double f, double A, double B)
{
    double z = f * A + B; /* P(+1 | f) = 1 / (1 + exp(z)), computed without overflow */
    return z >= 0 ? exp(-z) / (1.0 + exp(-z)) : 1.0 / (1.0 + exp(z));
}

void stance__couple(const stance_model *m, const double *dec, stance_result *out)
{
    size_t k = m->k;
    out->npairs = m->npairs;
    for (size_t p = 0; p < m->npairs; p++)
        out->decision[p] = dec[p];
    if (!m->has_prob) {
        /* no sigmoids: one-vs-one votes, shares as probabilities */
        int votes[STANCE_MAX_LABELS] = {0};
        size_t p = 0;
        for (size_t i = 0; i < k; i++)
            for (size_t j = i + 1; j < k; j++, p++)
                votes[dec[p] > 0 ? i : j]++;
        size_t best = 0;
        for (size_t i = 0; i < k; i++) {
            out->prob[i] = (double)votes[i] / (double)m->npairs;
            if (votes[i] > votes[best])
                best = i;
        }
        out->label = (int)best;
        out->confidence = out->prob[best];
        return;
    }
    const double minp = 1e-7;
    double r[STANCE_MAX_LABELS][STANCE_MAX_LABELS];
    size_t p = 0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = i + 1; j < k; j++, p++) {
            double v = sigmoid(dec[p], m->probA[p], m->probB[p]);
            v = v < minp ? minp : v > 1 - minp ? 1 - minp : v;
            r[i][j] = v;
            r[j][i] = 1 - v;
        }
    double *pr = out->prob;
    if (k == 2) {
        pr[0] = r[0][1];
        pr[1] = r[1][0];
    } else {
        /* Wu, Lin and Weng (2004), method 2: minimise p'Qp subject to sum(p) = 1 by
           coordinate fixed-point sweeps, keeping Qp and p'Qp up to date incrementally. */
        double Q[STANCE_MAX_LABELS][STANCE_MAX_LABELS], Qp[STANCE_MAX_LABELS];
        size_t max_iter = k > 100 ? k : 100;
        double eps = 0.005 / (double)k;
        for (size_t t = 0; t < k; t++) {
            pr[t] = 1.0 / (double)k;
            Q[t][t] = 0;
            for (size_t j = 0; j < t; j++) {
                Q[t][t] += r[j][t] * r[j][t];
                Q[t][j] = Q[j][t];
            }
            for (size_t j = t + 1; j < k; j++) {
                Q[t][t] += r[j][t] * r[j][t];
                Q[t][j] = -r[j][t] * r[t][j];
            }
        }
        for (size_t iter = 0; iter < max_iter; iter++) {
            double pQp = 0;
            for (size_t t = 0; t < k; t++) {
                Qp[t] = 0;
                for (size_t j = 0; j < k; j++)
                    Qp[t] += Q[t][j] * pr[j];
                pQp += pr[t] * Qp[t];
            }
            double max_error = 0;
            for (size_t t = 0; t < k; t++) {
                double e = fabs(Qp[t] - pQp);
                if (e > max_error)
                    max_error = e;
            }
            if (max_error < eps)
                break;
            for (size_t t = 0; t < k; t++) {
                double diff = (-Qp[t] + pQp) / Q[t][t];
                pr[t] += diff;
                pQp = (pQp + diff * (diff * Q[t][t] + 2 * Qp[t])) / (1 + diff) / (1 + diff);
                for (size_t j = 0; j < k; j++) {
                    Qp[j] = (Qp[j] + diff * Q[t][j]) / (1 + diff);
                    pr[j] /= (1 + diff);
                }
            }
        }
    }
    size_t best = 0;
    for (size_t i = 1; i < k; i++)
        if (pr[i] > pr[best])
            best = i;
    out->label = (int)best;
    out->confidence = pr[best];
}

/* ---- scratch and the hot path */

struct stance_scratch {
    const stance_model *m;
    uint32_t dim;
    uint32_t *counts;   /* dim + 1, all zero between calls */
    uint32_t *touched;  /* unique indices of the current quote, in first-seen order */
    uint16_t *kind;     /* parallel to touched: kind and span of the first occurrence */
    uint32_t *start, *end;
    size_t ntouched;
    int record;         /* explain mode: record kinds and spans */
    double dot[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    double ss;
    double dtf[64], dsq[64]; /* tf(c+1)-tf(c) and tf(c+1)^2-tf(c)^2 */
};

stance_scratch *stance_scratch_new(const stance_model *m)
{
    stance_scratch *s = stance__calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->m = m;
    s->dim = m->dim;
    s->counts = stance__calloc((size_t)m->dim + 1, sizeof *s->counts);
    s->touched = stance__malloc(((size_t)m->dim + 1) * sizeof *s->touched);
    s->kind = stance__malloc(((size_t)m->dim + 1) * sizeof *s->kind);
    s->start = stance__malloc(((size_t)m->dim + 1) * sizeof *s->start);
    s->end = stance__malloc(((size_t)m->dim + 1) * sizeof *s->end);
    if (!s->counts || !s->touched || !s->kind || !s->start || !s->end) {
        stance_scratch_free(s);
        return NULL;
    }
    for (uint32_t c = 0; c < 64; c++) {
        double a = fz_tf(&m->cfg, c), b = c + 1 < 64 ? fz_tf(&m->cfg, c + 1) : fz_log_slow(c + 1);
        if (!m->cfg.sublinear_tf)
            b = c + 1;
        s->dtf[c] = b - a;
        s->dsq[c] = b * b - a * a;
    }
    return s;
}

void stance_scratch_free(stance_scratch *s)
{
    if (!s)
        return;
    stance__free(s->counts);
    stance__free(s->touched);
    stance__free(s->kind);
    stance__free(s->start);
    stance__free(s->end);
    stance__free(s);
}

static inline void score_one(stance_scratch *s, const fz_feature *f)
{
    const stance_model *m = s->m;
    uint32_t idx = f->index, c = s->counts[idx]++;
    if (c == 0) {
        size_t t = s->ntouched++;
        s->touched[t] = idx;
        if (s->record) {
            s->kind[t] = f->kind;
            s->start[t] = f->start;
            s->end[t] = f->end;
        }
    }
    double dtf, dsq;
    if (c < 63) {
        dtf = s->dtf[c];
        dsq = s->dsq[c];
    } else {
        double a = fz_tf(&m->cfg, c), b = fz_tf(&m->cfg, c + 1);
        dtf = b - a;
        dsq = b * b - a * a;
    }
    const double *w = m->W + (size_t)idx * m->wstride;
    size_t P = m->npairs;
    double wt = w[P]; /* idf, or 1 */
    dtf *= wt;
    s->ss += dsq * wt * wt;
    if (P == 3) {
        s->dot[0] += w[0] * dtf;
        s->dot[1] += w[1] * dtf;
        s->dot[2] += w[2] * dtf;
    } else {
        for (size_t p = 0; p < P; p++)
            s->dot[p] += w[p] * dtf;
    }
}

/* A batch of features: prefetch every weight row and count first, then use them. */
static void score_batch(void *user, const fz_feature *f, size_t n)
{
    stance_scratch *s = user;
    const double *W = s->m->W;
    size_t stride = s->m->wstride;
    enum { AHEAD = 12 }; /* rows requested this many features before they are used */
    for (size_t i = 0; i < n && i < AHEAD; i++) {
        __builtin_prefetch(W + (size_t)f[i].index * stride);
        __builtin_prefetch(s->counts + f[i].index, 1);
    }
    for (size_t i = 0; i < n; i++) {
        if (i + AHEAD < n) {
            __builtin_prefetch(W + (size_t)f[i + AHEAD].index * stride);
            __builtin_prefetch(s->counts + f[i + AHEAD].index, 1);
        }
        score_one(s, &f[i]);
    }
}

static void run_scorer(const stance_model *m, stance_scratch *s, const char *text, size_t len, double *dec)
{
    s->ntouched = 0;
    s->ss = 0;
    for (size_t p = 0; p < m->npairs; p++)
        s->dot[p] = 0;
    fz_extract_batch(&m->cfg, text, len, score_batch, s);
    double inv = s->ss > 0 ? 1.0 / sqrt(s->ss) : 0;
    for (size_t p = 0; p < m->npairs; p++)
        dec[p] = s->dot[p] * inv - m->rho[p];
}

static void reset_counts(stance_scratch *s)
{
    for (size_t t = 0; t < s->ntouched; t++)
        s->counts[s->touched[t]] = 0;
}

stance_status stance_score(const stance_model *m, stance_scratch *s, const char *text, size_t len,
                           stance_result *out, stance_error *err)
{
    if (!m || !s || !out || (!text && len) || s->m != m)
        return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "stance_score: bad arguments");
    double dec[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    memset(out, 0, sizeof *out);
    s->record = 0;
    run_scorer(m, s, text, len, dec);
    reset_counts(s);
    stance__couple(m, dec, out);
    return STANCE_OK;
}

stance_status stance_explain(const stance_model *m, stance_scratch *s, const char *text, size_t len,
                             const stance_result *res, stance_evidence *ev, size_t k, size_t *n,
                             stance_error *err)
{
    if (!m || !s || !res || !n || (!ev && k) || s->m != m || res->label < 0 || (size_t)res->label >= m->k)
        return stance__err(err, STANCE_E_ARG, NULL, 0, -1, "stance_explain: bad arguments");
    double dec[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    s->record = 1;
    run_scorer(m, s, text, len, dec);
    s->record = 0;
    double inv = s->ss > 0 ? 1.0 / sqrt(s->ss) : 0;
    /* sign of each pair toward the chosen label */
    double sgn[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    size_t p = 0, lab = (size_t)res->label;
    for (size_t i = 0; i < m->k; i++)
        for (size_t j = i + 1; j < m->k; j++, p++)
            sgn[p] = i == lab ? 1.0 : j == lab ? -1.0 : 0.0;
    size_t got = 0;
    for (size_t t = 0; t < s->ntouched; t++) {
        uint32_t idx = s->touched[t];
        double x = fz_tf(&m->cfg, s->counts[idx]) * (m->idf ? m->idf[idx] : 1.0) * inv, c = 0;
        const double *w = m->W + (size_t)idx * m->wstride;
        for (size_t q = 0; q < m->npairs; q++)
            c += sgn[q] * w[q];
        c *= x;
        /* keep the k largest, sorted, by insertion */
        size_t pos = got;
        while (pos > 0 && ev[pos - 1].contribution < c)
            pos--;
        if (pos >= k)
            continue;
        size_t last = got < k ? got : k - 1;
        for (size_t r = last; r > pos; r--)
            ev[r] = ev[r - 1];
        ev[pos].kind = fz_kind_name(s->kind[t]);
        ev[pos].span.start = s->start[t];
        ev[pos].span.end = s->end[t];
        ev[pos].contribution = c;
        if (got < k)
            got++;
    }
    reset_counts(s);
    *n = got;
    return STANCE_OK;
}
