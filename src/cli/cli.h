/* cli.h — shared pieces of the command line. */
#ifndef STANCE_CLI_H
#define STANCE_CLI_H

#include <stddef.h>

#include "stance.h"

enum { FMT_JSON, FMT_JSONL, FMT_TSV, FMT_TABLE };

extern const char *prog;

void die_status(stance_status st, const stance_error *err) __attribute__((noreturn));
void usage_error(const char *cmd, const char *fmt, const char *arg) __attribute__((noreturn));
const char *find_model(const char *given);
stance_model *load_model(const char *given);
char *read_file(const char *path, size_t *len);
void line_of(const char *buf, size_t off, long *line, long *col);
void check_article(const char *path, const char *buf, size_t len, int lossy);
char **expand_inputs(char **in, int nin, int *nout);
int parse_int_arg(const char *cmd, const char *flag, const char *v, int lo, int hi);
int parse_format(const char *cmd, const char *v);
int default_format(void);
int use_color(void);

int cmd_score(int argc, char **argv);
int cmd_segment(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_eval(int argc, char **argv);

#endif
