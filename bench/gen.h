/*
 * gen.h — a seeded generator of realistic business-news text for the benchmark.
 *
 * Quotes are recombined from sentence fragments written for this harness: finance
 * vocabulary, negations ("isn't", "never"), hedges ("probably", "it seems"), contrasts,
 * numbers in the forms news uses ($4.2 billion, 12%, 3.5 per cent, Q3, 1.8x), and curly
 * apostrophes and quote marks. Each quote is one line of about 200 bytes (mean ~205, from ~70 to ~400).
 *
 * Articles are news prose of a few kilobytes with inline quotes ("…," said Name, role at
 * Org.) and a commentary box of voices in `Name, Role at Org: "…"` form.
 *
 * The same seed gives the same bytes on every machine: the generator uses its own
 * xoshiro-style PRNG, never rand().
 */
#ifndef STANCE_BENCH_GEN_H
#define STANCE_BENCH_GEN_H

#include <stddef.h>
#include <stdint.h>

/* names the program in the out-of-memory message (then exit 2); default "stance_bench" */
extern const char *gen_prog;

typedef struct {
    uint64_t s;
} gen_rng;

void gen_seed(gen_rng *r, uint64_t seed);
uint64_t gen_next(gen_rng *r);
/* uniform in [0, n) */
uint32_t gen_below(gen_rng *r, uint32_t n);

/* A growable byte buffer. */
typedef struct {
    char *buf;
    size_t len, cap;
} gen_buf;

void gen_buf_put(gen_buf *b, const char *s, size_t n);
void gen_buf_puts(gen_buf *b, const char *s);
void gen_buf_free(gen_buf *b);

/* Append one quote (no newline, no line breaks inside) to b. */
void gen_quote(gen_rng *r, gen_buf *b);
/* Append one article (several paragraphs, LF line ends) to b. Returns the number of
   quotes the generator put into it (inline and boxed). */
size_t gen_article(gen_rng *r, gen_buf *b);

#endif
