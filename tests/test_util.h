/* test_util.h — small helpers shared by the Criterion suites. */
#ifndef STANCE_TEST_UTIL_H
#define STANCE_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>

/* A whole file, NUL-terminated (any bytes; *len gets the size when len is given);
   NULL when it cannot be opened. */
static inline char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0, r;
    char *b = malloc(cap);
    while (b && (r = fread(b + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (n + 1 == cap)
            b = realloc(b, cap *= 2);
    }
    fclose(f);
    if (!b)
        return NULL;
    b[n] = 0;
    if (len)
        *len = n;
    return b;
}

#endif
