/*
 * main.c — the standalone stance_bench program: the harness of stance_bench.c, with the
 * model looked up only at --model or the source tree's models/stance.model. The same
 * harness runs as `stance bench`, which finds the model like the other subcommands.
 */
#include <stddef.h>

#include "bench.h"

#ifndef STANCE_SOURCE_MODEL
#define STANCE_SOURCE_MODEL "models/stance.model"
#endif

static const char *source_model(const char *given) { return given ? given : STANCE_SOURCE_MODEL; }

int main(int argc, char **argv)
{
    const stance_bench_host host = {"stance_bench", source_model, NULL};
    return stance_bench_main(argc, argv, &host);
}
