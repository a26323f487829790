/* jsonline.c — the flat-object fast path for JSONL quote lines. See jsonline.h. */
#include "jsonline.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h" /* stance__utf8_seq */

typedef const unsigned char *ptr;

static ptr skip_ws(ptr p, ptr end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

static int hex4(ptr p, ptr end, unsigned *v)
{
    if (end - p < 4)
        return 0;
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
            d = (c | 0x20) - 'a' + 10;
        else
            return 0;
        x = x << 4 | d;
    }
    *v = x;
    return 1;
}

/*
 * A string starting at *pp (a '"'): its raw contents [*a, *b), whether it has escapes,
 * and *pp moved past the closing quote. 0 for anything jansson would reject, and for
 * the escapes it rejects: \u0000 and unpaired surrogates.
 */
static int scan_string(ptr *pp, ptr end, ptr *a, ptr *b, int *escaped)
{
    ptr p = *pp + 1;
    *a = p;
    *escaped = 0;
    while (p < end) {
        unsigned c = *p;
        if (c == '"') {
            *b = p;
            *pp = p + 1;
            return 1;
        }
        if (c == '\\') {
            *escaped = 1;
            if (++p >= end)
                return 0;
            if (strchr("\"\\/bfnrt", *p) && *p) {
                p++;
                continue;
            }
            unsigned v, lo;
            if (*p != 'u' || !hex4(p + 1, end, &v) || v == 0 || (v >= 0xDC00 && v <= 0xDFFF))
                return 0;
            p += 5;
            if (v >= 0xD800 && v <= 0xDBFF) {
                if (end - p < 2 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, end, &lo) || lo < 0xDC00 ||
                    lo > 0xDFFF)
                    return 0;
                p += 6;
            }
            continue;
        }
        if (c < 0x20)
            return 0;
        size_t n = c < 0x80 ? 1 : stance__utf8_seq(p, (size_t)(end - p));
        if (!n)
            return 0;
        p += n;
    }
    return 0;
}

/* The contents of a string scanned by scan_string, escapes decoded, into out (which has
   room for b - a bytes: decoding never lengthens). Returns the decoded length. */
static size_t decode(ptr a, ptr b, char *out)
{
    size_t n = 0;
    while (a < b) {
        if (*a != '\\') {
            out[n++] = (char)*a++;
            continue;
        }
        a++;
        unsigned c = *a++;
        switch (c) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned v = 0, lo = 0xDC00; /* scan_string checked both */
            hex4(a, b, &v);
            a += 4;
            if (v >= 0xD800 && v <= 0xDBFF) {
                hex4(a + 2, b, &lo);
                a += 6;
                v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
            }
            if (v < 0x80) {
                out[n++] = (char)v;
            } else if (v < 0x800) {
                out[n++] = (char)(0xC0 | v >> 6);
                out[n++] = (char)(0x80 | (v & 0x3F));
            } else if (v < 0x10000) {
                out[n++] = (char)(0xE0 | v >> 12);
                out[n++] = (char)(0x80 | (v >> 6 & 0x3F));
                out[n++] = (char)(0x80 | (v & 0x3F));
            } else {
                out[n++] = (char)(0xF0 | v >> 18);
                out[n++] = (char)(0x80 | (v >> 12 & 0x3F));
                out[n++] = (char)(0x80 | (v >> 6 & 0x3F));
                out[n++] = (char)(0x80 | (v & 0x3F));
            }
            break;
        }
        default: out[n++] = (char)c; break; /* " \ / */
        }
    }
    return n;
}

/* A value that is not a string: an integer jansson prints as written (no leading zero,
   not -0, at most 18 digits so it fits its long long), true, false or null. */
static int scan_literal(ptr *pp, ptr end)
{
    ptr p = *pp;
    static const char *const words[] = {"true", "false", "null"};
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(words[i]);
        if ((size_t)(end - p) >= l && !memcmp(p, words[i], l)) {
            *pp = p + l;
            return 1;
        }
    }
    int neg = p < end && *p == '-';
    p += neg;
    ptr d = p;
    while (p < end && *p >= '0' && *p <= '9')
        p++;
    size_t nd = (size_t)(p - d);
    if (nd == 0 || nd > 18 || (*d == '0' && (nd > 1 || neg)))
        return 0;
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E'))
        return 0; /* a real number: jansson prints it its own way */
    *pp = p;
    return 1;
}

int jl_parse(const char *line, size_t len, jl_scratch *s, jl_quote *q)
{
    ptr p = (ptr)line, end = p + len;
    ptr ta = NULL, tb = NULL, ia = NULL, ib = NULL;
    int tesc = 0, iesc = 0, idkind = JL_ID_NONE;
    p = skip_ws(p, end);
    if (p == end || *p != '{')
        return 0;
    p = skip_ws(p + 1, end);
    for (;;) {
        ptr ka, kb, va, vb;
        int kesc, vesc = 0, isstr;
        if (p == end || *p != '"' || !scan_string(&p, end, &ka, &kb, &kesc) || kesc)
            return 0;
        p = skip_ws(p, end);
        if (p == end || *p != ':')
            return 0;
        p = skip_ws(p + 1, end);
        if (p == end)
            return 0;
        isstr = *p == '"';
        va = p;
        if (isstr ? !scan_string(&p, end, &va, &vb, &vesc) : !scan_literal(&p, end))
            return 0;
        if (!isstr)
            vb = p;
        size_t kl = (size_t)(kb - ka);
        if (kl == 4 && !memcmp(ka, "text", 4)) {
            if (ta || !isstr)
                return 0;
            ta = va, tb = vb, tesc = vesc;
        } else if (kl == 2 && !memcmp(ka, "id", 2)) {
            if (idkind != JL_ID_NONE)
                return 0;
            idkind = isstr ? JL_ID_STRING : JL_ID_LITERAL;
            ia = va, ib = vb, iesc = vesc;
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == '}') {
            p++;
            break;
        }
        return 0;
    }
    if (skip_ws(p, end) != end || !ta)
        return 0;
    size_t need = (tesc ? (size_t)(tb - ta) : 0) + (iesc ? (size_t)(ib - ia) : 0) + 1;
    if (need > s->cap) {
        char *nb = realloc(s->buf, need);
        if (!nb)
            return -1;
        s->buf = nb;
        s->cap = need;
    }
    size_t used = 0;
    q->text = (const char *)ta;
    q->len = (size_t)(tb - ta);
    if (tesc) {
        q->text = s->buf;
        q->len = decode(ta, tb, s->buf);
        used = q->len;
    }
    q->id_kind = idkind;
    q->id = (const char *)ia;
    q->idlen = idkind ? (size_t)(ib - ia) : 0;
    if (iesc) {
        q->id = s->buf + used;
        q->idlen = decode(ia, ib, s->buf + used);
    }
    return 1;
}

void jl_scratch_free(jl_scratch *s)
{
    free(s->buf);
    s->buf = NULL;
    s->cap = 0;
}
