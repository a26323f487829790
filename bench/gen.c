/* gen.c — see gen.h. Every fragment below was written for this harness. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define N(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

/* ------------------------------------------------------------ randomness */

void gen_seed(gen_rng *r, uint64_t seed) { r->s = seed * 0x9E3779B97F4A7C15ULL + 0x2545F4914F6CDD1DULL; }

uint64_t gen_next(gen_rng *r)
{
    /* splitmix64: one add, three mixes; plenty for text generation */
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

uint32_t gen_below(gen_rng *r, uint32_t n) { return (uint32_t)(((gen_next(r) >> 32) * (uint64_t)n) >> 32); }

static int chance(gen_rng *r, unsigned percent) { return gen_below(r, 100) < percent; }

#define PICK(r, a) ((a)[gen_below((r), N(a))])

/* ------------------------------------------------------------ buffers */

const char *gen_prog = "stance_bench";

void gen_buf_put(gen_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t nc = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > nc)
            nc *= 2;
        char *nb = realloc(b->buf, nc);
        if (!nb) {
            fprintf(stderr, "%s: out of memory\n", gen_prog);
            exit(2);
        }
        b->buf = nb;
        b->cap = nc;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = 0;
}

void gen_buf_puts(gen_buf *b, const char *s) { gen_buf_put(b, s, strlen(s)); }

void gen_buf_free(gen_buf *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

/* ------------------------------------------------------------ vocabulary */

static const char *const companies[] = {
    "Harlow Bancorp", "Kestrel Systems", "Brightmeadow", "Ostrander Energy", "Veltra Pharma",
    "Quillon Retail", "Marisco Freight", "Tanager Capital", "Pellham Insurance", "Corvid Semiconductor",
    "Ashgrove Foods", "Lumen & Vale", "Northquay Mining", "Sable Airways", "Dunmore Steel",
};
static const char *const subjects[] = {
    "the company", "management", "the board", "this deal", "the guidance", "the balance sheet",
    "the chip business", "demand in Asia", "the retail arm", "the new chief executive", "the merger",
    "free cash flow", "the dividend", "the order book", "their pricing", "the turnaround plan",
    "the bond market", "consumer spending", "the central bank", "credit quality", "the buyback",
    "the cloud unit", "the shipping business", "the loan book", "the restructuring",
};
static const char *const pos_vp[] = {
    "is executing well", "has clearly turned the corner", "is gaining share in every region",
    "looks cheap at these levels", "is delivering on every promise", "has real pricing power",
    "is in the best shape it has been in a decade", "keeps surprising to the upside",
    "is compounding quietly", "has momentum behind it", "is well ahead of plan",
    "is priced for a recovery that is already happening", "remains the best franchise in the sector",
};
static const char *const neg_vp[] = {
    "is burning cash", "overpaid for the acquisition", "has lost credibility with investors",
    "is hiding a weak quarter", "keeps moving the goalposts", "has no answer to the competition",
    "is run for the insiders", "was reckless with the balance sheet", "is a value trap",
    "has misled shareholders", "is losing its best engineers", "cut corners on safety",
    "has mismanaged the integration from day one",
};
static const char *const caut_vp[] = {
    "may struggle if rates stay high", "could surprise either way", "needs another quarter to prove itself",
    "depends on a recovery that may not come", "is exposed if demand softens", "faces a tougher second half",
    "has to show the savings are real", "looks fully priced for now", "still has a lot to prove",
    "could be hurt by the tariff talk", "will be tested by the refinancing wall",
};
static const char *const negated_vp[] = {
    "isn't cheap", "doesn't have a plan", "hasn't earned the benefit of the doubt",
    "won't hit the target", "isn't the problem", "can't keep growing like this",
    "didn't explain the write-down", "is not out of the woods", "has never been stronger",
    "is no longer the laggard", "shouldn't be written off", "wasn't a one-off",
};
static const char *const hedges[] = {
    "probably", "perhaps", "arguably", "it seems", "we think", "in my view", "on balance",
    "I suspect", "as far as we can tell", "for now at least", "more or less", "broadly",
};
static const char *const openers[] = {
    "Frankly, ", "To be honest, ", "Look, ", "In our view, ", "At this point, ", "Candidly, ",
    "Put simply, ", "On the numbers, ", "Right now, ", "If anything, ", "", "", "", "", "",
};
static const char *const contrasts[] = {", but ", "; however, ", ", yet ", ", although ", ", though "};
static const char *const intensifiers[] = {"very ", "extremely ", "remarkably ", "deeply ", "slightly ", "somewhat "};
static const char *const adjectives[] = {
    "strong", "weak", "disappointing", "encouraging", "solid", "fragile", "resilient", "volatile",
    "stretched", "healthy", "uncertain", "robust",
};
static const char *const metrics[] = {
    "revenue", "margins", "earnings per share", "net interest income", "same-store sales", "bookings",
    "operating profit", "the order backlog", "gross margin", "subscriber growth",
};
static const char *const moves[] = {"rose", "fell", "climbed", "slipped", "jumped", "dropped", "grew", "shrank"};
static const char *const closers[] = {
    "We'll see.", "I'd be buying here.", "That worries me.", "Time will tell.", "We're staying on the sidelines.",
    "I wouldn't touch it.", "The market hasn't caught on yet.", "That's the risk nobody is pricing.",
    "We remain overweight.", "We've cut our position.", "It's too early to call.",
    "Investors should be patient.", "Nobody should be surprised.",
};
static const char *const scare_terms[] = {
    "disciplined growth", "right-sizing", "strategic review", "transitory", "a reset year", "optionality",
};
static const char *const first_names[] = {
    "Jane", "Marcus", "Priya", "Tomasz", "Elena", "David", "Aiko", "Samuel", "Fatima", "Lars",
    "Chloe", "Rafael", "Nadia", "Oliver", "Mei", "Kwame", "Ingrid", "Diego", "Hannah", "Rohan",
};
static const char *const surnames[] = {
    "Roe", "Okafor", "Lindqvist", "Haddad", "Marchetti", "Chen", "Novak", "Whitfield", "Tanaka",
    "Osei", "Brennan", "Castillo", "Varga", "Abernathy", "Iyer", "Kowalski", "Fontaine", "Adeyemi",
};
static const char *const roles[] = {
    "chief economist", "senior analyst", "portfolio manager", "head of research", "chief executive",
    "credit strategist", "managing director", "equity analyst", "chief investment officer",
    "head of fixed income", "partner", "senior fellow",
};
static const char *const firms[] = {
    "Brill & Co", "Halcyon Partners", "Meridian Securities", "Ostwald Research", "Granite Peak Capital",
    "the Fenwick Institute", "Larchmont Asset Management", "Torvald Bank", "Cassia Advisors",
    "Redhill Investments", "Pemberton Ratings", "Ilex Global",
};
static const char *const cue_verbs[] = {"said", "said", "said", "told reporters", "added", "warned", "argued", "noted"};
static const char *const prose[] = {
    "Shares of %s fell in early trading after the company reported quarterly results that missed forecasts.",
    "%s said on Tuesday it would cut about 1,200 jobs as part of a cost review announced in March.",
    "The results come as investors weigh the outlook for interest rates and a slowing housing market.",
    "Analysts had expected revenue of $4.1 billion, according to a survey of estimates.",
    "%s raised its full-year forecast and said margins would widen in the second half.",
    "The stock has gained 18% this year, outpacing the broader index by roughly six percentage points.",
    "Regulators in Brussels are reviewing the deal, which would create the region's third-largest lender.",
    "The company did not comment on reports that it was exploring a sale of its logistics division.",
    "%s's bonds due 2031 widened by 40 basis points after the announcement.",
    "Executives told analysts on a conference call that the weakness was concentrated in Europe.",
    "Trading volume was more than twice the 30-day average, data compiled by the exchange showed.",
    "The board approved a $500 million buyback and kept the quarterly dividend unchanged at 42 cents.",
};
static const char *const box_titles[] = {"What analysts say", "Market voices", "The view from the Street", "Reaction"};
static const char *const headlines[] = {
    "%s shares slide as outlook disappoints", "%s lifts forecast on cloud demand",
    "Investors split over %s turnaround", "%s to cut jobs in cost drive", "%s deal faces regulatory scrutiny",
};

/* ------------------------------------------------------------ pieces */

static void put_number(gen_rng *r, gen_buf *b)
{
    char s[64];
    switch (gen_below(r, 7)) {
    case 0: snprintf(s, sizeof s, "$%u.%u billion", 1 + gen_below(r, 40), gen_below(r, 10)); break;
    case 1: snprintf(s, sizeof s, "%u%%", 1 + gen_below(r, 60)); break;
    case 2: snprintf(s, sizeof s, "%u.%u per cent", gen_below(r, 12), gen_below(r, 10)); break;
    case 3: snprintf(s, sizeof s, "Q%u", 1 + gen_below(r, 4)); break;
    case 4: snprintf(s, sizeof s, "%u.%ux", 1 + gen_below(r, 3), gen_below(r, 10)); break;
    case 5: snprintf(s, sizeof s, "%u basis points", 5 * (1 + gen_below(r, 30))); break;
    default: snprintf(s, sizeof s, "$%u million", 10 * (1 + gen_below(r, 90))); break;
    }
    gen_buf_puts(b, s);
}

/* Copy s, turning straight apostrophes curly some of the time (whole fragment at once). */
static void put_text(gen_rng *r, gen_buf *b, const char *s, int curly)
{
    for (const char *p = s; *p; p++) {
        if (*p == '\'' && curly)
            gen_buf_put(b, "\xE2\x80\x99", 3);
        else
            gen_buf_put(b, p, 1);
    }
    (void)r;
}

static void put_cap(gen_rng *r, gen_buf *b, const char *s, int curly)
{
    size_t at = b->len;
    put_text(r, b, s, curly);
    if (b->len > at && b->buf[at] >= 'a' && b->buf[at] <= 'z')
        b->buf[at] = (char)(b->buf[at] - 'a' + 'A');
}

static void put_clause(gen_rng *r, gen_buf *b, int mood, int curly, int first)
{
    const char *subj = chance(r, 25) ? PICK(r, companies) : PICK(r, subjects);
    if (first)
        put_cap(r, b, subj, curly);
    else
        put_text(r, b, subj, curly);
    gen_buf_puts(b, " ");
    if (chance(r, 20)) {
        put_text(r, b, PICK(r, hedges), curly);
        gen_buf_puts(b, " ");
    }
    const char *vp;
    switch (chance(r, 25) ? 3 : mood) {
    case 0: vp = PICK(r, pos_vp); break;
    case 1: vp = PICK(r, neg_vp); break;
    case 2: vp = PICK(r, caut_vp); break;
    default: vp = PICK(r, negated_vp); break;
    }
    put_text(r, b, vp, curly);
}

static void put_metric_sentence(gen_rng *r, gen_buf *b, int curly)
{
    put_cap(r, b, PICK(r, metrics), curly);
    gen_buf_puts(b, " ");
    gen_buf_puts(b, PICK(r, moves));
    char num[64];
    switch (gen_below(r, 3)) {
    case 0: snprintf(num, sizeof num, " %u%% to $%u.%u billion in Q%u", 1 + gen_below(r, 40), 1 + gen_below(r, 30),
                     gen_below(r, 10), 1 + gen_below(r, 4)); break;
    case 1: snprintf(num, sizeof num, " %u.%u per cent year on year", gen_below(r, 15), gen_below(r, 10)); break;
    default: snprintf(num, sizeof num, " by %u basis points to %u.%u%%", 5 * (1 + gen_below(r, 40)),
                      gen_below(r, 30), gen_below(r, 10)); break;
    }
    gen_buf_puts(b, num);
    if (chance(r, 30)) {
        gen_buf_puts(b, " against ");
        put_number(r, b);
        gen_buf_puts(b, " a year ago");
    }
    gen_buf_puts(b, ", which is ");
    if (chance(r, 40))
        gen_buf_puts(b, PICK(r, intensifiers));
    gen_buf_puts(b, PICK(r, adjectives));
    gen_buf_puts(b, chance(r, 20) ? "!" : ".");
}

void gen_quote(gen_rng *r, gen_buf *b)
{
    size_t start = b->len, target = 85 + gen_below(r, 171);
    int mood = (int)gen_below(r, 3), curly = chance(r, 35);
    int first = 1;
    while (b->len - start < target) {
        if (!first)
            gen_buf_puts(b, " ");
        switch (gen_below(r, first ? 4 : 7)) {
        case 0:
        case 1:
        case 2:
            {
                /* the clause starts the sentence when the opener is empty */
                const char *op = PICK(r, openers);
                gen_buf_puts(b, op);
                put_clause(r, b, mood, curly, !*op);
            }
            if (chance(r, 40)) {
                gen_buf_puts(b, PICK(r, contrasts));
                put_clause(r, b, (int)gen_below(r, 3), curly, 0);
            }
            gen_buf_puts(b, chance(r, 10) ? "?" : ".");
            break;
        case 3:
            put_metric_sentence(r, b, curly);
            break;
        case 4:
            put_text(r, b, PICK(r, closers), curly);
            break;
        case 5:
            gen_buf_puts(b, "They call it \xE2\x80\x98");
            gen_buf_puts(b, PICK(r, scare_terms));
            gen_buf_puts(b, "\xE2\x80\x99, but I call it ");
            gen_buf_puts(b, mood == 0 ? "smart." : mood == 1 ? "a cover-up." : "a gamble.");
            break;
        default:
            put_cap(r, b, PICK(r, hedges), curly);
            gen_buf_puts(b, ", ");
            put_clause(r, b, mood, curly, 0);
            gen_buf_puts(b, ".");
            break;
        }
        first = 0;
    }
}

/* ------------------------------------------------------------ articles */

static void put_name(gen_rng *r, char *out, size_t size)
{
    snprintf(out, size, "%s %s", PICK(r, first_names), PICK(r, surnames));
}

/* The quote for use inside an article: one generated quote, its final stop replaced by
   a comma when the attribution follows ("…," said X). */
static void put_inline_quote(gen_rng *r, gen_buf *b, int straight, int comma)
{
    gen_buf_puts(b, straight ? "\"" : "\xE2\x80\x9C");
    size_t at = b->len;
    gen_quote(r, b);
    if (comma && b->len > at && (b->buf[b->len - 1] == '.'))
        b->buf[b->len - 1] = ',';
    gen_buf_puts(b, straight ? "\"" : "\xE2\x80\x9D");
}

size_t gen_article(gen_rng *r, gen_buf *b)
{
    char line[512], name[96];
    const char *co = PICK(r, companies);
    size_t nq = 0;
    snprintf(line, sizeof line, PICK(r, headlines), co);
    gen_buf_puts(b, line);
    gen_buf_puts(b, "\n\nLONDON (Wire) - ");
    int paras = 3 + (int)gen_below(r, 4);
    for (int p = 0; p < paras; p++) {
        int sents = 2 + (int)gen_below(r, 3);
        for (int s = 0; s < sents; s++) {
            snprintf(line, sizeof line, PICK(r, prose), co);
            gen_buf_puts(b, line);
            gen_buf_puts(b, " ");
        }
        int straight = chance(r, 50);
        put_name(r, name, sizeof name);
        switch (gen_below(r, 3)) {
        case 0: /* "…," said Name, role at Org. */
            put_inline_quote(r, b, straight, 1);
            snprintf(line, sizeof line, " %s %s, %s at %s.", PICK(r, cue_verbs), name, PICK(r, roles), PICK(r, firms));
            gen_buf_puts(b, line);
            break;
        case 1: /* Name, the role at Org, said: "…" */
            snprintf(line, sizeof line, "%s, %s at %s, said: ", name, PICK(r, roles), PICK(r, firms));
            gen_buf_puts(b, line);
            put_inline_quote(r, b, straight, 0);
            break;
        default: /* "…," Name said. */
            put_inline_quote(r, b, straight, 1);
            snprintf(line, sizeof line, " %s said.", name);
            gen_buf_puts(b, line);
            break;
        }
        nq++;
        gen_buf_puts(b, "\n\n");
    }
    gen_buf_puts(b, PICK(r, box_titles));
    gen_buf_puts(b, "\n\n");
    int voices = 2 + (int)gen_below(r, 4);
    for (int v = 0; v < voices; v++) {
        put_name(r, name, sizeof name);
        snprintf(line, sizeof line, "%s, %s at %s: ", name, PICK(r, roles), PICK(r, firms));
        gen_buf_puts(b, line);
        put_inline_quote(r, b, chance(r, 50), 0);
        gen_buf_puts(b, "\n\n");
        nq++;
    }
    return nq;
}
