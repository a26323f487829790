/*
 * train.h — internal: labelled datasets, metrics, atomic writes, and libsvm's own
 * prediction path (kept for the equivalence test and the benchmark's comparison).
 */
#ifndef STANCE_TRAIN_H
#define STANCE_TRAIN_H

#include <stdint.h>

#include "featurize.h"
#include "stance.h"

typedef struct {
    char *text;
    size_t len;
    int label;
    long line;
} stance__example;

typedef struct {
    stance__example *ex;
    size_t n, cap;
    size_t skipped;
    uint64_t digest; /* FNV-1a 64 of every line read */
} stance__dataset;

/* labels NULL: read texts only (label ignored). */
stance_status stance__dataset_read(const char *path, const char *const *labels, size_t k, const char *split,
                                   int skip_invalid, stance__dataset *d, stance_error *err);
void stance__dataset_free(stance__dataset *d);

/* Training precomputes the linear kernel up to this many examples; (size_t)-1 (the
   default) means as many as fit in half the physical memory at n*n*16 bytes. */
extern size_t stance__gram_max;

/* v rounded to digits significant digits; digits <= 0 leaves it as it is. */
double stance__round_digits(double v, int digits);

stance_status stance__write_atomic(const char *path, const char *buf, size_t len, stance_error *err);

/* libsvm's path: load the bundle's libsvm section through svm_load_model (serialised). */
struct svm_model;
struct svm_model *stance__libsvm_load(const stance_model *m, stance_error *err);
void stance__libsvm_free(struct svm_model *sm);

typedef struct {
    uint32_t *counts, *touched;
    fz_vector fv;
    void *nodes; /* struct svm_node[] */
    size_t nodes_cap;
} stance__libsvm_scratch;

int stance__libsvm_scratch_init(stance__libsvm_scratch *s, const stance_model *m);
void stance__libsvm_scratch_free(stance__libsvm_scratch *s);
/* Featurize and score through libsvm: the label and probabilities as
   svm_predict_probability gives them (svm_predict_values' label when the model has no
   probabilities); decisions nonzero also fills the pairwise decision values, which for a
   model with probabilities costs a second pass over the support vectors. */
int stance__libsvm_score(const stance_model *m, const struct svm_model *sm, stance__libsvm_scratch *s,
                         const char *text, size_t len, int decisions, stance_result *out);

#endif
