/*
 * out.h — a growable output buffer with a JSON string writer that always emits valid
 * UTF-8 (invalid input bytes become U+FFFD; offsets elsewhere still count input bytes).
 */
#ifndef STANCE_CLI_OUT_H
#define STANCE_CLI_OUT_H

#include <stddef.h>
#include <stdio.h>

typedef struct {
    char *buf;
    size_t len, cap;
    int oom;
} outbuf;

void out_reserve(outbuf *o, size_t more);
void out_raw(outbuf *o, const char *s, size_t n);
void out_cstr(outbuf *o, const char *s);
void out_char(outbuf *o, char c);
void out_printf(outbuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string literal, quotes included; NULL -> null. */
void out_jstr(outbuf *o, const char *s, size_t n);
void out_jstr_or_null(outbuf *o, const char *s, size_t n);
/* A double with fixed precision, stable across runs. */
void out_num(outbuf *o, double v);
/* Plain text with invalid UTF-8 replaced, and tabs/newlines turned into spaces (for tsv/table). */
void out_text(outbuf *o, const char *s, size_t n);
int out_flush(outbuf *o, FILE *f);
void out_free(outbuf *o);

#endif
