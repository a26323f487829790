/* progress.c — a one-line progress bar on stderr, only when stderr is a terminal. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void progress_init(progress *p, const char *what, int enabled)
{
    p->what = what;
    p->enabled = enabled && isatty(fileno(stderr));
    p->t0 = now();
    p->last = 0;
    p->shown = 0;
}

void progress_update(progress *p, const char *stage, size_t done, size_t total)
{
    if (!p->enabled)
        return;
    double t = now();
    if (t - p->last < 0.1 && done != total)
        return;
    p->last = t;
    double el = t - p->t0, rate = el > 0 ? (double)done / el : 0;
    double eta = rate > 0 && total > done ? (double)(total - done) / rate : 0;
    int width = 30, fill = total ? (int)((double)width * (double)done / (double)total) : 0;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[width] = 0;
    fprintf(stderr, "\r%s %-18s [%s] %zu/%zu  %.1f/s  %.0fs elapsed  ~%.0fs left ", p->what, stage ? stage : "", bar,
            done, total, rate, el, eta);
    fflush(stderr);
    p->shown = 1;
}

void progress_done(progress *p)
{
    if (p->enabled && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    }
}

int progress_callback(void *user, const char *stage, size_t done, size_t total)
{
    progress_update(user, stage, done, total);
    return 0;
}
