/* test_featurize.c — the tokenizer and feature extractor. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "featurize.h"

static stance_features_config cfg;
static uint32_t *counts, *touched;

static void setup(void)
{
    cfg = stance_features_default();
    counts = calloc(fz_dim(&cfg) + 1, sizeof *counts);
    touched = malloc((fz_dim(&cfg) + 1) * sizeof *touched);
}

static void teardown(void)
{
    free(counts);
    free(touched);
}

TestSuite(featurize, .init = setup, .fini = teardown);

static fz_vector vec(const char *s)
{
    fz_vector v = {0};
    cr_assert_eq(fz_vectorize(&cfg, s, strlen(s), counts, touched, &v), 0);
    return v;
}

static int same(const fz_vector *a, const fz_vector *b)
{
    if (a->n != b->n)
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->index[i] != b->index[i] || fabs(a->value[i] - b->value[i]) > 1e-12)
            return 0;
    return 1;
}

/* Does text emit a feature of this kind whose source span is exactly `covering`? */
typedef struct {
    int kind;
    const char *text, *want;
    int found;
} find_state;

static void find_cb(void *user, const fz_feature *f)
{
    find_state *s = user;
    size_t n = strlen(s->want);
    if (f->kind == s->kind && f->end - f->start == n && !memcmp(s->text + f->start, s->want, n))
        s->found = 1;
}

static int emits_cfg(const stance_features_config *c, const char *text, int kind, const char *covering)
{
    find_state s = {kind, text, covering, 0};
    fz_extract(c, text, strlen(text), find_cb, &s);
    return s.found;
}

static int emits(const char *text, int kind, const char *covering)
{
    return emits_cfg(&cfg, text, kind, covering);
}

Test(featurize, vectors_are_sorted_unit_length)
{
    fz_vector v = vec("Margins will expand, but execution risk is not trivial.");
    double ss = 0;
    for (size_t i = 0; i < v.n; i++) {
        ss += v.value[i] * v.value[i];
        if (i)
            cr_assert_lt(v.index[i - 1], v.index[i]);
        cr_assert(v.index[i] >= 1 && v.index[i] <= fz_dim(&cfg));
    }
    cr_assert_float_eq(ss, 1.0, 1e-12);
    fz_vector_free(&v);
}

Test(featurize, case_folding_and_apostrophes)
{
    fz_vector a = vec("It ISN'T Cheap"), b = vec("it isn\xE2\x80\x99t cheap"), c = vec("it is cheap");
    cr_assert(same(&a, &b), "case and curly apostrophe must not matter");
    cr_assert_not(same(&a, &c), "the negation must matter");
    fz_vector_free(&a);
    fz_vector_free(&b);
    fz_vector_free(&c);
}

Test(featurize, contractions_split)
{
    const char *t = "It isn't reckless";
    cr_assert(emits(t, FZ_WORD, "is"), "isn't -> is");
    cr_assert(emits(t, FZ_WORD, "n't"), "isn't -> n't");
    cr_assert(emits("We're buyers", FZ_WORD, "We"));
    cr_assert(emits("We're buyers", FZ_WORD, "'re"));
    cr_assert(emits("Se\xC3\xA1n O'Neill agrees", FZ_WORD, "O'Neill"), "a name apostrophe is not a clitic");
}

Test(featurize, numbers_map_to_classes)
{
    fz_vector a = vec("up 12% to $40 in 2027"), b = vec("up 3.5% to $1,200 in 1999");
    cr_assert(same(&a, &b), "numbers, percentages and money are classes");
    fz_vector c = vec("up 12 to 40 in 2027");
    cr_assert_not(same(&a, &c), "a percentage is not a plain number");
    fz_vector_free(&a);
    fz_vector_free(&b);
    fz_vector_free(&c);
}

Test(featurize, hyphenated_compounds_stay_whole)
{
    cr_assert(emits("the risk is non-trivial", FZ_WORD, "non-trivial"));
}

Test(featurize, negation_scope_ends_at_clause_boundary)
{
    const char *t = "This is not a reckless bet, it is bold.";
    cr_assert(emits(t, FZ_NEG, "reckless"), "reckless is in the scope of not");
    cr_assert_not(emits(t, FZ_NEG, "bold"), "the comma closes the scope");
    cr_assert(emits("I never doubted them", FZ_NEG, "doubted"));
    cr_assert(emits("It isn't cheap", FZ_NEG, "cheap"), "n't negates");
}

Test(featurize, contrast_marks_the_clause_after_but)
{
    const char *t = "The potential is vast. But the risk is real.";
    cr_assert(emits(t, FZ_CON, "risk"));
    cr_assert_not(emits(t, FZ_CON, "potential"));
}

Test(featurize, yet_and_still_open_a_contrast_only_at_a_clause_start)
{
    /* adverbial: the negation scope runs on and nothing is marked as contrast */
    const char *t = "Inflation is not yet back to target";
    cr_assert_not(emits(t, FZ_CON, "back"), "'not yet' is no contrast");
    cr_assert(emits(t, FZ_NEG, "back"), "'yet' does not end the negation scope");
    cr_assert_not(emits("The lender has yet to show a profit", FZ_CON, "profit"));
    cr_assert_not(emits("They are still hiring", FZ_CON, "hiring"));
    /* conjunction: first word of its clause */
    cr_assert(emits("Margins are thin, yet the stock keeps rising", FZ_CON, "rising"));
    cr_assert(emits("Sales fell. Still, the brand is intact", FZ_CON, "intact"));
    /* contrast=1 (models trained before the rule) keeps the old reading */
    stance_features_config c = cfg;
    c.contrast = 1;
    cr_assert(emits_cfg(&c, t, FZ_CON, "back"));
}

Test(featurize, lexicon_phrases_match_across_tokens)
{
    cr_assert(emits("whether it works remains to be seen", FZ_LEX_HEDGE, "to be seen"));
    cr_assert(emits("a reckless move", FZ_LEX_NEGATIVE, "reckless"));
    cr_assert(emits("Reckless, frankly", FZ_LEX_NEGATIVE, "Reckless"), "lexicon lookups are case-folded");
    cr_assert(emits("we will wait and see", FZ_LEX_HEDGE, "wait and see"));
    cr_assert(emits("not reckless at all", FZ_LEX_NEGATED, "reckless"), "a negated lexicon hit is its own feature");
}

Test(featurize, last_sentence_marked)
{
    const char *t = "Growth is strong. Valuation is stretched.";
    cr_assert(emits(t, FZ_LAST, "stretched"));
    cr_assert_not(emits(t, FZ_LAST, "strong"));
}

/* How many SCARE features does text emit? */
static void count_kind_cb(void *user, const fz_feature *f)
{
    if (f->kind == FZ_SCARE)
        ++*(int *)user;
}

static int scare_count(const char *text)
{
    int n = 0;
    fz_extract(&cfg, text, strlen(text), count_kind_cb, &n);
    return n;
}

Test(featurize, scare_quotes_are_counted)
{
    cr_assert(emits("Framing layoffs as 'efficiency gains' is cynical.", FZ_SCARE, "'efficiency gains'"));
    cr_assert(emits("The \xe2\x80\x98premium\xe2\x80\x99 tier costs more.", FZ_SCARE,
                    "\xe2\x80\x98premium\xe2\x80\x99"),
              "curly single marks");
    cr_assert(emits("A so-called \"growth plan\" that cuts.", FZ_SCARE, "\"growth plan\""), "straight double marks");
    cr_assert(emits("They call it \xe2\x80\x9ctransformational,\xe2\x80\x9d which it isn't.", FZ_SCARE,
                    "\xe2\x80\x9ctransformational,\xe2\x80\x9d"),
              "a comma before the closing mark");
    cr_assert_eq(scare_count("'Lean' and 'agile' were the words."), 2, "two quotations, one at the start");
    cr_assert_eq(scare_count("It's the workers' pay that isn't rising, and they're right."), 0,
                 "apostrophes inside and after words open nothing");
    cr_assert_eq(scare_count("Don't call it a 'plan"), 0, "an opener with no closer is ignored");
    cr_assert(emits("the '90s and the 'noughties' were different", FZ_SCARE, "'noughties'"),
              "a later opener takes over from one never closed");
    cr_assert_eq(scare_count("the '90s and the 'noughties' were different"), 1);
    cr_assert(emits("'Rock 'n' roll' budgeting", FZ_SCARE, "'n'"), "the nearest pair wins");
    cfg.scare_quotes = 0;
    cr_assert_eq(scare_count("Framing layoffs as 'efficiency gains' is cynical."), 0, "switched off");
    cfg.scare_quotes = 1;
}

Test(featurize, first_sentence_marked_only_when_there_are_several)
{
    const char *t = "Growth is strong. Valuation is stretched.";
    cr_assert(emits(t, FZ_FIRST, "strong"));
    cr_assert_not(emits(t, FZ_FIRST, "stretched"));
    cr_assert_not(emits("Growth is strong, and valuation is stretched.", FZ_FIRST, "strong"),
                  "a one-sentence quote has no first-sentence marks");
    cr_assert_not(emits("Growth is strong. ", FZ_FIRST, "strong"), "trailing space is not a second sentence");
    cr_assert(emits("Is it cheap? At 9x, yes.", FZ_FIRST, "cheap"), "a question ends a sentence");
    cr_assert_not(emits("Revenue rose 3.5 percent in the quarter.", FZ_FIRST, "Revenue"),
                  "a decimal point is not a sentence end");
}

Test(featurize, configuration_round_trips_and_rejects_junk)
{
    char buf[256], why[128];
    stance_features_config c = stance_features_default(), d;
    c.ngram_max = 3;
    c.char_ngrams = 4;
    fz_config_format(&c, buf, sizeof buf);
    cr_assert(fz_config_parse(buf, &d, why, sizeof why), "%s", why);
    cr_assert_eq(memcmp(&c, &d, sizeof c), 0);
    cr_assert_not(fz_config_parse("hash_bits=18", &d, why, sizeof why), "missing options are an error");
    cr_assert_not(fz_config_parse("hash_bits=99 ngram_max=2 char_ngrams=0 sublinear_tf=1 negation=1 contrast=1 "
                                  "lexicon=1 last_sentence=1",
                                  &d, why, sizeof why));
    cr_assert_not(fz_config_parse("bogus=1", &d, why, sizeof why));
    cr_assert(fz_config_parse("hash_bits=18 ngram_max=2 char_ngrams=0 sublinear_tf=1 negation=1 contrast=1 "
                              "lexicon=1 last_sentence=1",
                              &d, why, sizeof why),
              "bundles from before idf and scare_quotes still load: %s", why);
    cr_assert_eq(d.idf, 0);
    cr_assert_eq(d.scare_quotes, 0);
    cr_assert_eq(d.first_sentence, 0);
}

Test(featurize, any_bytes_are_safe)
{
    char junk[4096];
    unsigned x = 12345;
    for (size_t i = 0; i < sizeof junk; i++) {
        x = x * 1103515245u + 12345u;
        junk[i] = (char)(x >> 16);
    }
    fz_vector v = {0};
    cr_assert_eq(fz_vectorize(&cfg, junk, sizeof junk, counts, touched, &v), 0);
    for (size_t i = 0; i < v.n; i++)
        cr_assert(v.index[i] >= 1 && v.index[i] <= fz_dim(&cfg));
    fz_vector_free(&v);
    fz_vector e = vec("");
    cr_assert_eq(e.n, 0);
    fz_vector_free(&e);
}

Test(featurize, char_ngrams_when_enabled)
{
    cfg.char_ngrams = 3;
    cr_assert(emits("bold", FZ_CHAR, "bol"));
    cfg.char_ngrams = 0;
    cr_assert_not(emits("bold", FZ_CHAR, "bol"));
}
