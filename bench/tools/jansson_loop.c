/*
 * jansson_loop.c — the floor for `stance score --quotes`: read JSONL lines, parse each
 * with jansson, look up "id" and "text", and write the parsed object back as one compact
 * JSON line (json_dumpb). No scoring. Reads FILE (or stdin), writes stdout.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    FILE *f = argc > 1 && strcmp(argv[1], "-") ? fopen(argv[1], "rb") : stdin;
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    char *line = NULL, *out = NULL;
    size_t cap = 0, ocap = 0, lines = 0, text_bytes = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        json_error_t je;
        json_t *doc = json_loadb(line, (size_t)n, 0, &je);
        if (!doc) {
            fprintf(stderr, "jansson_loop: line %zu: %s\n", lines + 1, je.text);
            return 1;
        }
        json_t *t = json_object_get(doc, "text");
        json_t *id = json_object_get(doc, "id");
        text_bytes += json_string_length(t) + (id != NULL);
        size_t need = json_dumpb(doc, NULL, 0, JSON_COMPACT);
        if (need + 1 > ocap) {
            ocap = (need + 1) * 2;
            out = realloc(out, ocap);
            if (!out)
                return 2;
        }
        json_dumpb(doc, out, need, JSON_COMPACT);
        out[need] = '\n';
        fwrite(out, 1, need + 1, stdout);
        json_decref(doc);
        lines++;
    }
    free(line);
    free(out);
    if (f != stdin)
        fclose(f);
    fprintf(stderr, "jansson_loop: %zu lines, %zu text bytes\n", lines, text_bytes);
    return fflush(stdout) || ferror(stdout) ? 1 : 0;
}
