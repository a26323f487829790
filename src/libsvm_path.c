/* libsvm_path.c — scoring through libsvm itself (slow: every support vector is visited).
   stance's own scorer (model.c) must agree with this path; tests and the benchmark use it. */
#include <libsvm/svm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "model.h"
#include "train.h"

struct svm_model *stance__libsvm_load(const stance_model *m, stance_error *err)
{
    char tmp[] = "/tmp/stance-libsvm-XXXXXX";
    int fd = mkstemp(tmp);
    if (fd < 0) {
        stance__err(err, STANCE_E_IO, tmp, 0, -1, "cannot create a temporary file");
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(tmp);
        stance__err(err, STANCE_E_IO, tmp, 0, -1, "cannot write a temporary file");
        return NULL;
    }
    stance_status st = stance__model_write_libsvm(m, f, err);
    if (fclose(f) && !st)
        st = stance__err(err, STANCE_E_IO, tmp, 0, -1, "cannot write a temporary file");
    if (st) {
        unlink(tmp);
        return NULL;
    }
    /* the text was validated by stance_model_load_mem before it got here */
    stance__libsvm_lock();
    struct svm_model *sm = svm_load_model(tmp);
    stance__libsvm_unlock();
    unlink(tmp);
    if (!sm)
        stance__err(err, STANCE_E_MODEL, tmp, 0, -1, "libsvm could not load the model section");
    return sm;
}

void stance__libsvm_free(struct svm_model *sm)
{
    if (sm)
        svm_free_and_destroy_model(&sm);
}

int stance__libsvm_scratch_init(stance__libsvm_scratch *s, const stance_model *m)
{
    memset(s, 0, sizeof *s);
    s->counts = stance__calloc((size_t)m->dim + 1, sizeof *s->counts);
    s->touched = stance__malloc(((size_t)m->dim + 1) * sizeof *s->touched);
    if (!s->counts || !s->touched) {
        stance__libsvm_scratch_free(s);
        return -1;
    }
    return 0;
}

void stance__libsvm_scratch_free(stance__libsvm_scratch *s)
{
    stance__free(s->counts);
    stance__free(s->touched);
    stance__free(s->nodes);
    fz_vector_free(&s->fv);
    memset(s, 0, sizeof *s);
}

int stance__libsvm_score(const stance_model *m, const struct svm_model *sm, stance__libsvm_scratch *s,
                         const char *text, size_t len, int decisions, stance_result *out)
{
    if (fz_vectorize_idf(&m->cfg, m->idf, text, len, s->counts, s->touched, &s->fv))
        return -1;
    if (s->nodes_cap < s->fv.n + 1) {
        struct svm_node *nn = stance__realloc(s->nodes, (s->fv.n + 1) * sizeof *nn);
        if (!nn)
            return -1;
        s->nodes = nn;
        s->nodes_cap = s->fv.n + 1;
    }
    struct svm_node *x = s->nodes;
    for (size_t i = 0; i < s->fv.n; i++) {
        x[i].index = (int)s->fv.index[i];
        x[i].value = s->fv.value[i];
    }
    x[s->fv.n].index = -1;
    x[s->fv.n].value = 0;
    memset(out, 0, sizeof *out);
    /* each libsvm call below is a full pass over the support vectors: without
       probabilities svm_predict_values gives the label too; with them, the decision values
       cost a second pass, paid only when asked for */
    double lab = 0;
    if (!m->has_prob || decisions) {
        lab = svm_predict_values(sm, x, out->decision);
        out->npairs = m->npairs;
    }
    if (m->has_prob)
        lab = svm_predict_probability(sm, x, out->prob);
    out->label = (int)lab - 1;
    out->confidence = m->has_prob ? out->prob[out->label] : 0;
    return 0;
}
