/*
 * featurize.h — quote text to a hashed sparse vector, without building strings.
 *
 * The tokenizer walks the UTF-8 bytes once. A token is a run of letters, digits and
 * inner apostrophes/hyphens; it is case-folded and hashed in place (FNV-1a over the
 * folded bytes), so no token is ever copied. Contractions split at the apostrophe
 * ("isn't" -> "is" + "n't"), curly and straight apostrophes hash alike, and numbers,
 * percentages and money amounts hash to the classes <num>, <pct>, <money>. "?" and
 * "!" are tokens; other punctuation only marks clause and sentence boundaries.
 *
 * Each token emits features, each a 64-bit hash folded into 1..2^hash_bits:
 *   word n-grams (1..ngram_max), character n-grams inside words (optional),
 *   NEG:w  for words inside a negation scope (after not/no/never/n't/without/…,
 *          up to the next clause boundary),
 *   CON:w  for words after a contrast marker (but/however/yet/although/though; with
 *          contrast=2, "yet" and "still" count only as a clause's first word),
 *   LAST:w for words of the last sentence (optional),
 *   FIRST:w for words of the first sentence of a quote of several (optional),
 *   LEX:<category> (and LEX:<category>:NEG when negated) for entries of the finance
 *          lexicon in lexicon.c, matched as 1-3 word sequences,
 *   SCARE  once per short inner quotation ("a 'restructuring'", "so-called "growth"") —
 *          writers put words they distance themselves from in quote marks (optional).
 * Weights are counts or 1+log(count) (sublinear), then the vector is L2-normalised.
 *
 * Two consumers: the scorer streams features straight into a dot product with the
 * collapsed weights (fz_emit callback + per-scratch count table, no sorting); training
 * asks for a sorted libsvm-ready vector.
 */
#ifndef STANCE_FEATURIZE_H
#define STANCE_FEATURIZE_H

#include <stddef.h>
#include <stdint.h>

#include "stance.h"

/* Feature kinds, used for evidence and ablation. */
enum fz_kind {
    FZ_WORD = 0, FZ_BIGRAM, FZ_TRIGRAM, FZ_CHAR, FZ_NEG, FZ_CON, FZ_LAST,
    FZ_LEX_POSITIVE, FZ_LEX_NEGATIVE, FZ_LEX_UNCERTAINTY, FZ_LEX_WEAK_MODAL,
    FZ_LEX_STRONG_MODAL, FZ_LEX_CONSTRAINING, FZ_LEX_HEDGE, FZ_LEX_INTENSIFIER,
    FZ_LEX_DOWNTONER, FZ_LEX_NEGATED, FZ_SCARE, FZ_FIRST, FZ_NKINDS
};
const char *fz_kind_name(int kind);

/* The lexicon, compiled into a small hash table keyed by token-sequence hashes. */
typedef struct fz_lexicon fz_lexicon;
const fz_lexicon *fz_lexicon_get(void); /* built once, thread-safe, never freed */

/* One emitted feature occurrence. */
typedef struct {
    uint32_t index;   /* 1..dim */
    uint16_t kind;    /* enum fz_kind */
    uint32_t start;   /* source span in the quote (bytes) */
    uint32_t end;
} fz_feature;

/* Called once per feature occurrence; return nonzero to stop. */
typedef void (*fz_emit_fn)(void *user, const fz_feature *f);

/* Walk text and emit every feature occurrence. */
void fz_extract(const stance_features_config *cfg, const char *text, size_t len, fz_emit_fn emit,
                void *user);

/* The same, handing features over in batches of up to FZ_BATCH (the scorer uses the
   batch to prefetch weight rows before it reads them). */
#define FZ_BATCH 64
typedef void (*fz_batch_fn)(void *user, const fz_feature *f, size_t n);
void fz_extract_batch(const stance_features_config *cfg, const char *text, size_t len, fz_batch_fn fn,
                      void *user);

uint32_t fz_dim(const stance_features_config *cfg);
int fz_config_valid(const stance_features_config *cfg, char *why, size_t whysize);
/* "hash_bits=18 ngram_max=2 …" and back. */
void fz_config_format(const stance_features_config *cfg, char *buf, size_t size);
int fz_config_parse(const char *s, stance_features_config *cfg, char *why, size_t whysize);

extern const double fz_log_table[64];
double fz_log_slow(uint32_t c);

/* tf weight for a count: c or 1+log(c). */
static inline double fz_tf(const stance_features_config *cfg, uint32_t c)
{
    if (!cfg->sublinear_tf)
        return (double)c;
    return c < 64 ? fz_log_table[c] : fz_log_slow(c);
}

/*
 * The distinct feature indices of text, in first-seen order, into touched[0..n), with
 * their occurrence counts left in counts[] (caller clears them: counts[touched[i]] = 0).
 * counts: fz_dim()+1 zeros; touched: fz_dim()+1 entries. Returns n.
 */
size_t fz_collect(const stance_features_config *cfg, const char *text, size_t len, uint32_t *counts,
                  uint32_t *touched);

/* A sorted sparse vector (for training and libsvm's path). */
typedef struct {
    uint32_t *index;
    double *value;
    size_t n, cap;
} fz_vector;

/*
 * Sorted, L2-normalised vector of text. counts is caller scratch of fz_dim()+1 uint32
 * zeros (left zeroed on return); touched is caller scratch of at least fz_dim() entries.
 * Returns 0, or -1 on allocation failure.
 */
int fz_vectorize(const stance_features_config *cfg, const char *text, size_t len, uint32_t *counts,
                 uint32_t *touched, fz_vector *out);
/* The same with per-feature weights idf[1..dim] (NULL: none); zero-weight features are dropped. */
int fz_vectorize_idf(const stance_features_config *cfg, const double *idf, const char *text, size_t len,
                     uint32_t *counts, uint32_t *touched, fz_vector *out);
void fz_vector_free(fz_vector *v);

/* idf[j] = ln((1+ndocs)/(1+df[j])) + 1 where df[j] > 0, else 0; j in 1..dim. */
void stance__idf_from_df(const uint32_t *df, uint32_t dim, uint32_t ndocs, double *idf);

#endif
