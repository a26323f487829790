/*
 * fuzz_dataset — the training-data reader (stance__dataset_read) on a file holding
 * the bytes: strict, --skip-invalid with a split, texts only, and with a NULL error
 * (the public API accepts NULL everywhere).
 *
 * Promises: success gives n >= 1 examples, each a NUL-terminated valid-UTF-8 text of
 * its length with a label in range and a line number in the file; failure gives an
 * error naming the file, and frees everything (LeakSanitizer checks).
 */
#include <unistd.h>

#include "fuzz_common.h"
#include "train.h"

static char fd_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(fd_path, sizeof fd_path, "/tmp/stance-fuzz-dataset-%ld.jsonl", (long)getpid());
    return 0;
}

static void fd_check(stance_status st, const stance__dataset *d, const stance_error *err, int labelled, long nlines)
{
    if (st != STANCE_OK) {
        FUZZ_CHECK(d->n == 0 && d->ex == NULL);
        if (err) {
            FUZZ_CHECK(err->status == st);
            FUZZ_CHECK(!strcmp(err->file, fd_path));
            FUZZ_CHECK(err->line >= 0 && err->line <= nlines + 1);
        }
        return;
    }
    FUZZ_CHECK(d->n >= 1);
    long prev = 0;
    for (size_t i = 0; i < d->n; i++) {
        const stance__example *e = &d->ex[i];
        FUZZ_CHECK(e->text != NULL && e->text[e->len] == 0 && e->len > 0);
        fuzz_touch(e->text, e->len);
        FUZZ_CHECK(e->line > prev && e->line <= nlines + 1);
        prev = e->line;
        if (labelled)
            FUZZ_CHECK(e->label >= 0 && e->label < 3);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fd_path, "wb");
    FUZZ_CHECK(f != NULL);
    FUZZ_CHECK(fwrite(data, 1, size, f) == size);
    FUZZ_CHECK(fclose(f) == 0);
    long nlines = 0;
    for (size_t i = 0; i < size; i++)
        nlines += data[i] == '\n' || data[i] == '\r';

    static const char *const labels[] = {"bullish", "critical", "cautious"};
    stance__dataset d;
    stance_error err;

    stance_error_clear(&err);
    stance_status st = stance__dataset_read(fd_path, labels, 3, NULL, 0, &d, &err);
    fd_check(st, &d, &err, 1, nlines);
    stance__dataset_free(&d);

    stance_error_clear(&err);
    st = stance__dataset_read(fd_path, labels, 3, "train", 1, &d, &err);
    fd_check(st, &d, &err, 1, nlines);
    stance__dataset_free(&d);

    stance_error_clear(&err);
    st = stance__dataset_read(fd_path, NULL, 0, NULL, 0, &d, &err);
    fd_check(st, &d, &err, 0, nlines);
    stance__dataset_free(&d);

    st = stance__dataset_read(fd_path, labels, 3, NULL, 0, &d, NULL);
    fd_check(st, &d, NULL, 1, nlines);
    stance__dataset_free(&d);
    return 0;
}
