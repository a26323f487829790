/*
 * stance.h — find the named voices in business news and label their stance.
 *
 * The library has four stages, each usable alone:
 *
 *   segment    article text -> voices (speaker, role, org, quote spans)
 *   featurize  quote text   -> sparse lexical vector (configuration lives in the model)
 *   classify   vector       -> label, probabilities, evidence (collapsed linear scorer)
 *   train      labelled JSONL -> model bundle (libsvm C-SVC, k-fold grid search)
 *
 * Conventions
 *   - Every symbol starts with stance_ / STANCE_. No libsvm or jansson type appears here.
 *   - Functions that can fail return stance_status (0 = STANCE_OK) and fill a
 *     caller-allocated stance_error when one is given (NULL is accepted). The first
 *     error written wins; stance_error_clear() resets it.
 *   - Text is UTF-8 bytes with explicit lengths; offsets are byte offsets into the
 *     caller's buffer. Strings returned in voices point into the caller's text or
 *     into storage owned by the stance_voices object (see below).
 *   - The library never prints and never exits. Progress reaches the caller through
 *     a callback that may cancel.
 *   - A loaded stance_model is immutable: any number of threads may score with it at
 *     once, each with its own stance_scratch. Loading and training are serialised
 *     internally (libsvm keeps process-global state).
 */
#ifndef STANCE_H
#define STANCE_H

#include <stddef.h>
#include <stdint.h>

#include "stance_export.h"
#include "stance_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- errors */

typedef enum {
    STANCE_OK = 0,
    STANCE_E_IO,        /* a file could not be read or written */
    STANCE_E_INPUT,     /* malformed input: bad UTF-8, bad JSON, missing field, unknown label */
    STANCE_E_MODEL,     /* a model bundle failed validation */
    STANCE_E_ARG,       /* an argument or option is out of range */
    STANCE_E_NOMEM,     /* an allocation failed */
    STANCE_E_CANCELLED, /* the progress callback asked to stop */
    STANCE_E_INTERNAL   /* a bug or a library mismatch */
} stance_status;

typedef struct {
    stance_status status; /* STANCE_OK until the first error */
    char file[256];       /* file name, "" when none */
    long line;            /* 1-based line, 0 when not applicable */
    long byte;            /* 0-based byte offset in the file or line, -1 when not applicable */
    char text[320];       /* the reason, one line, no trailing newline */
} stance_error;

STANCE_EXPORT void stance_error_clear(stance_error *err);
STANCE_EXPORT const char *stance_status_string(stance_status s);

/* "FILE:LINE: byte N: reason" (parts omitted when unknown) into buf; returns buf. */
STANCE_EXPORT const char *stance_error_format(const stance_error *err, char *buf, size_t size);

/* The library version, "MAJOR.MINOR.PATCH". */
STANCE_EXPORT const char *stance_version(void);

/* Check that the libsvm loaded at run time is the one compiled against. */
STANCE_EXPORT stance_status stance_check_runtime(stance_error *err);

/* ---------------------------------------------------------------- segment */

/* A string view: ptr == NULL means null (absent). Not NUL-terminated. */
typedef struct {
    const char *ptr;
    size_t len;
} stance_str;

/* A half-open byte range [start, end) in the input. */
typedef struct {
    size_t start;
    size_t end;
} stance_span;

typedef struct {
    stance_str speaker;       /* full name as first introduced; ptr NULL when unattributed */
    stance_str role;          /* title as written, no article, no org; may be null */
    stance_str org;           /* organisation as written; may be null */
    stance_str quote;         /* quote text; parts of a split quote joined by one space */
    const stance_span *spans; /* byte range of each part of the quote, in order */
    size_t nspans;
    size_t start, end;        /* first and last byte of the quote (spans[0].start, spans[n-1].end) */
    const char *rule;         /* static name of the rule that attributed it, e.g. "box-colon" */
    double confidence;        /* 0..1, how sure the attribution is */
} stance_voice;

typedef struct stance_voices stance_voices; /* owns every voice and any joined text */

/*
 * Find the voices in text[0..len). text need not be NUL-terminated and may hold any
 * bytes; the call runs in time linear in len. On success *out owns the result and
 * must be freed with stance_voices_free; strings in voices point into text (which must
 * outlive *out) or into *out itself.
 */
STANCE_EXPORT stance_status stance_segment(const char *text, size_t len, stance_voices **out,
                                           stance_error *err);
STANCE_EXPORT size_t stance_voices_count(const stance_voices *v);
STANCE_EXPORT const stance_voice *stance_voices_get(const stance_voices *v, size_t i);
STANCE_EXPORT void stance_voices_free(stance_voices *v);

/* ---------------------------------------------------------------- features */

/* Feature configuration; saved inside every model so scoring featurizes as training did. */
typedef struct {
    int hash_bits;     /* feature space is 2^hash_bits (10..24) */
    int ngram_max;     /* word n-grams 1..ngram_max (1..3) */
    int char_ngrams;   /* 0 off; else character n-grams 2..char_ngrams within words (2..5) */
    int sublinear_tf;  /* 1: weight 1+log(count) instead of count */
    int negation;      /* mark tokens in negation scope */
    int contrast;      /* mark tokens after but/however/yet/although/though (2: yet/still only first in a clause) */
    int lexicon;       /* finance lexicon categories and hedge cues as features */
    int last_sentence; /* mark tokens of the last sentence */
    int idf;           /* weight features by inverse document frequency learnt in training;
                          features never seen in training are dropped */
    int scare_quotes;  /* count short inner quotations ('efficiency gains'): a distancing cue */
    int first_sentence; /* mark tokens of the first sentence when there is more than one */
} stance_features_config;

STANCE_EXPORT stance_features_config stance_features_default(void);

/* ---------------------------------------------------------------- model, scoring */

#define STANCE_MAX_LABELS 8

typedef struct stance_model stance_model;
typedef struct stance_scratch stance_scratch; /* per-thread working memory */

/* Load and fully validate a model bundle. name is used in error messages. */
STANCE_EXPORT stance_status stance_model_load(const char *path, stance_model **out,
                                              stance_error *err);
STANCE_EXPORT stance_status stance_model_load_mem(const char *buf, size_t len, const char *name,
                                                  stance_model **out, stance_error *err);
STANCE_EXPORT void stance_model_free(stance_model *m);

STANCE_EXPORT size_t stance_model_nlabels(const stance_model *m);
STANCE_EXPORT const char *stance_model_label(const stance_model *m, size_t i);
STANCE_EXPORT stance_features_config stance_model_features(const stance_model *m);
/* The bundle's header fields: "seed", "data_sha256", "created_by", "C", … ; NULL if absent. */
STANCE_EXPORT const char *stance_model_info(const stance_model *m, const char *key);

STANCE_EXPORT stance_scratch *stance_scratch_new(const stance_model *m);
STANCE_EXPORT void stance_scratch_free(stance_scratch *s);

typedef struct {
    int label;                          /* index into the model's labels */
    double confidence;                  /* probability of label */
    double prob[STANCE_MAX_LABELS];     /* per label, in model label order */
    double decision[STANCE_MAX_LABELS * (STANCE_MAX_LABELS - 1) / 2]; /* per class pair */
    size_t npairs;
} stance_result;

/*
 * Score one quote. No allocation: all working memory is in scratch. The label is the
 * argmax of the coupled probabilities (ties: first in label order), as libsvm's
 * svm_predict_probability does.
 */
STANCE_EXPORT stance_status stance_score(const stance_model *m, stance_scratch *s,
                                         const char *text, size_t len, stance_result *out,
                                         stance_error *err);

/* One piece of evidence: a feature and its push toward the chosen label. */
typedef struct {
    const char *kind;      /* static: "word", "bigram", "trigram", "char", "NEG", "CONTRAST",
                              "LAST", "LEX:positive", "LEX:negative", "LEX:uncertainty",
                              "LEX:weak_modal", "LEX:strong_modal", "LEX:constraining",
                              "HEDGE", "INTENSIFIER", "DOWNTONER" */
    stance_span span;      /* the text of the quote it came from */
    double contribution;   /* signed contribution to the chosen label's decision */
} stance_evidence;

/*
 * The top k features (by contribution toward res->label, largest first) of a scored
 * quote. Writes up to k entries to ev and their count to *n. Allocates nothing.
 */
STANCE_EXPORT stance_status stance_explain(const stance_model *m, stance_scratch *s,
                                           const char *text, size_t len,
                                           const stance_result *res, stance_evidence *ev,
                                           size_t k, size_t *n, stance_error *err);

/* ---------------------------------------------------------------- training */

/* Progress: stage is "cv" or "fit"; return nonzero to cancel. */
typedef int (*stance_progress_fn)(void *user, const char *stage, size_t done, size_t total);

typedef struct {
    int folds;          /* cross-validation folds */
    int log2c_min;      /* grid of C = 2^log2c_min .. 2^log2c_max */
    int log2c_max;
    int log2c_step;
    int balanced;       /* class weights n/(k*n_c) */
    int probability;    /* fit Platt sigmoids for probabilities */
    unsigned seed;      /* seeds fold assignment and libsvm's rand() */
    int skip_invalid;   /* skip (and count) invalid lines instead of failing */
    int threads;        /* threads for cross-validation; results do not depend on it */
    int compress;       /* gzip the bundle (the loader reads both forms) */
    int digits;         /* significant digits kept in each training vector value (0: all);
                           the saved support vectors carry no more, so the model is smaller */
    const char *split;  /* when set, use only lines whose "split" field is in this comma list */
    stance_features_config features;
    stance_progress_fn progress;
    void *progress_user;
} stance_train_options;

STANCE_EXPORT stance_train_options stance_train_default(void);

/* One hyper-parameter, declared once: the CLI builds flags and --help from this table. */
typedef struct {
    const char *name;   /* flag name without dashes, e.g. "folds" */
    const char *help;
    int is_int;         /* all parameters are integers today */
    long def, min, max;
    size_t offset;      /* offset into stance_train_options (or into .features if in_features) */
    int in_features;
} stance_param;

STANCE_EXPORT const stance_param *stance_train_params(size_t *count);
/* Set a parameter by name from a string; STANCE_E_ARG with a reason when invalid. */
STANCE_EXPORT stance_status stance_train_set(stance_train_options *o, const char *name,
                                             const char *value, stance_error *err);

typedef struct stance_report stance_report;

/*
 * Train on a JSONL file (lines {"text": …, "label": …}) and write the bundle to
 * model_path atomically (temporary file + rename). report (may be NULL) receives the
 * cross-validation report; free with stance_report_free.
 */
STANCE_EXPORT stance_status stance_train(const char *data_path, const char *model_path,
                                         const stance_train_options *opt, stance_report **report,
                                         stance_error *err);

/* Evaluate a model on a labelled JSONL file. */
STANCE_EXPORT stance_status stance_eval(const stance_model *m, const char *data_path,
                                        const char *split, int skip_invalid,
                                        stance_progress_fn progress, void *user,
                                        stance_report **report, stance_error *err);

/* The report as a JSON document (NUL-terminated, owned by the report). */
STANCE_EXPORT const char *stance_report_json(const stance_report *r);
STANCE_EXPORT void stance_report_free(stance_report *r);

#ifdef __cplusplus
}
#endif
#endif /* STANCE_H */
