/*
 * lexicon.h — the finance lexicon: words and short phrases (1-3 tokens) in categories.
 *
 * Written for stance from scratch (not derived from the Loughran-McDonald lists, whose
 * licence forbids redistribution). Categories follow the usual finance-text families:
 * positive, negative, uncertainty, weak and strong modals, constraining; plus hedges,
 * intensifiers and downtoners, and two control sets used by the featurizer itself:
 * negators (open a negation scope) and contrast markers (open a contrast clause).
 */
#ifndef STANCE_LEXICON_H
#define STANCE_LEXICON_H

#include <stddef.h>
#include <stdint.h>

enum {
    LEXB_POSITIVE, LEXB_NEGATIVE, LEXB_UNCERTAINTY, LEXB_WEAK_MODAL, LEXB_STRONG_MODAL,
    LEXB_CONSTRAINING, LEXB_HEDGE, LEXB_INTENSIFIER, LEXB_DOWNTONER, LEXB_NEGATOR,
    LEXB_CONTRAST,
    LEXB_CLAUSE_INITIAL, /* a contrast marker only as the first word of a clause ("Yet, …"
                            but not "not yet", "has yet to"; "Still, …" but not "still there") */
    LEXC_COUNT
};

typedef struct {
    const char *phrase;
    uint32_t cats; /* bit set of LEXB_* */
} lex_entry;

const lex_entry *lex_entries(size_t *n);
uint64_t lex_seq_hash(const uint64_t *tok, size_t n);

#endif
