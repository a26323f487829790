/* featurize.c — tokenizer and feature emission; see featurize.h for the design. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "featurize.h"
#include "internal.h"
#include "lexicon.h"

/* 1 + log(c) for c = 1..63 (0 for c = 0), as hexadecimal literals: log() is not a
   constant expression in C and clang (unlike GCC) will not fold it in an initializer.
   Each equals fz_log_slow(c) bit for bit (tests/test_pathological.c checks). */
const double fz_log_table[64] = {
    0x0p+0, 0x1p+0, 0x1.b17217f7d1cf8p+0,
    0x1.0c9f53d568186p+1, 0x1.317217f7d1cf8p+1, 0x1.4e020fbf6c69ap+1,
    0x1.65585fd151001p+1, 0x1.7913957192d2cp+1, 0x1.8a2b23f3bab73p+1,
    0x1.993ea7aad030bp+1, 0x1.a6bb1bbb55516p+1, 0x1.b2ee3b77f374cp+1,
    0x1.be116bcd39e7dp+1, 0x1.c85042b318c51p+1, 0x1.d1cca16d7bba7p+1,
    0x1.daa16394d481fp+1, 0x1.e2e42fefa39efp+1, 0x1.eaa6bc1fa7f7ap+1,
    0x1.f1f7b3a6b9186p+1, 0x1.f8e360604b32cp+1, 0x1.ff7427b73e391p+1,
    0x1.02d974a37d758p+2, 0x1.05d3a3b9ee2e4p+2, 0x1.08abefee8d9f8p+2,
    0x1.0b653be49167cp+2, 0x1.0e020fbf6c69ap+2, 0x1.1084a75780d66p+2,
    0x1.12eefdc01c248p+2, 0x1.1542d6b4b2512p+2, 0x1.1781c65e6ff1p+2,
    0x1.19ad37c85eb4ep+2, 0x1.1bc67244895adp+2, 0x1.1dce9df5c6436p+2,
    0x1.1fc6c7a6adc68p+2, 0x1.21afe40dc86fbp+2, 0x1.238ad2987f9e2p+2,
    0x1.25585fd151001p+2, 0x1.27194771d63dep+2, 0x1.28ce362e1a0d4p+2,
    0x1.2a77cb44406ebp+2, 0x1.2c1699d993906p+2, 0x1.2dab2a2c75627p+2,
    0x1.2f35faa171e96p+2, 0x1.30b780b0a7608p+2, 0x1.323029b7e2a22p+2,
    0x1.33a05bb51e4d2p+2, 0x1.350875ec82136p+2, 0x1.3668d17c8785bp+2,
    0x1.37c1c1e285dbap+2, 0x1.3913957192d2cp+2, 0x1.3a5e95bd60dd8p+2,
    0x1.3ba307fa8808p+2, 0x1.3ce12d55754a4p+2, 0x1.3e19434111e56p+2,
    0x1.3f4b83be10986p+2, 0x1.4078259bafef3p+2, 0x1.419f5cb2a6c5p+2,
    0x1.42c15a1ad9a59p+2, 0x1.43de4c5c6464dp+2, 0x1.44f65f9c72979p+2,
    0x1.4609bdc65328bp+2, 0x1.47188eb126c0dp+2, 0x1.4822f8427dcebp+2,
    0x1.49291e8e3181bp+2
};

double fz_log_slow(uint32_t c) { return 1.0 + log((double)c); }

static const char *const kind_names[FZ_NKINDS] = {
    "word",          "bigram",         "trigram",          "char",          "NEG",
    "CONTRAST",      "LAST",           "LEX:positive",     "LEX:negative",  "LEX:uncertainty",
    "LEX:weak_modal", "LEX:strong_modal", "LEX:constraining", "HEDGE",       "INTENSIFIER",
    "DOWNTONER",     "LEX:negated",    "SCARE",          "FIRST"};

const char *fz_kind_name(int kind)
{
    return kind >= 0 && kind < FZ_NKINDS ? kind_names[kind] : "?";
}

stance_features_config stance_features_default(void)
{
    stance_features_config c;
    memset(&c, 0, sizeof c);
    c.hash_bits = 19;
    c.ngram_max = 2;
    c.char_ngrams = 0;
    c.sublinear_tf = 1;
    c.negation = 1;
    c.contrast = 2;
    c.lexicon = 1;
    c.last_sentence = 1;
    c.idf = 1;
    c.scare_quotes = 1;
    c.first_sentence = 1;
    return c;
}

uint32_t fz_dim(const stance_features_config *cfg) { return (uint32_t)1 << cfg->hash_bits; }

/* ---- configuration text: the single list of fields, used by format, parse and validate */

/* Options added after the first bundle format are optional: 0 when a bundle lacks them. */
static const struct {
    const char *name;
    size_t off;
    int min, max;
    int optional;
} cfg_fields[] = {
#define F(n, lo, hi) {#n, offsetof(stance_features_config, n), lo, hi, 0}
#define LATER(n, lo, hi) {#n, offsetof(stance_features_config, n), lo, hi, 1}
    F(hash_bits, 10, 24),     F(ngram_max, 1, 3),         F(char_ngrams, 0, 5),        F(sublinear_tf, 0, 1),
    F(negation, 0, 1),        F(contrast, 0, 2),          F(lexicon, 0, 1),            F(last_sentence, 0, 1),
    LATER(idf, 0, 1),         LATER(scare_quotes, 0, 1),  LATER(first_sentence, 0, 1),
#undef F
#undef LATER
};
#define NFIELDS (sizeof cfg_fields / sizeof cfg_fields[0])

static int *cfg_at(stance_features_config *c, size_t i) { return (int *)((char *)c + cfg_fields[i].off); }

int fz_config_valid(const stance_features_config *cfg, char *why, size_t whysize)
{
    stance_features_config c = *cfg;
    for (size_t i = 0; i < NFIELDS; i++) {
        int v = *cfg_at(&c, i);
        if (v < cfg_fields[i].min || v > cfg_fields[i].max) {
            snprintf(why, whysize, "feature option %s=%d out of range %d..%d", cfg_fields[i].name, v,
                     cfg_fields[i].min, cfg_fields[i].max);
            return 0;
        }
    }
    if (cfg->char_ngrams == 1) {
        snprintf(why, whysize, "feature option char_ngrams must be 0 or 2..5");
        return 0;
    }
    return 1;
}

void fz_config_format(const stance_features_config *cfg, char *buf, size_t size)
{
    stance_features_config c = *cfg;
    size_t n = 0;
    buf[0] = 0;
    for (size_t i = 0; i < NFIELDS && n < size; i++) {
        int w = snprintf(buf + n, size - n, "%s%s=%d", i ? " " : "", cfg_fields[i].name, *cfg_at(&c, i));
        if (w < 0)
            break;
        n += (size_t)w;
    }
}

int fz_config_parse(const char *s, stance_features_config *cfg, char *why, size_t whysize)
{
    stance_features_config c;
    memset(&c, 0, sizeof c);
    unsigned seen = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        if (!*s)
            break;
        const char *eq = strchr(s, '=');
        if (!eq) {
            snprintf(why, whysize, "feature option without '='");
            return 0;
        }
        size_t i;
        for (i = 0; i < NFIELDS; i++)
            if (strlen(cfg_fields[i].name) == (size_t)(eq - s) && !strncmp(s, cfg_fields[i].name, (size_t)(eq - s)))
                break;
        if (i == NFIELDS) {
            snprintf(why, whysize, "unknown feature option '%.*s'", (int)(eq - s), s);
            return 0;
        }
        if (seen & (1u << i)) {
            snprintf(why, whysize, "feature option %s given twice", cfg_fields[i].name);
            return 0;
        }
        seen |= 1u << i;
        char *end;
        long v = strtol(eq + 1, &end, 10);
        if (end == eq + 1 || (*end && *end != ' ') || v < -1000 || v > 1000) {
            snprintf(why, whysize, "feature option %s: not an integer", cfg_fields[i].name);
            return 0;
        }
        *cfg_at(&c, i) = (int)v;
        s = end;
    }
    for (size_t i = 0; i < NFIELDS; i++)
        if (!(seen & (1u << i)) && !cfg_fields[i].optional) {
            snprintf(why, whysize, "feature option %s missing", cfg_fields[i].name);
            return 0;
        }
    if (!fz_config_valid(&c, why, whysize))
        return 0;
    *cfg = c;
    return 1;
}

/* ---- hashing */

#define FNV_OFF 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

static inline uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static inline uint64_t combine(uint64_t a, uint64_t b) { return mix64(a * 0x9E3779B97F4A7C15ULL ^ b); }

uint64_t lex_seq_hash(const uint64_t *tok, size_t n)
{
    uint64_t h = tok[0];
    for (size_t i = 1; i < n; i++)
        h = combine(h, tok[i]);
    return h;
}

/* ---- the tokenizer */

/* Byte classes for ASCII. */
enum { C_OTHER = 0, C_ALPHA, C_DIGIT, C_SPACE, C_CLAUSE, C_SENT, C_EXCL, C_QMARK, C_APOS, C_HYPHEN, C_CURRENCY, C_PCT };
static const unsigned char ascii_class[128] = {
    ['\t'] = C_SPACE, ['\n'] = C_SPACE, ['\r'] = C_SPACE, [' '] = C_SPACE,
    [','] = C_CLAUSE, [';'] = C_CLAUSE, [':'] = C_CLAUSE, ['('] = C_CLAUSE, [')'] = C_CLAUSE,
    ['['] = C_CLAUSE, [']'] = C_CLAUSE, ['.'] = C_SENT, ['!'] = C_EXCL, ['?'] = C_QMARK,
    ['\''] = C_APOS, ['-'] = C_HYPHEN, ['$'] = C_CURRENCY, ['%'] = C_PCT,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
#define A(c) [c] = C_ALPHA
    A('a'), A('b'), A('c'), A('d'), A('e'), A('f'), A('g'), A('h'), A('i'), A('j'), A('k'), A('l'), A('m'),
    A('n'), A('o'), A('p'), A('q'), A('r'), A('s'), A('t'), A('u'), A('v'), A('w'), A('x'), A('y'), A('z'),
    A('A'), A('B'), A('C'), A('D'), A('E'), A('F'), A('G'), A('H'), A('I'), A('J'), A('K'), A('L'), A('M'),
    A('N'), A('O'), A('P'), A('Q'), A('R'), A('S'), A('T'), A('U'), A('V'), A('W'), A('X'), A('Y'), A('Z'),
#undef A
};

/* Class of the (possibly multi-byte) character at u[i]; *n receives its length. */
static inline int char_class(const unsigned char *u, size_t i, size_t len, size_t *n)
{
    unsigned c = u[i];
    if (c < 0x80) {
        *n = 1;
        return ascii_class[c];
    }
    size_t k = stance__utf8_seq(u + i, len - i);
    if (!k) {
        *n = 1;
        return C_OTHER;
    }
    *n = k;
    if (c == 0xC2) {
        if (u[i + 1] == 0xA3 || u[i + 1] == 0xA5)
            return C_CURRENCY; /* £ ¥ */
        return u[i + 1] == 0xA0 ? C_SPACE : C_OTHER;
    }
    if (c == 0xE2 && (u[i + 1] == 0x80 || u[i + 1] == 0x81)) {
        unsigned d = u[i + 2];
        if (u[i + 1] == 0x80) {
            if (d == 0x99)
                return C_APOS; /* ’ */
            if (d == 0x93 || d == 0x94)
                return C_CLAUSE; /* – — */
            if (d == 0x90 || d == 0x91)
                return C_HYPHEN;
            if (d == 0xA6)
                return C_SENT; /* … */
            if (d <= 0x8A || d == 0xAF)
                return C_SPACE;
        }
        return C_OTHER;
    }
    if (c == 0xE2 && u[i + 1] == 0x82 && u[i + 2] == 0xAC)
        return C_CURRENCY; /* € */
    if (c == 0xE3 && u[i + 1] == 0x80 && u[i + 2] == 0x80)
        return C_SPACE;
    return C_ALPHA; /* any other valid non-ASCII character counts as a letter */
}

/* Fold one character into an FNV state. */
static inline uint64_t fold_char(uint64_t h, const unsigned char *u, size_t i, size_t n, int cls)
{
    if (cls == C_APOS)
        return (h ^ '\'') * FNV_PRIME;
    if (cls == C_HYPHEN)
        return (h ^ '-') * FNV_PRIME;
    if (n == 1) {
        unsigned c = u[i];
        if (c - 'A' < 26u)
            c |= 0x20;
        return (h ^ c) * FNV_PRIME;
    }
    unsigned c0 = u[i], c1 = u[i + 1];
    if (n == 2 && c0 == 0xC3 && c1 >= 0x80 && c1 <= 0x9E && c1 != 0x97)
        c1 += 0x20; /* Latin-1 capitals */
    h = (h ^ c0) * FNV_PRIME;
    h = (h ^ c1) * FNV_PRIME;
    for (size_t k = 2; k < n; k++)
        h = (h ^ u[i + k]) * FNV_PRIME;
    return h;
}

static uint64_t hash_cstr(const char *s)
{
    uint64_t h = FNV_OFF;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * FNV_PRIME;
    return h;
}

/* Token events. */
enum { EV_TOKEN, EV_CLAUSE, EV_SENTENCE, EV_SCARE };
typedef struct {
    int type;
    uint64_t hash;
    size_t start, end;
} tok_event;
typedef void (*tok_fn)(void *user, const tok_event *ev);

static uint64_t H_NT, H_NUM, H_PCT, H_MONEY, H_QMARK, H_EXCL;
static uint64_t H_SUFFIX_S, H_SUFFIX_RE, H_SUFFIX_VE, H_SUFFIX_LL, H_SUFFIX_D, H_SUFFIX_M;

static void init_constants(void)
{
    H_NT = hash_cstr("n't");
    H_NUM = hash_cstr("<num>");
    H_PCT = hash_cstr("<pct>");
    H_MONEY = hash_cstr("<money>");
    H_QMARK = hash_cstr("?");
    H_EXCL = hash_cstr("!");
    H_SUFFIX_S = hash_cstr("'s");
    H_SUFFIX_RE = hash_cstr("'re");
    H_SUFFIX_VE = hash_cstr("'ve");
    H_SUFFIX_LL = hash_cstr("'ll");
    H_SUFFIX_D = hash_cstr("'d");
    H_SUFFIX_M = hash_cstr("'m");
}

static inline int is_letter(int cls) { return cls == C_ALPHA; }

/* Which clitic follows an apostrophe at u[i] (length na)? Returns its hash, or 0 when the
   apostrophe is part of the word (O'Neill). *slen receives the clitic's byte length. */
static uint64_t clitic_after(const unsigned char *u, size_t i, size_t na, size_t len, size_t *slen)
{
    size_t j = i + na, k = j;
    char s[4];
    size_t m = 0;
    while (k < len && m < 3 && u[k] < 0x80 && ascii_class[u[k]] == C_ALPHA) {
        s[m++] = (char)(u[k] | 0x20);
        k++;
    }
    if (k < len) {
        size_t n;
        int cls = char_class(u, k, len, &n);
        if (cls == C_ALPHA || cls == C_DIGIT)
            return 0;
    }
    *slen = k - i;
    if (m == 1 && s[0] == 's')
        return H_SUFFIX_S;
    if (m == 1 && s[0] == 'd')
        return H_SUFFIX_D;
    if (m == 1 && s[0] == 'm')
        return H_SUFFIX_M;
    if (m == 2 && s[0] == 'r' && s[1] == 'e')
        return H_SUFFIX_RE;
    if (m == 2 && s[0] == 'v' && s[1] == 'e')
        return H_SUFFIX_VE;
    if (m == 2 && s[0] == 'l' && s[1] == 'l')
        return H_SUFFIX_LL;
    if (m == 1 && s[0] == 't')
        return H_NT; /* the caller checks for the preceding n */
    return 0;
}

/* ---- scare quotes */

/* Length of a quote mark at u[i] (straight ' ", curly ‘ ’ “ ”), 0 if none; *dbl says double. */
static inline size_t quote_mark(const unsigned char *u, size_t i, size_t len, int *dbl)
{
    if (u[i] == '\'' || u[i] == '"') {
        *dbl = u[i] == '"';
        return 1;
    }
    if (u[i] == 0xE2 && i + 2 < len && u[i + 1] == 0x80 && u[i + 2] >= 0x98 && u[i + 2] <= 0x9D &&
        u[i + 2] != 0x9A && u[i + 2] != 0x9B) {
        *dbl = u[i + 2] >= 0x9C;
        return 3;
    }
    return 0;
}

/* Is u[i] (one character of length n) a word character, for the edges of a quotation? */
static inline int wordish(const unsigned char *u, size_t i, size_t len)
{
    size_t n;
    int cls = char_class(u, i, len, &n);
    return cls == C_ALPHA || cls == C_DIGIT || cls == C_CURRENCY;
}

/*
 * Scare quotes: a short quotation inside the quote is an opening mark at the start or
 * after a space, dash or bracket, directly followed by a word character; the next mark of
 * the same weight (single or double) that follows a word character or . , ! ? and is not
 * followed by one, within 64 bytes and before any line break, unless another opener comes
 * first. Apostrophes inside words (it's, workers' pay) never open one; an opener with no
 * closer is ignored.
 */
static int scare_opens(const unsigned char *u, size_t i, size_t m, size_t len)
{
    if (i + m >= len || !wordish(u, i + m, len))
        return 0;
    if (i == 0)
        return 1;
    unsigned p = u[i - 1];
    return p == ' ' || p == '(' || p == '[' || p == '-' || p == '/' || p == '\t' || p == '\n' ||
           (i >= 3 && u[i - 3] == 0xE2 && u[i - 2] == 0x80 && (p == 0x93 || p == 0x94)); /* – — */
}

/* The end of the quotation opened by the mark at u[i] (m bytes, double or single), or 0:
   no closer, or another opener comes first (the tokenizer will reach that one). */
static size_t scare_close(const unsigned char *u, size_t i, size_t m, size_t len, int dbl)
{
    size_t stop = i + m + 64 < len ? i + m + 64 : len;
    for (size_t j = i + m; j < stop && u[j] != '\n'; j++) {
        int d2;
        size_t m2 = quote_mark(u, j, len, &d2);
        if (!m2 || d2 != dbl)
            continue;
        if (scare_opens(u, j, m2, len))
            return 0;
        unsigned b = u[j - 1];
        int before = b == '.' || b == ',' || b == '!' || b == '?' || b >= 0x80 || ascii_class[b] == C_ALPHA ||
                     ascii_class[b] == C_DIGIT;
        if (!before || (j + m2 < len && wordish(u, j + m2, len)))
            continue; /* not after a word, or an apostrophe inside one: keep looking */
        return j + m2;
    }
    return 0;
}

static void tokenize(const char *text, size_t len, int scare, tok_fn fn, void *user)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t i = 0, scare_end = 0; /* no quotation opens inside one already found */
    int currency = 0;
    tok_event ev;
    while (i < len) {
        size_t n;
        int cls = char_class(u, i, len, &n);
        if (cls == C_ALPHA) {
            /* a word: letters/digits, inner apostrophes and hyphens */
            size_t start = i;
            uint64_t h = FNV_OFF, h_prev = FNV_OFF;
            size_t last_start = i;
            for (;;) {
                h_prev = h;
                last_start = i;
                h = fold_char(h, u, i, n, cls);
                i += n;
                if (i >= len)
                    break;
                cls = char_class(u, i, len, &n);
                if (cls == C_ALPHA || cls == C_DIGIT)
                    continue;
                if (cls == C_APOS || cls == C_HYPHEN) {
                    size_t n2;
                    if (i + n >= len)
                        break;
                    int c2 = char_class(u, i + n, len, &n2);
                    if (!(is_letter(c2) || c2 == C_DIGIT))
                        break;
                    if (cls == C_APOS) {
                        size_t slen = 0;
                        uint64_t cl = clitic_after(u, i, n, len, &slen);
                        if (cl == H_NT) {
                            if ((u[last_start] | 0x20) == 'n' && last_start > start) {
                                ev.type = EV_TOKEN;
                                ev.hash = h_prev;
                                ev.start = start;
                                ev.end = last_start;
                                fn(user, &ev);
                                ev.hash = H_NT;
                                ev.start = last_start;
                                ev.end = i + slen;
                                fn(user, &ev);
                                i += slen;
                                goto next;
                            }
                        } else if (cl) {
                            ev.type = EV_TOKEN;
                            ev.hash = h;
                            ev.start = start;
                            ev.end = i;
                            fn(user, &ev);
                            ev.hash = cl;
                            ev.start = i;
                            ev.end = i + slen;
                            fn(user, &ev);
                            i += slen;
                            goto next;
                        }
                    }
                    continue;
                }
                break;
            }
            ev.type = EV_TOKEN;
            ev.hash = h;
            ev.start = start;
            ev.end = i;
            fn(user, &ev);
        next:
            currency = 0;
            continue;
        }
        if (cls == C_DIGIT) {
            size_t start = i;
            while (i < len) {
                unsigned c = u[i];
                if (c - '0' < 10u) {
                    i++;
                    continue;
                }
                if ((c == '.' || c == ',') && i + 1 < len && (unsigned)(u[i + 1] - '0') < 10u) {
                    i++;
                    continue;
                }
                break;
            }
            uint64_t h = H_NUM;
            if (currency)
                h = H_MONEY;
            else if (i < len && u[i] == '%') {
                h = H_PCT;
                i++;
            }
            ev.type = EV_TOKEN;
            ev.hash = h;
            ev.start = currency ? (size_t)currency - 1 : start;
            ev.end = i;
            fn(user, &ev);
            currency = 0;
            continue;
        }
        if (cls == C_CURRENCY) {
            currency = (int)(i + 1 > 0x7fffffff ? 0 : i + 1);
            i += n;
            continue;
        }
        currency = 0;
        if (cls == C_QMARK || cls == C_EXCL) {
            ev.type = EV_TOKEN;
            ev.hash = cls == C_QMARK ? H_QMARK : H_EXCL;
            ev.start = i;
            ev.end = i + 1;
            fn(user, &ev);
            while (i < len && (u[i] == '?' || u[i] == '!'))
                i++;
            ev.type = EV_SENTENCE;
            fn(user, &ev);
            continue;
        }
        if (cls == C_SENT) {
            i += n;
            ev.type = EV_SENTENCE;
            fn(user, &ev);
            continue;
        }
        if (cls == C_CLAUSE) {
            i += n;
            ev.type = EV_CLAUSE;
            fn(user, &ev);
            continue;
        }
        if (scare && i >= scare_end && (u[i] == '\'' || u[i] == '"' || u[i] == 0xE2)) {
            int dbl;
            size_t m = quote_mark(u, i, len, &dbl), e;
            if (m && scare_opens(u, i, m, len) && (e = scare_close(u, i, m, len, dbl))) {
                ev.type = EV_SCARE;
                ev.start = i;
                ev.end = scare_end = e;
                fn(user, &ev);
            }
        }
        i += n;
    }
}

/* ---- the lexicon table */

struct fz_lexicon {
    uint64_t filter[64]; /* 4096-bit prefilter on key bits: most tokens miss without a probe */
    uint32_t mask;
    uint64_t *keys;  /* 0 = empty */
    uint32_t *cats;  /* bit per lexicon category (LEXC_*) */
};

static fz_lexicon lexicon;
static uint64_t lex_keys[4096];
static uint32_t lex_cats[4096];

typedef struct {
    uint64_t tok[8];
    size_t n;
} collect_state;

static void collect_tokens(void *user, const tok_event *ev)
{
    collect_state *c = user;
    if (ev->type == EV_TOKEN && c->n < 8)
        c->tok[c->n++] = ev->hash;
}

static inline uint32_t lex_slot(uint64_t key) { return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> 52); }
static inline uint32_t lex_bit(uint64_t key) { return (uint32_t)(key >> 7) & 4095u; }

static void lex_insert(uint64_t key, uint32_t cat)
{
    if (!key)
        key = 1;
    lexicon.filter[lex_bit(key) >> 6] |= 1ULL << (lex_bit(key) & 63);
    uint32_t i = lex_slot(key) & lexicon.mask;
    while (lexicon.keys[i] && lexicon.keys[i] != key)
        i = (i + 1) & lexicon.mask;
    lexicon.keys[i] = key;
    lexicon.cats[i] |= cat;
}

static inline uint32_t lex_lookup(const fz_lexicon *lx, uint64_t key)
{
    if (!key)
        key = 1;
    uint32_t b = lex_bit(key);
    if (!(lx->filter[b >> 6] & (1ULL << (b & 63))))
        return 0;
    uint32_t i = lex_slot(key) & lx->mask;
    for (;;) {
        uint64_t k = lx->keys[i];
        if (k == key)
            return lx->cats[i];
        if (!k)
            return 0;
        i = (i + 1) & lx->mask;
    }
}

static void build_lexicon(void)
{
    init_constants();
    lexicon.mask = 4095;
    lexicon.keys = lex_keys;
    lexicon.cats = lex_cats;
    size_t n;
    const lex_entry *e = lex_entries(&n);
    for (size_t i = 0; i < n; i++) {
        collect_state c = {.n = 0};
        tokenize(e[i].phrase, strlen(e[i].phrase), 0, collect_tokens, &c);
        if (c.n == 0 || c.n > 3)
            continue; /* lexicon.c keeps phrases to 1..3 tokens; a test checks it */
        lex_insert(lex_seq_hash(c.tok, c.n) ^ (uint64_t)c.n, e[i].cats);
    }
}

#include <pthread.h>
static pthread_once_t lex_once = PTHREAD_ONCE_INIT;

const fz_lexicon *fz_lexicon_get(void)
{
    pthread_once(&lex_once, build_lexicon);
    return &lexicon;
}

/* ---- feature emission */

typedef struct {
    const stance_features_config *cfg;
    const fz_lexicon *lx;
    fz_emit_fn emit;
    fz_batch_fn batch;
    size_t nbuf;
    fz_feature buf[FZ_BATCH];
    void *user;
    const char *text;
    size_t len;
    int shift;
    /* the last three tokens of the sentence: hash and start */
    uint64_t th[3];
    size_t ts[3];
    uint64_t prev_bh;        /* the bigram hash ending at the previous token */
    int ntok;                /* tokens so far in this sentence, capped at 3 */
    int neg;                 /* inside a negation scope */
    int con;                 /* after a contrast marker */
    int ctok;                /* tokens so far in this clause */
    size_t last_start;       /* tokens starting at or after this are in the last sentence */
    size_t first_end;        /* tokens ending at or before this are in the first sentence (0: one sentence) */
} emit_state;

static const uint64_t salt[FZ_NKINDS] = {
    0x0, 0x1b873593aULL, 0x2c1b3c6dULL, 0x3297a2d39ULL, 0x4e6546b64ULL, 0x5cc9e2d51ULL,
    0x6ab0e9789ULL, 0x7f4a7c15ULL, 0x8d2b79fcULL, 0x94d049bbULL, 0xa2f9836eULL, 0xb4e5c1dULL,
    0xc6c8e9cfULL, 0xd9a3b2c1ULL, 0xe7f1a3b5ULL, 0xf0e1d2c3ULL, 0x1f2e3d4cULL, 0x2a3b4c5dULL, 0x3c4d5e6fULL};

static inline void put(emit_state *s, uint64_t h, int kind, size_t start, size_t end)
{
    fz_feature *f = &s->buf[s->nbuf];
    /* every h is already a well-mixed 64-bit hash: one multiply spreads (h, kind) over the
       top bits, which index the 2^hash_bits feature space */
    f->index = (uint32_t)(((h ^ salt[kind]) * 0x9E3779B97F4A7C15ULL) >> s->shift) + 1;
    f->kind = (uint16_t)kind;
    f->start = (uint32_t)(start > UINT32_MAX ? UINT32_MAX : start);
    f->end = (uint32_t)(end > UINT32_MAX ? UINT32_MAX : end);
    if (s->batch) {
        if (++s->nbuf == FZ_BATCH) {
            s->batch(s->user, s->buf, FZ_BATCH);
            s->nbuf = 0;
        }
    } else {
        s->emit(s->user, f);
    }
}

static const int lex_kind_of_bit[LEXC_COUNT] = {
    [LEXB_POSITIVE] = FZ_LEX_POSITIVE,       [LEXB_NEGATIVE] = FZ_LEX_NEGATIVE,
    [LEXB_UNCERTAINTY] = FZ_LEX_UNCERTAINTY, [LEXB_WEAK_MODAL] = FZ_LEX_WEAK_MODAL,
    [LEXB_STRONG_MODAL] = FZ_LEX_STRONG_MODAL, [LEXB_CONSTRAINING] = FZ_LEX_CONSTRAINING,
    [LEXB_HEDGE] = FZ_LEX_HEDGE,             [LEXB_INTENSIFIER] = FZ_LEX_INTENSIFIER,
    [LEXB_DOWNTONER] = FZ_LEX_DOWNTONER,     [LEXB_NEGATOR] = -1,
    [LEXB_CONTRAST] = -1,                    [LEXB_CLAUSE_INITIAL] = -1,
};

static void emit_lex(emit_state *s, uint32_t cats, size_t start, size_t end)
{
    for (int b = 0; b < LEXC_COUNT; b++) {
        if (!(cats & (1u << b)) || lex_kind_of_bit[b] < 0)
            continue;
        put(s, (uint64_t)b, lex_kind_of_bit[b], start, end);
        if (s->neg && s->cfg->negation)
            put(s, (uint64_t)b, FZ_LEX_NEGATED, start, end);
    }
}

static void char_ngrams(emit_state *s, size_t start, size_t end)
{
    const unsigned char *u = (const unsigned char *)s->text;
    int nmax = s->cfg->char_ngrams;
    /* positions of characters (with virtual boundary marks at both ends) */
    size_t pos[66];
    size_t m = 0;
    pos[m++] = start;
    for (size_t i = start; i < end && m < 64;) {
        pos[m++] = i;
        size_t n = stance__utf8_seq(u + i, end - i);
        i += n ? n : 1;
    }
    pos[m++] = end;
    for (size_t a = 0; a < m; a++) {
        uint64_t h = FNV_OFF;
        for (size_t k = a; k < m && k - a < (size_t)nmax; k++) {
            if (k == 0 || k == m - 1) {
                h = (h ^ ' ') * FNV_PRIME;
            } else {
                size_t n = stance__utf8_seq(u + pos[k], end - pos[k]);
                if (!n)
                    n = 1;
                int cls = n == 1 ? ascii_class[u[pos[k]] & 0x7f] : C_ALPHA;
                h = fold_char(h, u, pos[k], n, cls);
            }
            if (k - a + 1 >= 2) {
                size_t e = k == m - 1 ? end : pos[k] + 1;
                put(s, h, FZ_CHAR, pos[a], e > end ? end : e);
            }
        }
    }
}

static void on_token(void *user, const tok_event *ev)
{
    emit_state *s = user;
    const stance_features_config *cfg = s->cfg;
    if (ev->type == EV_SCARE) {
        put(s, 0, FZ_SCARE, ev->start, ev->end);
        return;
    }
    if (ev->type != EV_TOKEN) {
        s->neg = 0;
        s->ctok = 0;
        if (ev->type == EV_SENTENCE) {
            s->con = 0;
            s->ntok = 0;
        }
        return;
    }
    uint64_t h = ev->hash;
    size_t st = ev->start, en = ev->end;
    uint32_t c1 = lex_lookup(s->lx, h ^ 1);
    /* contrast=2: "yet" and "still" open a contrast only at the start of a clause */
    if ((c1 & (1u << LEXB_CLAUSE_INITIAL)) && cfg->contrast >= 2 && s->ctok > 0)
        c1 &= ~(1u << LEXB_CONTRAST);
    s->ctok++;
    /* a contrast marker opens a clause: negation scope ends there */
    if (c1 & (1u << LEXB_CONTRAST)) {
        s->neg = 0;
        if (cfg->contrast)
            put(s, 0, FZ_CON, st, en);
    }
    put(s, h, FZ_WORD, st, en);
    if (s->neg && cfg->negation)
        put(s, h, FZ_NEG, st, en);
    if (s->con && cfg->contrast)
        put(s, h, FZ_CON, st, en);
    if (cfg->last_sentence && st >= s->last_start)
        put(s, h, FZ_LAST, st, en);
    if (en <= s->first_end)
        put(s, h, FZ_FIRST, st, en);
    if (cfg->char_ngrams && en - st > 1)
        char_ngrams(s, st, en);
    /* n-grams and lexicon phrases ending here */
    uint64_t bh = 0, trh = 0;
    if (s->ntok >= 1) {
        bh = combine(s->th[2], h);
        if (cfg->ngram_max >= 2)
            put(s, bh, FZ_BIGRAM, s->ts[2], en);
        if (s->ntok >= 2) {
            trh = combine(s->prev_bh, h); /* prev_bh = combine(th[1], th[2]) */
            if (cfg->ngram_max >= 3)
                put(s, trh, FZ_TRIGRAM, s->ts[1], en);
        }
    }
    if (cfg->lexicon) {
        if (c1)
            emit_lex(s, c1, st, en);
        if (bh) {
            uint32_t c2 = lex_lookup(s->lx, bh ^ 2);
            if (c2)
                emit_lex(s, c2, s->ts[2], en);
        }
        if (trh) {
            uint32_t c3 = lex_lookup(s->lx, trh ^ 3);
            if (c3)
                emit_lex(s, c3, s->ts[1], en);
        }
    }
    if (c1 & (1u << LEXB_NEGATOR))
        s->neg = 1;
    if (c1 & (1u << LEXB_CONTRAST))
        s->con = 1;
    s->prev_bh = bh;
    s->th[0] = s->th[1];
    s->th[1] = s->th[2];
    s->th[2] = h;
    s->ts[0] = s->ts[1];
    s->ts[1] = s->ts[2];
    s->ts[2] = st;
    if (s->ntok < 3)
        s->ntok++;
}

/* Start of the last sentence: after the last . ! ? that is followed by more words. */
static size_t last_sentence_start(const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    size_t e = len;
    while (e > 0 && (u[e - 1] < 0x80 && (ascii_class[u[e - 1]] == C_SPACE || ascii_class[u[e - 1]] == C_SENT ||
                                          ascii_class[u[e - 1]] == C_EXCL || ascii_class[u[e - 1]] == C_QMARK ||
                                          u[e - 1] == '"' || u[e - 1] == '\'')))
        e--;
    while (e > 0) {
        unsigned c = u[e - 1];
        if ((c == '.' || c == '!' || c == '?') && e < len && (u[e] == ' ' || u[e] == '\n'))
            return e;
        e--;
    }
    return 0;
}

/* End of the first sentence: just after the first . ! ? followed by a space and more words;
   0 when the quote is one sentence. */
static size_t first_sentence_end(const char *text, size_t len)
{
    const unsigned char *u = (const unsigned char *)text;
    for (size_t i = 0; i + 1 < len; i++) {
        unsigned c = u[i];
        if ((c != '.' && c != '!' && c != '?') || (u[i + 1] != ' ' && u[i + 1] != '\n'))
            continue;
        for (size_t j = i + 1; j < len; j++) {
            size_t n;
            int cls = char_class(u, j, len, &n);
            if (cls == C_ALPHA || cls == C_DIGIT || cls == C_CURRENCY)
                return i + 1;
            j += n - 1;
        }
        return 0;
    }
    return 0;
}

static void extract(const stance_features_config *cfg, const char *text, size_t len, fz_emit_fn emit,
                    fz_batch_fn batch, void *user)
{
    emit_state s;
    s.nbuf = 0;
    s.batch = batch;
    memset(s.th, 0, sizeof s.th);
    memset(s.ts, 0, sizeof s.ts);
    s.ntok = s.neg = s.con = s.ctok = 0;
    s.prev_bh = 0;
    s.cfg = cfg;
    s.lx = fz_lexicon_get();
    s.emit = emit;
    s.user = user;
    s.text = text;
    s.len = len;
    s.shift = 64 - cfg->hash_bits;
    s.last_start = cfg->last_sentence ? last_sentence_start(text, len) : 0;
    s.first_end = cfg->first_sentence ? first_sentence_end(text, len) : 0;
    tokenize(text, len, cfg->scare_quotes, on_token, &s);
    if (batch && s.nbuf)
        batch(user, s.buf, s.nbuf);
}

void fz_extract(const stance_features_config *cfg, const char *text, size_t len, fz_emit_fn emit, void *user)
{
    extract(cfg, text, len, emit, NULL, user);
}

void fz_extract_batch(const stance_features_config *cfg, const char *text, size_t len, fz_batch_fn fn, void *user)
{
    extract(cfg, text, len, NULL, fn, user);
}

/* ---- sorted vectors */

typedef struct {
    uint32_t *counts, *touched;
    size_t ntouched;
} count_state;

static void count_feature(void *user, const fz_feature *f)
{
    count_state *c = user;
    if (c->counts[f->index]++ == 0)
        c->touched[c->ntouched++] = f->index;
}

size_t fz_collect(const stance_features_config *cfg, const char *text, size_t len, uint32_t *counts,
                  uint32_t *touched)
{
    count_state c = {counts, touched, 0};
    fz_extract(cfg, text, len, count_feature, &c);
    return c.ntouched;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

int fz_vectorize(const stance_features_config *cfg, const char *text, size_t len, uint32_t *counts,
                 uint32_t *touched, fz_vector *out)
{
    return fz_vectorize_idf(cfg, NULL, text, len, counts, touched, out);
}

int fz_vectorize_idf(const stance_features_config *cfg, const double *idf, const char *text, size_t len,
                     uint32_t *counts, uint32_t *touched, fz_vector *out)
{
    size_t nt = fz_collect(cfg, text, len, counts, touched);
    qsort(touched, nt, sizeof *touched, cmp_u32);
    if (out->cap < nt + 1) {
        size_t cap = nt + 1;
        uint32_t *ni = stance__realloc(out->index, cap * sizeof *ni);
        if (!ni)
            goto fail;
        out->index = ni;
        double *nv = stance__realloc(out->value, cap * sizeof *nv);
        if (!nv)
            goto fail;
        out->value = nv;
        out->cap = cap;
    }
    double ss = 0;
    size_t n = 0;
    for (size_t i = 0; i < nt; i++) {
        double v = fz_tf(cfg, counts[touched[i]]) * (idf ? idf[touched[i]] : 1.0);
        counts[touched[i]] = 0;
        if (v == 0)
            continue;
        ss += v * v;
        out->index[n] = touched[i];
        out->value[n] = v;
        n++;
    }
    double inv = ss > 0 ? 1.0 / sqrt(ss) : 0;
    for (size_t i = 0; i < n; i++)
        out->value[i] *= inv;
    out->n = n;
    return 0;
fail:
    for (size_t i = 0; i < nt; i++)
        counts[touched[i]] = 0;
    return -1;
}

void fz_vector_free(fz_vector *v)
{
    stance__free(v->index);
    stance__free(v->value);
    v->index = NULL;
    v->value = NULL;
    v->n = v->cap = 0;
}

void stance__idf_from_df(const uint32_t *df, uint32_t dim, uint32_t ndocs, double *idf)
{
    idf[0] = 0;
    for (uint32_t j = 1; j <= dim; j++)
        idf[j] = df[j] ? log((1.0 + ndocs) / (1.0 + df[j])) + 1.0 : 0.0;
}
