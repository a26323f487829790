/*
 * segeval.h — `stance segment --eval GOLD.jsonl [ARTICLE_DIR]`: score quote attribution.
 *
 * Gold lines: {"article": "file.txt", "speaker": …|null, "role": …|null, "org": …|null,
 *              "quote_start": "<first six words of the quote as written>"}
 * Each article named in the gold file is read from article_dir (default: the gold file's
 * directory + "/articles") and segmented. A predicted voice matches a gold line of the same
 * article when the first words of its quote equal quote_start (after folding curly marks
 * to straight ones, '' to ", and collapsing whitespace including U+00A0) and the speaker
 * is equal ignoring case (null matches null). Matching is one-to-one, in article order.
 *
 * Output (one JSON document on out): precision, recall and F1 of (speaker, quote) pairs,
 * role and org accuracy on the matched pairs, and per-article misses and extras.
 * Returns 0 on success, 1 on bad input (the message names file:line on err), 2 on an
 * internal error.
 */
#ifndef STANCE_CLI_SEGEVAL_H
#define STANCE_CLI_SEGEVAL_H

#include <stdio.h>

int segeval_run(const char *gold_path, const char *article_dir, FILE *out, FILE *err);

#endif
