/*
 * lines.h — a line reader for JSONL and plain-text inputs.
 *
 * Reads any bytes: LF, CRLF and CR-only line ends; a UTF-8 byte-order mark at the start
 * is skipped; NUL bytes are kept in the line (callers see the length). Memory grows with
 * the longest line only, up to max_line bytes (beyond that: an error naming the line).
 */
#ifndef STANCE_LINES_H
#define STANCE_LINES_H

#include <stdio.h>

#include "stance.h"

typedef struct {
    FILE *f;
    const char *name;
    char *buf;
    size_t cap, len;
    long lineno;
    size_t max_line;
    int pending_cr; /* last line ended in CR: swallow a following LF */
    int at_start;
    int eof;
    char *rbuf;     /* read-ahead buffer */
    size_t rpos, rlen;
} stance_lines;

STANCE_EXPORT void stance_lines_init(stance_lines *r, FILE *f, const char *name, size_t max_line);
/* 1: a line is in r->buf[0..r->len) (NUL-terminated); 0: end of input; -1: error in err. */
STANCE_EXPORT int stance_lines_next(stance_lines *r, stance_error *err);
STANCE_EXPORT void stance_lines_free(stance_lines *r);

#endif
