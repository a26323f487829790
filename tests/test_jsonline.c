/* test_jsonline.c — the --quotes fast path agrees with jansson on every line it takes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "jsonline_check.h"

static unsigned long long rng = 0x9E3779B97F4A7C15ULL;
static unsigned next(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

typedef struct {
    char b[4096];
    size_t n;
} line;

static void put(line *l, const char *s)
{
    size_t k = strlen(s);
    if (l->n + k < sizeof l->b)
        memcpy(l->b + l->n, s, k), l->n += k;
}

static void ws(line *l)
{
    static const char *const w[] = {"", "", "", " ", "  ", "\t", "\r", " \n "};
    put(l, w[next(8)]);
}

/* A string's contents: plain words, escapes of every kind (good and bad), raw UTF-8
   (good and bad), control bytes. */
static void string_body(line *l)
{
    static const char *const parts[] = {
        "growth", " ", "risk", "but", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\\n", "\\\"", "\\\\",
        "\\/", "\\t", "\\b\\f\\r", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\uD83D\\uDE00", "\\u0041",
        /* rejected by jansson or declined by the fast path */
        "\\u0000", "\\ud83d", "\\ude00", "\\ud83dx", "\\u12", "\\x", "\\", "\x01", "\xc3", "\xc0\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xff", "\""};
    int n = (int)next(6);
    for (int i = 0; i < n; i++)
        put(l, parts[next(12) ? next(18) : next(sizeof parts / sizeof *parts)]);
}

static void value(line *l, int depth)
{
    static const char *const lits[] = {"0", "7", "-12", "123456789012345678", "1234567890123456789", "-0", "01",
                                       "1.5", "2e3", "-", "true", "false", "null", "nul", "True", "1."};
    switch (next(16)) {
    case 0:
        put(l, lits[next(sizeof lits / sizeof *lits)]);
        break;
    case 1:
        if (depth < 2) {
            int obj = (int)next(2);
            put(l, obj ? "{\"a\":" : "[");
            value(l, depth + 1);
            put(l, obj ? "}" : "]");
            break;
        }
        /* fall through */
    default:
        put(l, "\"");
        string_body(l);
        put(l, "\"");
        break;
    }
}

static void gen(line *l)
{
    static const char *const keys[] = {"text", "text", "id", "id", "source", "", "Text", "t\\u0065xt", "id ", "\xff"};
    l->n = 0;
    ws(l);
    put(l, next(20) ? "{" : "[");
    int fields = 1 + (int)next(4);
    for (int f = 0; f < fields; f++) {
        ws(l);
        put(l, "\"");
        put(l, f == 0 && next(2) ? "text" : keys[next(sizeof keys / sizeof *keys)]);
        put(l, "\"");
        ws(l);
        put(l, next(30) ? ":" : "");
        ws(l);
        value(l, 0);
        ws(l);
        if (f + 1 < fields)
            put(l, next(30) ? "," : "");
    }
    put(l, next(30) ? "}" : "");
    ws(l);
    if (!next(30))
        put(l, next(2) ? "x" : "{}");
    /* now and then a byte changed, dropped or doubled anywhere */
    if (l->n && !next(8)) {
        size_t at = next((unsigned)l->n);
        switch (next(3)) {
        case 0: l->b[at] = (char)next(256); break;
        case 1: memmove(l->b + at, l->b + at + 1, l->n - at - 1), l->n--; break;
        default:
            if (l->n + 1 < sizeof l->b)
                memmove(l->b + at + 1, l->b + at, l->n - at), l->n++;
        }
    }
}

Test(jsonline, agrees_with_jansson_on_generated_lines)
{
    jl_scratch s = {0};
    line l;
    long taken = 0, total = 300000;
    for (long i = 0; i < total; i++) {
        gen(&l);
        int t;
        const char *why;
        cr_assert(jl_agrees(l.b, l.n, &s, &t, &why), "%s: %.*s", why, (int)l.n, l.b);
        taken += t;
    }
    jl_scratch_free(&s);
    /* the generator makes plenty of well-formed flat lines: the fast path must take a good
       share, or the agreement above proves little */
    cr_assert_gt(taken, total / 10, "the fast path took %ld of %ld lines", taken, total);
}

static int take(const char *text, jl_quote *q, jl_scratch *s)
{
    return jl_parse(text, strlen(text), s, q);
}

Test(jsonline, reads_the_usual_lines)
{
    jl_scratch s = {0};
    jl_quote q;
    cr_assert_eq(take("{\"id\": \"q1\", \"text\": \"Strong quarter.\"}", &q, &s), 1);
    cr_assert(q.len == 15 && !memcmp(q.text, "Strong quarter.", 15));
    cr_assert(q.id_kind == JL_ID_STRING && q.idlen == 2 && !memcmp(q.id, "q1", 2));
    /* what Python's json.dumps writes by default: non-ASCII as \u escapes, pairs for emoji */
    cr_assert_eq(take("{\"text\": \"caf\\u00e9 \\ud83d\\ude00 \\\"ok\\\"\", \"id\": 42}", &q, &s), 1);
    cr_assert_eq(q.len, strlen("caf\xc3\xa9 \xf0\x9f\x98\x80 \"ok\""));
    cr_assert(!memcmp(q.text, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"ok\"", q.len));
    cr_assert(q.id_kind == JL_ID_LITERAL && q.idlen == 2 && !memcmp(q.id, "42", 2));
    cr_assert_eq(take(" {\"text\":\"x\",\"n\":3,\"ok\":true,\"who\":null} \r", &q, &s), 1);
    cr_assert_eq(q.id_kind, JL_ID_NONE);
    jl_scratch_free(&s);
}

Test(jsonline, hands_the_rest_to_jansson)
{
    static const char *const declined[] = {
        "{\"text\": \"x\", \"meta\": {\"a\": 1}}",   /* nested */
        "{\"text\": \"x\", \"id\": 1.5}",            /* a real id */
        "{\"text\": \"x\", \"text\": \"y\"}",         /* text twice */
        "{\"id\": 1, \"text\": \"x\", \"id\": 2}",    /* id twice */
        "{\"t\\u0065xt\": \"x\"}",                   /* an escaped key */
        "{\"text\": \"a\\u0000b\"}",                 /* NUL, which jansson refuses */
        "{\"text\": \"\\ud83d\"}",                   /* a lone surrogate */
        "{\"text\": \"\xc3\"}",                      /* invalid UTF-8 */
        "{\"text\": \"x\"} x",                       /* trailing bytes */
        "{\"text\": \"x\", \"id\": -0}",             /* jansson prints 0 */
        "{\"text\": \"x\", \"id\": 1234567890123456789}", /* 19 digits */
        "{\"text\": 5}",                             /* text not a string */
        "{\"id\": \"x\"}",                           /* no text */
        "[\"text\"]", "", "{", "{\"text\": \"x\",}",
    };
    jl_scratch s = {0};
    jl_quote q;
    for (size_t i = 0; i < sizeof declined / sizeof *declined; i++)
        cr_assert_eq(take(declined[i], &q, &s), 0, "took %s", declined[i]);
    jl_scratch_free(&s);
}
