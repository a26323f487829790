/*
 * bench.h — the in-process benchmark harness as a function.
 *
 * One copy of the harness (stance_bench.c, with the text generator gen.c) runs under two
 * names: the `stance bench` subcommand of the CLI, and the standalone stance_bench
 * program (bench/main.c) that bench/whole.sh and bench/peers.sh use. The host says how
 * to name itself in messages and how to find the model when --model is not given.
 */
#ifndef STANCE_BENCH_H
#define STANCE_BENCH_H

typedef struct {
    /* names the program in messages and in the usage text: "stance bench", "stance_bench" */
    const char *prog;
    /* the --model value (NULL when absent) -> the path of the model bundle to load */
    const char *(*find_model)(const char *given);
    /* where the model comes from without --model, for the usage text (NULL: the source tree's) */
    const char *model_help;
} stance_bench_host;

/* Run the harness on argv[1..argc) (argv[0] is the command's own name and is not read).
   Prints the report (or the generated text) on stdout and messages on stderr; returns
   the exit status: 0 success, 1 bad usage or input (an unknown option, a bad count, a
   model that cannot be loaded), 2 internal error. May exit(2) when memory runs out. */
int stance_bench_main(int argc, char **argv, const stance_bench_host *host);

#endif
