/*
 * main.c — the stance command line: score, segment, train, eval, bench.
 *
 * The only part of stance that prints or exits. Exit status: 0 success, 1 bad input
 * or usage (the message names the file, line and byte), 2 internal error.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "cli.h"
#include "internal.h"
#include "lines.h"
#include "out.h"
#include "progress.h"
#include "stance.h"
#include <libsvm/svm.h>

/* ------------------------------------------------------------ shared helpers */

const char *prog = "stance";

void die_status(stance_status st, const stance_error *err)
{
    char buf[700];
    fprintf(stderr, "%s: %s\n", prog, stance_error_format(err, buf, sizeof buf));
    exit(st == STANCE_E_INPUT || st == STANCE_E_IO || st == STANCE_E_MODEL || st == STANCE_E_ARG ? 1 : 2);
}

void usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "%s%s%s: ", prog, cmd ? " " : "", cmd ? cmd : "");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry '%s %s--help'.\n", prog, cmd ? cmd : "");
    exit(1);
}

static int file_exists(const char *p)
{
    struct stat st;
    return p && *p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* --model, else $STANCE_MODEL, else the installed data dir, else beside the executable, else the source tree. */
const char *find_model(const char *given)
{
    if (given)
        return given;
    const char *env = getenv("STANCE_MODEL");
    if (env && *env)
        return env;
    if (file_exists(STANCE_INSTALLED_MODEL))
        return STANCE_INSTALLED_MODEL;
    static char exe_rel[PATH_MAX + 64];
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = 0;
            snprintf(exe_rel, sizeof exe_rel, "%s/../share/stance/stance.model", exe);
            if (file_exists(exe_rel))
                return exe_rel;
        }
    }
    return STANCE_SOURCE_MODEL;
}

stance_model *load_model(const char *given)
{
    const char *path = find_model(given);
    stance_model *m = NULL;
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_model_load(path, &m, &err);
    if (st)
        die_status(st, &err);
    return m;
}

/* Read a whole file (or stdin for "-"). Exits 1 with a message on failure. */
char *read_file(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", prog, path, strerror(errno));
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fprintf(stderr, "%s: %s: out of memory\n", prog, path);
            exit(2);
        }
        size_t r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
        if (r == 0)
            break;
        if (n + 1 == cap) {
            if (cap >= (size_t)1 << 31) {
                fprintf(stderr, "%s: %s: larger than 2 GiB\n", prog, path);
                exit(1);
            }
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: %s: read error: %s\n", prog, path, strerror(errno));
        exit(1);
    }
    if (f != stdin)
        fclose(f);
    buf[n] = 0;
    *len = n;
    return buf;
}

/* 1-based line and 0-based byte-in-line of a byte offset. */
void line_of(const char *buf, size_t off, long *line, long *col)
{
    long l = 1;
    size_t last = 0;
    for (size_t i = 0; i < off; i++)
        if (buf[i] == '\n') {
            l++;
            last = i + 1;
        }
    *line = l;
    *col = (long)(off - last);
}

/* Check an article: not empty, valid UTF-8 unless lossy. Exits 1 on failure. */
void check_article(const char *path, const char *buf, size_t len, int lossy)
{
    if (len == 0) {
        fprintf(stderr, "%s: %s: empty file\n", prog, path);
        exit(1);
    }
    size_t bad = stance__utf8_check(buf, len);
    if (bad < len && !lossy) {
        long line, col;
        line_of(buf, bad, &line, &col);
        fprintf(stderr,
                "%s: %s:%ld: byte %zu (column byte %ld): invalid UTF-8 (use --lossy to replace invalid bytes)\n",
                prog, path, line, bad, col);
        exit(1);
    }
}

/* Expand directories into their regular files, sorted by name. */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char **expand_inputs(char **in, int nin, int *nout)
{
    size_t cap = 16, n = 0;
    char **outv = malloc(cap * sizeof *outv);
    for (int i = 0; i < nin; i++) {
        struct stat st;
        if (strcmp(in[i], "-") && stat(in[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            DIR *d = opendir(in[i]);
            if (!d) {
                fprintf(stderr, "%s: %s: cannot open directory: %s\n", prog, in[i], strerror(errno));
                exit(1);
            }
            size_t first = n;
            struct dirent *e;
            while ((e = readdir(d))) {
                if (e->d_name[0] == '.')
                    continue;
                size_t l = strlen(in[i]) + strlen(e->d_name) + 2;
                char *p = malloc(l);
                snprintf(p, l, "%s/%s", in[i], e->d_name);
                struct stat fs;
                if (stat(p, &fs) || !S_ISREG(fs.st_mode)) {
                    free(p);
                    continue;
                }
                if (n == cap)
                    outv = realloc(outv, (cap *= 2) * sizeof *outv);
                outv[n++] = p;
            }
            closedir(d);
            qsort(outv + first, n - first, sizeof *outv, cmp_str);
        } else {
            if (n == cap)
                outv = realloc(outv, (cap *= 2) * sizeof *outv);
            outv[n++] = strdup(in[i]);
        }
    }
    *nout = (int)n;
    return outv;
}

int parse_int_arg(const char *cmd, const char *flag, const char *v, int lo, int hi)
{
    char *end;
    errno = 0;
    long x = v ? strtol(v, &end, 10) : 0;
    if (!v || !*v || *end || errno || x < lo || x > hi) {
        fprintf(stderr, "%s %s: %s needs an integer in %d..%d\nTry '%s %s --help'.\n", prog, cmd, flag, lo, hi, prog,
                cmd);
        exit(1);
    }
    return (int)x;
}

int parse_format(const char *cmd, const char *v)
{
    if (!v)
        usage_error(cmd, "%s", "--format needs json|jsonl|tsv|table");
    if (!strcmp(v, "json"))
        return FMT_JSON;
    if (!strcmp(v, "jsonl"))
        return FMT_JSONL;
    if (!strcmp(v, "tsv"))
        return FMT_TSV;
    if (!strcmp(v, "table"))
        return FMT_TABLE;
    usage_error(cmd, "unknown --format '%s' (json|jsonl|tsv|table)", v);
    return FMT_JSON;
}

int default_format(void) { return isatty(fileno(stdout)) ? FMT_TABLE : FMT_JSON; }

int use_color(void)
{
    const char *nc = getenv("NO_COLOR");
    return isatty(fileno(stdout)) && !(nc && *nc);
}

/* ------------------------------------------------------------ help */

static const char *main_help =
    "usage: stance COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "Find the named voices in business news and label their stance:\n"
    "bullish, critical or cautious.\n"
    "\n"
    "commands:\n"
    "  score     label the voices of articles, a JSONL stream of quotes, or plain lines\n"
    "  segment   list the voices of articles (speaker, role, org, quote, offsets)\n"
    "  train     train a model bundle from labelled JSONL\n"
    "  eval      measure a model on labelled JSONL\n"
    "  bench     time every stage in process on generated news text\n"
    "\n"
    "options:\n"
    "  --help        this text; 'stance COMMAND --help' for a command\n"
    "  --version     print the version and exit\n"
    "\n"
    "exit status: 0 success, 1 bad input or usage, 2 internal error\n";

int main(int argc, char **argv)
{
    stance_error err;
    stance_error_clear(&err);
    stance_status st = stance_check_runtime(&err);
    if (st)
        die_status(STANCE_E_INTERNAL, &err);
    if (argc < 2) {
        fputs(main_help, stderr);
        return 1;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(main_help, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("stance %s (libsvm %d, jansson %s)\n", stance_version(), libsvm_version, jansson_version_str());
        return 0;
    }
    if (!strcmp(cmd, "score"))
        return cmd_score(argc - 1, argv + 1);
    if (!strcmp(cmd, "segment"))
        return cmd_segment(argc - 1, argv + 1);
    if (!strcmp(cmd, "train"))
        return cmd_train(argc - 1, argv + 1);
    if (!strcmp(cmd, "eval"))
        return cmd_eval(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench")) {
        /* the harness of bench/stance_bench.c, with the model found as for every command */
        const stance_bench_host host = {"stance bench", find_model,
                                        "$STANCE_MODEL, then the installed or shipped model, as for score"};
        return stance_bench_main(argc - 1, argv + 1, &host);
    }
    usage_error(NULL, "unknown command '%s'", cmd);
    return 1;
}
