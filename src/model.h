/*
 * model.h — the model bundle: its text format, its validator, and the collapsed scorer.
 *
 * A bundle is one UTF-8 text file, LF line ends, in this exact order (stance train
 * gzip-compresses it by default; the loader inflates a gzip file before anything else):
 *
 *   stance-model 1                     magic and format version
 *   labels bullish critical cautious   label names, in libsvm label order 1..k
 *   features hash_bits=18 …            the feature configuration (featurize.h)
 *   info KEY VALUE                     zero or more: seed, C, data_fnv1a64, cv_macro_f1, …
 *   idf NDOCS NLINES                   when features has idf=1: NLINES lines of up to 64
 *   …                                  "index:df" pairs, indices strictly ascending
 *   libsvm N                           N lines follow: the model exactly as svm_save_model wrote it
 *   …
 *   end
 *   checksum fnv1a64 HEX               FNV-1a 64 of every byte before this line
 *
 * The loader checks everything before trusting a byte (libsvm's own loader does not:
 * see README "Robustness"): the checksum first, then each header line, then the
 * libsvm section key by key (svm_type c_svc, kernel_type linear, 2 <= nr_class <= 8,
 * rho/label/probA/probB/nr_sv with exactly the right number of finite values, labels
 * exactly 1..k, nr_sv summing to total_sv, exactly total_sv SV lines each with k-1
 * finite coefficients and strictly ascending indices in 1..2^hash_bits).
 *
 * Scoring never calls libsvm: at load time each one-vs-one decision function collapses
 * into a weight vector w_p = sum(coef * SV), stored feature-major (W[index * P + p]) so
 * each feature of a quote reads one contiguous row. Probabilities follow libsvm's
 * definition: Platt sigmoids per pair, coupled by Wu, Lin and Weng's second method.
 */
#ifndef STANCE_MODEL_H
#define STANCE_MODEL_H

#include <stdio.h>

#include "stance.h"

#define STANCE_MODEL_MAGIC "stance-model 1"
#define STANCE_MAX_INFO 32
/* The collapsed weight table's limit: 2^24 features with 3 labels (512 MiB) fit, 2^24
   with 8 labels (4 GiB) does not; a bundle asking for more is refused, not allocated. */
#define STANCE_MAX_TABLE_BYTES ((size_t)1 << 30)

struct stance_model {
    stance_features_config cfg;
    size_t k, npairs;
    char *labels[STANCE_MAX_LABELS];
    uint32_t dim;
    double *W;              /* (dim + 1) rows of wstride doubles: npairs weights, then the
                               feature's idf (1 without idf); rows 32-byte aligned */
    size_t wstride;
    void *W_raw;            /* the allocation behind W */
    double *idf;            /* dim + 1 feature weights when cfg.idf, else NULL */
    double rho[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    double probA[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    double probB[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2];
    int has_prob;
    size_t ninfo;
    char *info_key[STANCE_MAX_INFO], *info_val[STANCE_MAX_INFO];
    char *libsvm_text;      /* the libsvm section, NUL-terminated, for libsvm's own path;
                               NULL when loaded from a file (see source) */
    size_t libsvm_len;
    char *source;           /* the file stance_model_load read, or NULL */
    uint64_t checksum;      /* the bundle's fnv1a64 checksum */
};

/* Write the libsvm section to f: the kept copy, or read again from m->source (an error
   if the file no longer has the same checksum). */
stance_status stance__model_write_libsvm(const stance_model *m, FILE *f, stance_error *err);

uint64_t stance__fnv1a64(const void *buf, size_t len, uint64_t h);

/* A plain decimal in [s, e) ("-0.0416", "12.5"; at most 15 significant digits, no
   exponent) parsed exactly as strtod would; 0 for anything else (the loader then uses
   strtod). */
int stance__parse_decimal_fast(const char *s, const char *e, double *out);

/* gzip in memory, through the allocation hook: inflate (at most 256 MiB) and deflate
   (deterministic: no name, no time stamp). */
stance_status stance__gunzip(const char *buf, size_t len, const char *name, char **out, size_t *outlen,
                             stance_error *err);
stance_status stance__gzip(const char *buf, size_t len, char **out, size_t *outlen, stance_error *err);
#define STANCE_FNV_OFFSET 0xcbf29ce484222325ULL

/* Decision values -> probabilities and label, as libsvm's svm_predict_probability. */
void stance__couple(const stance_model *m, const double *dec, stance_result *out);

/* The process-wide lock around libsvm's global state (train, load, save). */
void stance__libsvm_lock(void);
void stance__libsvm_unlock(void);

#endif
