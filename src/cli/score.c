/*
 * score.c — `stance score` and `stance segment`.
 *
 * Three inputs: articles (files, folders, or "-"), a JSONL stream of quotes (--quotes)
 * and plain lines (--lines). Streams are read in batches of at most BATCH_LINES lines or
 * BATCH_BYTES bytes; with -j N each batch is cut into N contiguous runs scored by N
 * threads into their own buffers, which are written in input order, so the output is
 * byte-identical whatever N is, and memory is bounded by the batch, not the input.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "internal.h"
#include "lines.h"
#include "out.h"
#include "progress.h"
#include "jsonline.h"
#include "segeval.h"

enum { MODE_ARTICLES, MODE_QUOTES, MODE_LINES };
#define BATCH_LINES 8192
#define BATCH_BYTES ((size_t)8 << 20)
#define MAX_LINE ((size_t)16 << 20) /* a stream line (one quote) longer than 16 MiB is bad input */
#define MAX_THREADS 64

typedef struct {
    const stance_model *m; /* NULL for segment */
    int mode, fmt, explain_k, color, lossy;
} opts;

typedef struct {
    char *text; /* owned */
    size_t len;
    long lineno;          /* streams: line number */
    const char *source;   /* articles: path */
} item;

typedef struct {
    const opts *o;
    item *items;
    size_t begin, end;
    outbuf out;
    stance_scratch *scratch;
    jl_scratch jl; /* decoded strings of --quotes lines read by the fast path */
    /* the first error in this run */
    int failed;
    size_t fail_at;
    char msg[600];
} worker;

static const char *const label_color[] = {"\033[32m", "\033[31m", "\033[33m"};

static void put_probs(outbuf *o, const stance_model *m, const stance_result *r)
{
    out_cstr(o, "\"label\":");
    out_jstr(o, stance_model_label(m, (size_t)r->label), strlen(stance_model_label(m, (size_t)r->label)));
    out_cstr(o, ",\"confidence\":");
    out_num(o, r->confidence);
    out_cstr(o, ",\"probabilities\":{");
    for (size_t i = 0; i < stance_model_nlabels(m); i++) {
        if (i)
            out_char(o, ',');
        out_jstr(o, stance_model_label(m, i), strlen(stance_model_label(m, i)));
        out_char(o, ':');
        out_num(o, r->prob[i]);
    }
    out_char(o, '}');
}

static void put_evidence(outbuf *o, const opts *op, stance_scratch *s, const char *text, size_t len,
                         const stance_result *r)
{
    stance_evidence ev[64];
    size_t n = 0, k = (size_t)op->explain_k;
    if (k > 64)
        k = 64;
    stance_explain(op->m, s, text, len, r, ev, k, &n, NULL);
    out_cstr(o, ",\"evidence\":[");
    for (size_t i = 0; i < n; i++) {
        const char *t = text + ev[i].span.start;
        size_t tl = ev[i].span.end > ev[i].span.start ? ev[i].span.end - ev[i].span.start : 0;
        if (i)
            out_char(o, ',');
        /* feature: kind-tagged text, e.g. NEG:"reckless"; plain words and n-grams as "text" */
        outbuf f = {0};
        const char *kind = ev[i].kind;
        int plain = !strcmp(kind, "word") || !strcmp(kind, "bigram") || !strcmp(kind, "trigram");
        if (!plain) {
            out_cstr(&f, kind);
            out_char(&f, ':');
        }
        out_char(&f, '"');
        out_text(&f, t, tl);
        out_char(&f, '"');
        out_cstr(o, "{\"feature\":");
        out_jstr(o, f.buf, f.len);
        out_free(&f);
        out_cstr(o, ",\"kind\":");
        out_jstr(o, kind, strlen(kind));
        out_cstr(o, ",\"text\":");
        out_jstr(o, t, tl);
        out_cstr(o, ",\"weight\":");
        out_num(o, ev[i].contribution);
        out_char(o, '}');
    }
    out_char(o, ']');
}

static void fail(worker *w, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(worker *w, size_t at, const char *fmt, ...)
{
    if (w->failed)
        return;
    w->failed = 1;
    w->fail_at = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
}

/* ---- streams */

/* The id as jansson reads it (id), or as the fast path read it (fq, when id is NULL). */
static void put_id(outbuf *o, json_t *id, const jl_quote *fq)
{
    if (!id) {
        if (fq->id_kind == JL_ID_STRING)
            out_jstr(o, fq->id, fq->idlen);
        else
            out_raw(o, fq->id, fq->idlen); /* an integer, true, false or null, as jansson prints it */
        return;
    }
    if (json_is_string(id))
        out_jstr(o, json_string_value(id), json_string_length(id));
    else {
        char *s = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
        out_cstr(o, s ? s : "null");
        free(s);
    }
}

static void stream_one(worker *w, size_t i, const char *name)
{
    const opts *op = w->o;
    item *it = &w->items[i];
    const char *text = it->text;
    size_t len = it->len;
    json_t *doc = NULL, *id = NULL;
    jl_quote fq = {0};
    if (op->mode == MODE_QUOTES && jl_parse(it->text, it->len, &w->jl, &fq) == 1) {
        text = fq.text;
        len = fq.len;
    } else if (op->mode == MODE_QUOTES) {
        json_error_t je;
        doc = json_loadb(it->text, it->len, 0, &je);
        if (!doc) {
            fail(w, i, "%s:%ld: byte %d: not JSON: %s", name, it->lineno, je.position, je.text);
            return;
        }
        json_t *t = json_object_get(doc, "text");
        if (!json_is_object(doc) || !json_is_string(t)) {
            fail(w, i, "%s:%ld: byte 0: %s", name, it->lineno,
                 json_is_object(doc) ? "missing \"text\" string" : "not a JSON object");
            json_decref(doc);
            return;
        }
        text = json_string_value(t);
        len = json_string_length(t);
        id = json_object_get(doc, "id");
    } else {
        size_t bad = stance__utf8_check(text, len);
        if (bad < len && !op->lossy) {
            fail(w, i, "%s:%ld: byte %zu: invalid UTF-8 (use --lossy to score anyway)", name, it->lineno, bad);
            return;
        }
    }
    stance_result r;
    stance_score(op->m, w->scratch, text, len, &r, NULL);
    outbuf *o = &w->out;
    if (op->fmt == FMT_TSV || op->fmt == FMT_TABLE) {
        if (id || fq.id_kind)
            put_id(o, id, &fq);
        else
            out_printf(o, "%ld", it->lineno);
        const char *lab = stance_model_label(op->m, (size_t)r.label);
        if (op->fmt == FMT_TABLE && op->color)
            out_printf(o, "\t%s%-8s\033[0m\t%.3f\n", label_color[r.label % 3], lab, r.confidence);
        else
            out_printf(o, "\t%s\t%.6f\n", lab, r.confidence);
    } else {
        out_char(o, '{');
        if (id || fq.id_kind) {
            out_cstr(o, "\"id\":");
            put_id(o, id, &fq);
        } else {
            out_printf(o, "\"line\":%ld", it->lineno);
        }
        out_char(o, ',');
        put_probs(o, op->m, &r);
        if (op->explain_k > 0)
            put_evidence(o, op, w->scratch, text, len, &r);
        out_cstr(o, "}\n");
    }
    json_decref(doc);
}

/* ---- articles */

static size_t utf8_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void put_cell(outbuf *o, const char *s, size_t n, size_t width)
{
    if (!s) {
        s = "-";
        n = 1;
    }
    size_t w = utf8_width(s, n);
    if (w > width) {
        /* cut at a character boundary, leave room for the ellipsis */
        size_t keep = 0, cw = 0;
        while (keep < n && cw < width - 1) {
            keep++;
            while (keep < n && ((unsigned char)s[keep] & 0xC0) == 0x80)
                keep++;
            cw++;
        }
        out_text(o, s, keep);
        out_cstr(o, "\xE2\x80\xA6");
        w = width;
    } else {
        out_text(o, s, n);
    }
    for (; w < width; w++)
        out_char(o, ' ');
}

static void article_one(worker *w, size_t i)
{
    const opts *op = w->o;
    item *it = &w->items[i];
    stance_voices *vs = NULL;
    stance_error err;
    stance_error_clear(&err);
    if (stance_segment(it->text, it->len, &vs, &err)) {
        char b[600];
        fail(w, i, "%s: %s", it->source, stance_error_format(&err, b, sizeof b));
        return;
    }
    outbuf *o = &w->out;
    size_t n = stance_voices_count(vs);
    if (op->fmt == FMT_TSV || op->fmt == FMT_TABLE) {
        if (op->fmt == FMT_TABLE)
            out_printf(o, "%s%s%s  (%zu voice%s)\n", op->color ? "\033[1m" : "", it->source, op->color ? "\033[0m" : "",
                       n, n == 1 ? "" : "s");
        for (size_t v = 0; v < n; v++) {
            const stance_voice *vo = stance_voices_get(vs, v);
            stance_result r;
            if (op->m)
                stance_score(op->m, w->scratch, vo->quote.ptr, vo->quote.len, &r, NULL);
            if (op->fmt == FMT_TSV) {
                out_text(o, it->source, strlen(it->source));
                out_char(o, '\t');
                if (vo->speaker.ptr)
                    out_text(o, vo->speaker.ptr, vo->speaker.len);
                out_char(o, '\t');
                if (vo->role.ptr)
                    out_text(o, vo->role.ptr, vo->role.len);
                out_char(o, '\t');
                if (vo->org.ptr)
                    out_text(o, vo->org.ptr, vo->org.len);
                out_printf(o, "\t%zu\t%zu\t", vo->start, vo->end);
                if (op->m)
                    out_printf(o, "%s\t%.6f\t", stance_model_label(op->m, (size_t)r.label), r.confidence);
                out_text(o, vo->quote.ptr, vo->quote.len);
                out_char(o, '\n');
            } else {
                out_cstr(o, "  ");
                put_cell(o, vo->speaker.ptr, vo->speaker.len, 22);
                out_cstr(o, "  ");
                if (op->m) {
                    const char *lab = stance_model_label(op->m, (size_t)r.label);
                    if (op->color)
                        out_cstr(o, label_color[r.label % 3]);
                    put_cell(o, lab, strlen(lab), 8);
                    if (op->color)
                        out_cstr(o, "\033[0m");
                    out_printf(o, "  %4.2f  ", r.confidence);
                }
                put_cell(o, vo->quote.ptr, vo->quote.len, 60);
                out_char(o, '\n');
            }
        }
        stance_voices_free(vs);
        return;
    }
    const char *nl = op->fmt == FMT_JSON ? "\n" : "";
    const char *ind = op->fmt == FMT_JSON ? "    " : "";
    out_cstr(o, "{");
    out_cstr(o, op->fmt == FMT_JSON ? "\n  " : "");
    out_cstr(o, "\"source\":");
    out_jstr(o, it->source, strlen(it->source));
    out_cstr(o, ",");
    out_cstr(o, op->fmt == FMT_JSON ? "\n  " : "");
    out_cstr(o, "\"voices\":[");
    for (size_t v = 0; v < n; v++) {
        const stance_voice *vo = stance_voices_get(vs, v);
        out_cstr(o, v ? "," : "");
        out_cstr(o, nl);
        out_cstr(o, ind);
        out_cstr(o, "{\"speaker\":");
        out_jstr_or_null(o, vo->speaker.ptr, vo->speaker.len);
        out_cstr(o, ",\"role\":");
        out_jstr_or_null(o, vo->role.ptr, vo->role.len);
        out_cstr(o, ",\"org\":");
        out_jstr_or_null(o, vo->org.ptr, vo->org.len);
        out_cstr(o, ",\"quote\":");
        out_jstr(o, vo->quote.ptr, vo->quote.len);
        out_printf(o, ",\"start\":%zu,\"end\":%zu,\"spans\":[", vo->start, vo->end);
        for (size_t s = 0; s < vo->nspans; s++)
            out_printf(o, "%s[%zu,%zu]", s ? "," : "", vo->spans[s].start, vo->spans[s].end);
        out_cstr(o, "],\"rule\":");
        out_jstr(o, vo->rule ? vo->rule : "", vo->rule ? strlen(vo->rule) : 0);
        out_cstr(o, ",\"attribution_confidence\":");
        out_num(o, vo->confidence);
        if (op->m) {
            stance_result r;
            stance_score(op->m, w->scratch, vo->quote.ptr, vo->quote.len, &r, NULL);
            out_char(o, ',');
            put_probs(o, op->m, &r);
            if (op->explain_k > 0)
                put_evidence(o, op, w->scratch, vo->quote.ptr, vo->quote.len, &r);
        }
        out_char(o, '}');
    }
    if (n)
        out_cstr(o, op->fmt == FMT_JSON ? "\n  " : "");
    out_cstr(o, "]");
    out_cstr(o, op->fmt == FMT_JSON ? "\n}\n" : "}\n");
    stance_voices_free(vs);
}

/* ---- the worker pool */

static const char *stream_name;

static void *run_worker(void *arg)
{
    worker *w = arg;
    for (size_t i = w->begin; i < w->end && !w->failed; i++) {
        if (w->o->mode == MODE_ARTICLES)
            article_one(w, i);
        else
            stream_one(w, i, stream_name);
    }
    return NULL;
}

/* Score items[0..n) with nthreads workers; write output in order. Returns 0, or 1 after
   printing the first error (output for every earlier item is written first). */
static int run_batch(worker *ws, int nthreads, item *items, size_t n)
{
    int t = nthreads;
    if ((size_t)t > n)
        t = n ? (int)n : 1;
    pthread_t th[MAX_THREADS];
    size_t per = n / (size_t)t, extra = n % (size_t)t, pos = 0;
    for (int i = 0; i < t; i++) {
        ws[i].items = items;
        ws[i].begin = pos;
        pos += per + ((size_t)i < extra);
        ws[i].end = pos;
        ws[i].failed = 0;
        ws[i].out.len = 0;
        if (t > 1 && pthread_create(&th[i], NULL, run_worker, &ws[i])) {
            fprintf(stderr, "%s: cannot start a thread\n", prog);
            exit(2);
        }
    }
    if (t == 1)
        run_worker(&ws[0]);
    else
        for (int i = 0; i < t; i++)
            pthread_join(th[i], NULL);
    for (int i = 0; i < t; i++) {
        if (out_flush(&ws[i].out, stdout)) {
            fprintf(stderr, "%s: cannot write output\n", prog);
            exit(1);
        }
        if (ws[i].failed) {
            fflush(stdout);
            fprintf(stderr, "%s: %s\n", prog, ws[i].msg);
            return 1;
        }
    }
    return 0;
}

static void free_items(item *items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(items[i].text);
}

static int run_stream(const opts *op, worker *ws, int nthreads, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", prog, path, strerror(errno));
        return 1;
    }
    stream_name = strcmp(path, "-") ? path : "<stdin>";
    stance_lines lr;
    stance_lines_init(&lr, f, stream_name, MAX_LINE);
    item *items = malloc(BATCH_LINES * sizeof *items);
    if (!items) {
        fprintf(stderr, "%s: out of memory\n", prog);
        exit(2);
    }
    stance_error err;
    stance_error_clear(&err);
    int rc = 0, r;
    size_t n = 0, bytes = 0, acap = 0;
    char *arena = NULL;
    if (op->fmt == FMT_TSV)
        printf(op->mode == MODE_QUOTES ? "id\tlabel\tconfidence\n" : "line\tlabel\tconfidence\n");
    while ((r = stance_lines_next(&lr, &err)) >= 0) {
        if (r == 1) {
            if (op->mode == MODE_QUOTES) {
                size_t sp = 0;
                while (sp < lr.len && (lr.buf[sp] == ' ' || lr.buf[sp] == '\t'))
                    sp++;
                if (sp == lr.len)
                    continue; /* blank lines carry no quote */
            }
            /* lines of a batch live in one arena; items hold offsets until the batch runs */
            if (bytes + lr.len + 1 > acap) {
                while (bytes + lr.len + 1 > acap)
                    acap = acap ? acap * 2 : BATCH_BYTES + 4096;
                char *na = realloc(arena, acap);
                if (!na) {
                    fprintf(stderr, "%s: out of memory\n", prog);
                    exit(2);
                }
                arena = na;
            }
            memcpy(arena + bytes, lr.buf, lr.len + 1);
            item *it = &items[n++];
            it->text = (char *)(uintptr_t)bytes;
            it->len = lr.len;
            it->lineno = lr.lineno;
            it->source = stream_name;
            bytes += lr.len + 1;
        }
        if (n && (r == 0 || n == BATCH_LINES || bytes >= BATCH_BYTES)) {
            for (size_t i = 0; i < n; i++)
                items[i].text = arena + (uintptr_t)items[i].text;
            rc = run_batch(ws, nthreads, items, n);
            n = 0;
            bytes = 0;
            if (rc)
                break;
        }
        if (r == 0)
            break;
    }
    if (r < 0) {
        /* the lines read before the bad one are scored and written first */
        int earlier = 0;
        if (n && rc == 0) {
            for (size_t i = 0; i < n; i++)
                items[i].text = arena + (uintptr_t)items[i].text;
            earlier = run_batch(ws, nthreads, items, n); /* an earlier bad line reports itself */
            fflush(stdout);
        }
        char b[700];
        if (!earlier)
            fprintf(stderr, "%s: %s\n", prog, stance_error_format(&err, b, sizeof b));
        rc = 1;
    }
    free(items);
    free(arena);
    stance_lines_free(&lr);
    if (f != stdin)
        fclose(f);
    return rc;
}

static int run_articles(const opts *op, worker *ws, int nthreads, char **files, int nfiles)
{
    int per_batch = nthreads * 4;
    item *items = calloc((size_t)per_batch, sizeof *items);
    progress pg;
    progress_init(&pg, "score", nfiles > 1);
    int rc = 0;
    if (op->fmt == FMT_TSV)
        printf(op->m ? "source\tspeaker\trole\torg\tstart\tend\tlabel\tconfidence\tquote\n"
                     : "source\tspeaker\trole\torg\tstart\tend\tquote\n");
    for (int i = 0; i < nfiles && !rc; i += per_batch) {
        int n = nfiles - i < per_batch ? nfiles - i : per_batch;
        for (int j = 0; j < n; j++) {
            item *it = &items[j];
            it->text = read_file(files[i + j], &it->len);
            it->source = strcmp(files[i + j], "-") ? files[i + j] : "<stdin>";
            check_article(it->source, it->text, it->len, op->lossy);
        }
        rc = run_batch(ws, nthreads, items, (size_t)n);
        free_items(items, (size_t)n);
        progress_update(&pg, "", (size_t)(i + n), (size_t)nfiles);
    }
    progress_done(&pg);
    free(items);
    return rc;
}

/* ------------------------------------------------------------ the commands */

static const char *score_help =
    "usage: stance score [OPTIONS] [FILE|DIR|-]...\n"
    "       stance score [OPTIONS] --quotes FILE.jsonl\n"
    "       stance score [OPTIONS] --lines FILE\n"
    "\n"
    "Label the stance of every named voice: bullish, critical or cautious.\n"
    "Articles (files, every file of a folder, or - for stdin) give one JSON document\n"
    "each: {\"source\", \"voices\": [{\"speaker\", \"role\", \"org\", \"quote\", \"start\",\n"
    "\"end\", \"spans\", \"rule\", \"attribution_confidence\", \"label\", \"confidence\",\n"
    "\"probabilities\"}]}. start/end are byte offsets of the quote in the input.\n"
    "\n"
    "options:\n"
    "  --model FILE      model bundle (default: $STANCE_MODEL, the installed model,\n"
    "                    then models/stance.model in the source tree)\n"
    "  --quotes FILE     JSONL in, one object per line with \"text\" (and optional \"id\");\n"
    "                    one JSON line out per quote: id, label, confidence, probabilities\n"
    "  --lines FILE      one quote per line of plain text; one JSON line out per line\n"
    "  -j, --jobs N      threads (1..64); output order and bytes do not depend on N\n"
    "  --explain [K]     add the top K features behind each label (default 5)\n"
    "  --format F        json|jsonl|tsv|table (default: table on a terminal, else json)\n"
    "  --lossy           replace invalid UTF-8 instead of rejecting the input\n"
    "  --help            this text\n"
    "\n"
    "exit status: 0 success, 1 bad input or usage, 2 internal error\n";

static const char *segment_help =
    "usage: stance segment [OPTIONS] [FILE|DIR|-]...\n"
    "       stance segment --eval GOLD.jsonl [ARTICLE_DIR]\n"
    "\n"
    "List the voices of articles without labels: speaker, role, org, quote, start,\n"
    "end, spans, rule, attribution_confidence.\n"
    "\n"
    "options:\n"
    "  --eval GOLD       score attribution against gold lines {\"article\", \"speaker\",\n"
    "                    \"role\", \"org\", \"quote_start\"}: precision, recall and F1 of\n"
    "                    (speaker, quote) pairs, role and org accuracy\n"
    "  -j, --jobs N      threads (1..64)\n"
    "  --format F        json|jsonl|tsv|table (default: table on a terminal, else json)\n"
    "  --lossy           replace invalid UTF-8 instead of rejecting the input\n"
    "  --help            this text\n"
    "\n"
    "exit status: 0 success, 1 bad input or usage, 2 internal error\n";

static int score_or_segment(int argc, char **argv, int segment)
{
    const char *cmd = segment ? "segment" : "score";
    opts op = {0};
    op.fmt = -1;
    const char *model = NULL, *quotes = NULL, *lines = NULL, *gold = NULL;
    int nthreads = 1;
    char **inputs = malloc((size_t)argc * sizeof *inputs);
    int nin = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(segment ? segment_help : score_help, stdout);
            free(inputs);
            return 0;
        } else if (!segment && !strcmp(a, "--model")) {
            if (++i >= argc)
                usage_error(cmd, "%s", "--model needs a file");
            model = argv[i];
        } else if (!segment && !strcmp(a, "--quotes")) {
            if (++i >= argc)
                usage_error(cmd, "%s", "--quotes needs a file");
            quotes = argv[i];
        } else if (!segment && !strcmp(a, "--lines")) {
            if (++i >= argc)
                usage_error(cmd, "%s", "--lines needs a file");
            lines = argv[i];
        } else if (segment && !strcmp(a, "--eval")) {
            if (++i >= argc)
                usage_error(cmd, "%s", "--eval needs a gold file");
            gold = argv[i];
        } else if (!strcmp(a, "-j") || !strcmp(a, "--jobs")) {
            nthreads = parse_int_arg(cmd, a, i + 1 < argc ? argv[++i] : NULL, 1, MAX_THREADS);
        } else if (!strncmp(a, "-j", 2) && a[2]) {
            nthreads = parse_int_arg(cmd, "-j", a + 2, 1, MAX_THREADS);
        } else if (!segment && !strcmp(a, "--explain")) {
            op.explain_k = 5;
            if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
                op.explain_k = parse_int_arg(cmd, "--explain", argv[++i], 1, 64);
        } else if (!strcmp(a, "--format")) {
            op.fmt = parse_format(cmd, i + 1 < argc ? argv[++i] : NULL);
        } else if (!strcmp(a, "--lossy")) {
            op.lossy = 1;
        } else if (a[0] == '-' && a[1]) {
            usage_error(cmd, "unknown option '%s'", a);
        } else {
            inputs[nin++] = argv[i];
        }
    }
    if (gold) {
        int rc = segeval_run(gold, nin ? inputs[0] : NULL, stdout, stderr);
        free(inputs);
        return rc;
    }
    if ((quotes || lines) && nin)
        usage_error(cmd, "%s", "--quotes/--lines take no other inputs");
    if (quotes && lines)
        usage_error(cmd, "%s", "use --quotes or --lines, not both");
    if (!quotes && !lines && nin == 0)
        usage_error(cmd, "%s", "no input (give a file, a folder, or - for stdin)");
    op.mode = quotes ? MODE_QUOTES : lines ? MODE_LINES : MODE_ARTICLES;
    if (op.fmt < 0)
        op.fmt = op.mode == MODE_ARTICLES ? default_format() : (isatty(fileno(stdout)) ? FMT_TABLE : FMT_JSONL);
    op.color = op.fmt == FMT_TABLE && use_color();
    stance_model *m = segment ? NULL : load_model(model);
    op.m = m;
    worker ws[MAX_THREADS];
    memset(ws, 0, sizeof ws);
    for (int i = 0; i < nthreads; i++) {
        ws[i].o = &op;
        if (m && !(ws[i].scratch = stance_scratch_new(m))) {
            fprintf(stderr, "%s: out of memory\n", prog);
            exit(2);
        }
    }
    static char obuf[1 << 16];
    setvbuf(stdout, obuf, _IOFBF, sizeof obuf);
    int rc;
    if (op.mode == MODE_ARTICLES) {
        int nfiles;
        char **files = expand_inputs(inputs, nin, &nfiles);
        rc = run_articles(&op, ws, nthreads, files, nfiles);
        for (int i = 0; i < nfiles; i++)
            free(files[i]);
        free(files);
    } else {
        rc = run_stream(&op, ws, nthreads, quotes ? quotes : lines);
    }
    if (fflush(stdout) || ferror(stdout)) {
        fprintf(stderr, "%s: cannot write output\n", prog);
        rc = 1;
    }
    for (int i = 0; i < nthreads; i++) {
        stance_scratch_free(ws[i].scratch);
        jl_scratch_free(&ws[i].jl);
        out_free(&ws[i].out);
    }
    stance_model_free(m);
    free(inputs);
    return rc;
}

int cmd_score(int argc, char **argv) { return score_or_segment(argc, argv, 0); }
int cmd_segment(int argc, char **argv) { return score_or_segment(argc, argv, 1); }
