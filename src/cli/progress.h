/* progress.h — the CLI's progress bar (the library reports progress through a callback). */
#ifndef STANCE_CLI_PROGRESS_H
#define STANCE_CLI_PROGRESS_H
#include <stddef.h>

typedef struct {
    const char *what;
    int enabled, shown;
    double t0, last;
} progress;

void progress_init(progress *p, const char *what, int enabled);
void progress_update(progress *p, const char *stage, size_t done, size_t total);
void progress_done(progress *p);
/* A stance_progress_fn: user is a progress*. Never cancels. */
int progress_callback(void *user, const char *stage, size_t done, size_t total);
#endif
