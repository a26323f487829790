/* report_html.h — `stance eval --report`: one self-contained HTML page. */
#ifndef STANCE_CLI_REPORT_HTML_H
#define STANCE_CLI_REPORT_HTML_H
#include <jansson.h>
#include <stddef.h>

/* Write buf atomically (temporary file + rename); prints the error and returns 1 on failure. */
int write_atomic_file(const char *path, const char *buf, size_t len);
/* Confusion heat map, per-label bars, worst mistakes; returns 0 or 1 (error printed). */
int write_html_report(const char *path, json_t *metrics, const char *data_name);
#endif
