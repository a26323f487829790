/* util.c — errors, the allocation hook, UTF-8 checks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

stance_status stance__err(stance_error *err, stance_status status, const char *file, long line,
                          long byte, const char *fmt, ...)
{
    if (!err || err->status != STANCE_OK)
        return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    err->byte = byte;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->text, sizeof err->text, fmt, ap);
    va_end(ap);
    return status;
}

void stance_error_clear(stance_error *err)
{
    if (!err)
        return;
    memset(err, 0, sizeof *err);
    err->byte = -1;
}

const char *stance_status_string(stance_status s)
{
    switch (s) {
    case STANCE_OK: return "ok";
    case STANCE_E_IO: return "i/o error";
    case STANCE_E_INPUT: return "bad input";
    case STANCE_E_MODEL: return "bad model";
    case STANCE_E_ARG: return "bad argument";
    case STANCE_E_NOMEM: return "out of memory";
    case STANCE_E_CANCELLED: return "cancelled";
    case STANCE_E_INTERNAL: return "internal error";
    }
    return "unknown status";
}

const char *stance_error_format(const stance_error *err, char *buf, size_t size)
{
    if (!buf || size == 0)
        return buf;
    if (!err) {
        snprintf(buf, size, "no error");
        return buf;
    }
    size_t n = 0;
    buf[0] = 0;
#define PUT(...)                                                                                  \
    do {                                                                                          \
        int w_ = snprintf(buf + n, size - n, __VA_ARGS__);                                        \
        if (w_ > 0)                                                                               \
            n += (size_t)w_ < size - n ? (size_t)w_ : size - n - 1;                               \
    } while (0)
    if (err->file[0]) {
        PUT("%s:", err->file);
        if (err->line > 0)
            PUT("%ld:", err->line);
        PUT(" ");
    }
    if (err->byte >= 0)
        PUT("byte %ld: ", err->byte);
    PUT("%s", err->text[0] ? err->text : stance_status_string(err->status));
#undef PUT
    return buf;
}

/* ---- allocation hook */

static _Thread_local size_t alloc_count, alloc_fail_k;

size_t stance__alloc_fail_at(size_t k)
{
    size_t c = alloc_count;
    alloc_count = 0;
    alloc_fail_k = k;
    return c;
}

static int alloc_should_fail(void)
{
    alloc_count++;
    return alloc_fail_k && alloc_count == alloc_fail_k;
}

void *stance__malloc(size_t n) { return alloc_should_fail() ? NULL : malloc(n ? n : 1); }
void *stance__calloc(size_t n, size_t size)
{
    return alloc_should_fail() ? NULL : calloc(n ? n : 1, size ? size : 1);
}
void *stance__realloc(void *p, size_t n) { return alloc_should_fail() ? NULL : realloc(p, n ? n : 1); }
void stance__free(void *p) { free(p); }

/* ---- UTF-8 */

size_t stance__utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0;
    if (c < 0xE0) {
        if (avail < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        return 2;
    }
    if (c < 0xF0) {
        if (avail < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
            return 0;
        if (c == 0xE0 && s[1] < 0xA0)
            return 0; /* overlong */
        if (c == 0xED && s[1] >= 0xA0)
            return 0; /* surrogate */
        return 3;
    }
    if (c < 0xF5) {
        if (avail < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        if (c == 0xF0 && s[1] < 0x90)
            return 0;
        if (c == 0xF4 && s[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

size_t stance__utf8_check(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (u[i] < 0x80) {
            i++;
            continue;
        }
        size_t n = stance__utf8_seq(u + i, len - i);
        if (!n)
            return i;
        i += n;
    }
    return len;
}
