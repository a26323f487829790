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
    stance__free(r->rbuf);
    r->buf = r->rbuf = NULL;
    r->cap = 0;
}

#define READ_AHEAD 65536

/* Append n bytes to the line buffer; -1 (error set) when too long or out of memory. */
static int append(stance_lines *r, const char *p, size_t n, stance_error *err)
{
    if (r->len + n > r->max_line) {
        stance__err(err, STANCE_E_INPUT, r->name, r->lineno + 1, (long)r->max_line, "line longer than %zu bytes",
                    r->max_line);
        return -1;
    }
    if (r->len + n + 1 > r->cap) {
        size_t nc = r->cap ? r->cap : 4096;
        while (nc < r->len + n + 1)
            nc *= 2;
        char *nb = stance__realloc(r->buf, nc);
        if (!nb) {
            stance__err(err, STANCE_E_NOMEM, r->name, r->lineno + 1, -1, "out of memory");
            return -1;
        }
        r->buf = nb;
        r->cap = nc;
    }
    memcpy(r->buf + r->len, p, n);
    r->len += n;
    return 0;
}

int stance_lines_next(stance_lines *r, stance_error *err)
{
    r->len = 0;
    int any = 0;
    if (!r->rbuf && !(r->rbuf = stance__malloc(READ_AHEAD))) {
        stance__err(err, STANCE_E_NOMEM, r->name, r->lineno + 1, -1, "out of memory");
        return -1;
    }
    for (;;) {
        if (r->rpos == r->rlen) {
            if (r->eof)
                break;
            r->rlen = fread(r->rbuf, 1, READ_AHEAD, r->f);
            r->rpos = 0;
            if (r->rlen == 0) {
                r->eof = 1;
                break;
            }
        }
        const char *b = r->rbuf + r->rpos, *e = r->rbuf + r->rlen, *p = b;
        if (r->pending_cr) {
            r->pending_cr = 0;
            if (*p == '\n') {
                r->rpos++;
                continue;
            }
        }
        while (p < e && *p != '\n' && *p != '\r')
            p++;
        any = 1;
        if (append(r, b, (size_t)(p - b), err))
            return -1;
        r->rpos += (size_t)(p - b);
        if (p < e) {
            r->pending_cr = *p == '\r';
            r->rpos++;
            break;
        }
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
