/* out.c — see out.h. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "out.h"

void out_reserve(outbuf *o, size_t more)
{
    if (o->len + more + 1 <= o->cap)
        return;
    size_t nc = o->cap ? o->cap : 4096;
    while (nc < o->len + more + 1)
        nc *= 2;
    char *nb = realloc(o->buf, nc);
    if (!nb) {
        fputs("stance: out of memory\n", stderr);
        exit(2);
    }
    o->buf = nb;
    o->cap = nc;
}

void out_raw(outbuf *o, const char *s, size_t n)
{
    out_reserve(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void out_cstr(outbuf *o, const char *s) { out_raw(o, s, strlen(s)); }

void out_char(outbuf *o, char c)
{
    out_reserve(o, 1);
    o->buf[o->len++] = c;
}

void out_printf(outbuf *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        out_raw(o, tmp, (size_t)n);
        return;
    }
    out_reserve(o, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    o->len += (size_t)n;
}

static const char hex[] = "0123456789abcdef";

void out_jstr(outbuf *o, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    out_reserve(o, n + 2);
    o->buf[o->len++] = '"';
    size_t i = 0;
    while (i < n) {
        /* copy a run of plain ASCII in one go */
        size_t j = i;
        while (j < n && u[j] >= 0x20 && u[j] < 0x80 && u[j] != '"' && u[j] != '\\')
            j++;
        if (j > i) {
            out_raw(o, s + i, j - i);
            i = j;
            if (i >= n)
                break;
        }
        unsigned c = u[i];
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            out_raw(o, e, 2);
            i++;
        } else if (c < 0x20) {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            if (c == '\n')
                out_raw(o, "\\n", 2);
            else if (c == '\t')
                out_raw(o, "\\t", 2);
            else if (c == '\r')
                out_raw(o, "\\r", 2);
            else
                out_raw(o, e, 6);
            i++;
        } else {
            size_t k = stance__utf8_seq(u + i, n - i);
            if (k) {
                out_raw(o, s + i, k);
                i += k;
            } else {
                out_raw(o, "\xEF\xBF\xBD", 3);
                i++;
            }
        }
    }
    out_char(o, '"');
}

void out_jstr_or_null(outbuf *o, const char *s, size_t n)
{
    if (s)
        out_jstr(o, s, n);
    else
        out_raw(o, "null", 4);
}

void out_num(outbuf *o, double v)
{
    if (!(v == v) || v > 1e300 || v < -1e300) {
        out_raw(o, "null", 4);
        return;
    }
    /* the common case, a probability or a small weight: fixed point by hand, as %.6f
       would print it (printf's float formatting dominated the fast lane's profile) */
    if (v > -1e9 && v < 1e9) {
        char tmp[32], *e = tmp + sizeof tmp, *p = e;
        int neg = v < 0;
        long long u = llround(fabs(v) * 1e6);
        for (int i = 0; i < 6; i++) {
            *--p = (char)('0' + u % 10);
            u /= 10;
        }
        *--p = '.';
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (neg && (e - p != 8 || memcmp(p, "0.000000", 8)))
            *--p = '-';
        out_raw(o, p, (size_t)(e - p));
        return;
    }
    out_printf(o, "%.6f", v);
}

void out_text(outbuf *o, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        if (c < 0x20) {
            out_char(o, ' ');
            i++;
        } else if (c < 0x80) {
            out_char(o, (char)c);
            i++;
        } else {
            size_t k = stance__utf8_seq(u + i, n - i);
            if (k) {
                out_raw(o, s + i, k);
                i += k;
            } else {
                out_raw(o, "\xEF\xBF\xBD", 3);
                i++;
            }
        }
    }
}

int out_flush(outbuf *o, FILE *f)
{
    int r = 0;
    if (o->len && fwrite(o->buf, 1, o->len, f) != o->len)
        r = -1;
    o->len = 0;
    return r;
}

void out_free(outbuf *o)
{
    free(o->buf);
    memset(o, 0, sizeof *o);
}
