/*
 * fuzz_segment — stance_segment on arbitrary bytes.
 *
 * Promises checked: success (the only failure is out of memory); every voice has a
 * quote made of 1+ spans inside the input, in order and not overlapping, joined by one
 * space; start/end are the first and last span bounds; speaker, role and org are null
 * or readable (in the input or in the voices object); confidence in [0, 1]; a rule name.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    stance_voices *v = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_segment((const char *)data, size, &v, &err);
    if (st != STANCE_OK) {
        FUZZ_CHECK(st == STANCE_E_NOMEM && v == NULL && err.status == st);
        return 0;
    }
    size_t n = stance_voices_count(v);
    FUZZ_CHECK(stance_voices_get(v, n) == NULL);
    size_t prev_start = 0;
    for (size_t i = 0; i < n; i++) {
        const stance_voice *vo = stance_voices_get(v, i);
        FUZZ_CHECK(vo != NULL);
        FUZZ_CHECK(vo->nspans >= 1 && vo->spans != NULL);
        FUZZ_CHECK(vo->quote.ptr != NULL);
        FUZZ_CHECK(vo->start == vo->spans[0].start && vo->end == vo->spans[vo->nspans - 1].end);
        size_t joined = 0;
        for (size_t s = 0; s < vo->nspans; s++) {
            const stance_span *sp = &vo->spans[s];
            FUZZ_CHECK(sp->start <= sp->end && sp->end <= size);
            if (s)
                FUZZ_CHECK(vo->spans[s - 1].end <= sp->start);
            FUZZ_CHECK(joined + (sp->end - sp->start) <= vo->quote.len);
            FUZZ_CHECK(!memcmp(vo->quote.ptr + joined, data + sp->start, sp->end - sp->start));
            joined += sp->end - sp->start;
            if (s + 1 < vo->nspans) {
                FUZZ_CHECK(joined < vo->quote.len && vo->quote.ptr[joined] == ' ');
                joined++;
            }
        }
        FUZZ_CHECK(joined == vo->quote.len);
        /* voices come in input order */
        FUZZ_CHECK(i == 0 || vo->start >= prev_start);
        prev_start = vo->start;
        /* names point into the input or into the voices object: readable either way */
        if (vo->speaker.ptr)
            FUZZ_CHECK(vo->speaker.len > 0);
        fuzz_touch(vo->speaker.ptr, vo->speaker.ptr ? vo->speaker.len : 0);
        fuzz_touch(vo->role.ptr, vo->role.ptr ? vo->role.len : 0);
        fuzz_touch(vo->org.ptr, vo->org.ptr ? vo->org.len : 0);
        FUZZ_CHECK(vo->rule != NULL && vo->rule[0]);
        FUZZ_CHECK(vo->confidence >= 0 && vo->confidence <= 1);
    }
    stance_voices_free(v);
    return 0;
}
