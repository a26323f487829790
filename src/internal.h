/*
 * internal.h — helpers shared by the library's modules. Not installed.
 */
#ifndef STANCE_INTERNAL_H
#define STANCE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "stance.h"

#if defined(__GNUC__)
#define STANCE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define STANCE_PRINTF(a, b)
#endif

/* Record an error (first error wins). file may be NULL; line 0 / byte -1 when unknown.
   Returns status so callers can `return stance__err(...)`. */
stance_status stance__err(stance_error *err, stance_status status, const char *file, long line,
                          long byte, const char *fmt, ...) STANCE_PRINTF(6, 7);

/* Allocation through one hook so tests can fail the k-th allocation. */
void *stance__malloc(size_t n);
void *stance__calloc(size_t n, size_t size);
void *stance__realloc(void *p, size_t n);
void stance__free(void *p);

/* Test hook: fail the k-th allocation from now (k >= 1); 0 disables. Returns the count of
   allocations made since the last call. */
STANCE_EXPORT size_t stance__alloc_fail_at(size_t k);

/* UTF-8: length of the valid sequence at s (1..4), or 0 if invalid/truncated/overlong. */
size_t stance__utf8_seq(const unsigned char *s, size_t avail);
/* Offset of the first invalid byte, or len if all valid. */
size_t stance__utf8_check(const char *s, size_t len);

#endif
