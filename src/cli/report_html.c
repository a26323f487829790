/* report_html.c — an evaluation page with inline SVG and no external assets. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "out.h"
#include "report_html.h"
#include "train.h"

int write_atomic_file(const char *path, const char *buf, size_t len)
{
    stance_error err;
    stance_error_clear(&err);
    if (stance__write_atomic(path, buf, len, &err)) {
        char b[700];
        fprintf(stderr, "%s: %s\n", prog, stance_error_format(&err, b, sizeof b));
        return 1;
    }
    return 0;
}

static void html_text(outbuf *o, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': out_cstr(o, "&lt;"); break;
        case '>': out_cstr(o, "&gt;"); break;
        case '&': out_cstr(o, "&amp;"); break;
        case '"': out_cstr(o, "&quot;"); break;
        default: out_char(o, *s);
        }
    }
}

int write_html_report(const char *path, json_t *doc, const char *data_name)
{
    outbuf o = {0};
    json_t *labels = json_object_get(doc, "labels"), *cm = json_object_get(doc, "confusion");
    json_t *per = json_object_get(doc, "per_label"), *worst = json_object_get(doc, "worst");
    size_t k = json_array_size(labels);
    out_cstr(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>stance evaluation</title>\n"
                 "<style>body{font:15px/1.4 system-ui,sans-serif;margin:2em;max-width:60em;color:#222}"
                 "table{border-collapse:collapse}td,th{padding:.3em .6em;border-bottom:1px solid #ddd;text-align:left}"
                 "svg text{font:13px sans-serif}</style></head><body>\n<h1>stance evaluation</h1>\n<p>Data: ");
    html_text(&o, data_name);
    out_printf(&o, " &middot; n = %lld &middot; macro-F1 <b>%.3f</b> &middot; accuracy %.3f</p>\n",
               (long long)json_integer_value(json_object_get(doc, "n")),
               json_real_value(json_object_get(doc, "macro_f1")), json_real_value(json_object_get(doc, "accuracy")));
    /* confusion heat map: rows true, columns predicted; shade by row share */
    int cell = 90, left = 100, top = 40;
    out_printf(&o, "<h2>Confusion matrix</h2>\n<svg id=\"confusion\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                   "height=\"%d\" role=\"img\" aria-label=\"confusion matrix\">\n",
               left + cell * (int)k + 20, top + cell * (int)k + 40);
    for (size_t j = 0; j < k; j++)
        out_printf(&o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", left + cell * (int)j + cell / 2,
                   top - 10, json_string_value(json_array_get(labels, j)));
    for (size_t i = 0; i < k; i++) {
        json_t *row = json_array_get(cm, i);
        long long rs = 0;
        for (size_t j = 0; j < k; j++)
            rs += json_integer_value(json_array_get(row, j));
        out_printf(&o, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 8,
                   top + cell * (int)i + cell / 2 + 5, json_string_value(json_array_get(labels, i)));
        for (size_t j = 0; j < k; j++) {
            long long v = json_integer_value(json_array_get(row, j));
            double share = rs ? (double)v / (double)rs : 0;
            int shade = 255 - (int)(share * 200);
            out_printf(&o,
                       "<rect class=\"cell\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,255)\" "
                       "stroke=\"#fff\"/><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%lld</text>\n",
                       left + cell * (int)j, top + cell * (int)i, cell, cell, shade, shade, left + cell * (int)j + cell / 2,
                       top + cell * (int)i + cell / 2 + 5, v);
        }
    }
    out_printf(&o, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">predicted &#8594; (rows: true label)</text>\n</svg>\n",
               left + cell * (int)k / 2, top + cell * (int)k + 25);
    /* per-label bars */
    out_cstr(&o, "<h2>Per label</h2>\n<svg id=\"bars\" xmlns=\"http://www.w3.org/2000/svg\" width=\"520\" height=\"");
    out_printf(&o, "%d\">\n", 30 + (int)k * 70);
    const char *metric[3] = {"precision", "recall", "f1"};
    const char *colour[3] = {"#6a8caf", "#8fbf7f", "#d9a441"};
    for (size_t i = 0; i < k; i++) {
        const char *lab = json_string_value(json_array_get(labels, i));
        json_t *p = json_object_get(per, lab);
        out_printf(&o, "<text x=\"0\" y=\"%d\">%s</text>\n", 30 + (int)i * 70, lab);
        for (int m = 0; m < 3; m++) {
            double v = json_real_value(json_object_get(p, metric[m]));
            out_printf(&o,
                       "<rect x=\"90\" y=\"%d\" width=\"%d\" height=\"16\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s "
                       "%.3f</text>\n",
                       18 + (int)i * 70 + m * 18, (int)(v * 300), colour[m], 96 + (int)(v * 300), 31 + (int)i * 70 + m * 18,
                       metric[m], v);
        }
    }
    out_cstr(&o, "</svg>\n<h2>Most confident mistakes</h2>\n<table><tr><th>line</th><th>true</th><th>predicted</th>"
                 "<th>confidence</th><th>quote</th></tr>\n");
    size_t i;
    json_t *w;
    json_array_foreach(worst, i, w)
    {
        out_printf(&o, "<tr><td>%lld</td><td>", (long long)json_integer_value(json_object_get(w, "line")));
        html_text(&o, json_string_value(json_object_get(w, "label")));
        out_cstr(&o, "</td><td>");
        html_text(&o, json_string_value(json_object_get(w, "predicted")));
        out_printf(&o, "</td><td>%.3f</td><td>", json_real_value(json_object_get(w, "confidence")));
        html_text(&o, json_string_value(json_object_get(w, "text")));
        out_cstr(&o, "</td></tr>\n");
    }
    out_cstr(&o, "</table>\n</body></html>\n");
    int rc = write_atomic_file(path, o.buf, o.len);
    out_free(&o);
    return rc;
}
