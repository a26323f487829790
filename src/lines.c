/* lines.c — see lines.h. */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "lines.h"

void stance_lines_init(stance_lines *r, FILE *f, const char *name, size_t max_line)
{
    memset(r, 0, sizeof *r);
    r->f = f;
    r->name = name;
    r->max_line = max_line ? max_line : (size_t)1 << 30;
    r->at_start = 1;
}

void stance_lines_free(stance_lines *r)
{
    stance__free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}

int stance_lines_next(stance_lines *r, stance_error *err)
{
    r->len = 0;
    int c, any = 0;
    for (;;) {
        c = getc_unlocked(r->f);
        if (c == EOF)
            break;
        if (r->pending_cr) {
            r->pending_cr = 0;
            if (c == '\n')
                continue;
        }
        any = 1;
        if (c == '\n')
            break;
        if (c == '\r') {
            r->pending_cr = 1;
            break;
        }
        if (r->len == r->max_line) {
            stance__err(err, STANCE_E_INPUT, r->name, r->lineno + 1, (long)r->len,
                        "line longer than %zu bytes", r->max_line);
            return -1;
        }
        if (r->len + 2 > r->cap) {
            size_t nc = r->cap ? r->cap * 2 : 4096;
            char *nb = stance__realloc(r->buf, nc);
            if (!nb) {
                stance__err(err, STANCE_E_NOMEM, r->name, r->lineno + 1, -1, "out of memory");
                return -1;
            }
            r->buf = nb;
            r->cap = nc;
        }
        r->buf[r->len++] = (char)c;
    }
    if (ferror(r->f)) {
        stance__err(err, STANCE_E_IO, r->name, r->lineno + 1, -1, "read error: %s", strerror(errno));
        return -1;
    }
    if (!any)
        return 0;
    if (!r->buf) {
        r->buf = stance__malloc(16);
        if (!r->buf) {
            stance__err(err, STANCE_E_NOMEM, r->name, r->lineno + 1, -1, "out of memory");
            return -1;
        }
        r->cap = 16;
    }
    r->buf[r->len] = 0;
    r->lineno++;
    if (r->at_start) {
        r->at_start = 0;
        if (r->len >= 3 && !memcmp(r->buf, "\xEF\xBB\xBF", 3)) {
            memmove(r->buf, r->buf + 3, r->len - 2);
            r->len -= 3;
        }
    }
    return 1;
}
