#!/usr/bin/env python3
"""Check a labelled corpus; exit 1 listing every problem.

Fails on: lines that are not JSON objects, missing keys, duplicate ids, empty texts,
unknown labels, registers or splits, exact duplicate texts, and near-duplicates
(word-trigram Jaccard above 0.6, across splits too).

Usage: training/check_corpus.py [FILE...]     (default training/corpus.jsonl)
Several files are checked as one corpus (ids, duplicates and near-duplicates across them),
e.g. the corpus and training/pending/*.jsonl.
"""
import json
import re
import sys
from collections import defaultdict

LABELS = {"bullish", "critical", "cautious"}
SPLITS = {"train", "dev", "test"}
KEYS = ("id", "text", "label", "topic", "register", "hard", "split")
THRESHOLD = 0.6


def trigrams(text):
    w = re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))
    if len(w) < 3:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i:i + 3]) for i in range(len(w) - 2)}


def check(paths):
    problems = []
    rows = []
    for path in paths:
        read(path, rows, problems)
    return near_and_exact_duplicates(rows, problems)


def read(path, rows, problems):
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                r = json.loads(line)
            except ValueError as e:
                problems.append(f"{path}:{n}: not JSON ({e})")
                continue
            if not isinstance(r, dict):
                problems.append(f"{path}:{n}: not a JSON object")
                continue
            missing = [k for k in KEYS if k not in r]
            if missing:
                problems.append(f"{path}:{n}: missing {', '.join(missing)}")
                continue
            if not isinstance(r["text"], str) or not r["text"].strip():
                problems.append(f"{path}:{n}: empty text")
                continue
            if r["label"] not in LABELS:
                problems.append(f"{path}:{n}: unknown label {r['label']!r}")
            if r["split"] not in SPLITS:
                problems.append(f"{path}:{n}: unknown split {r['split']!r}")
            rows.append((f"{path}:{n}", r))


def near_and_exact_duplicates(rows, problems):
    seen_id, seen_text = {}, {}
    for n, r in rows:
        if r["id"] in seen_id:
            problems.append(f"{n}: duplicate id {r['id']} (first at {seen_id[r['id']]})")
        seen_id.setdefault(r["id"], n)
        t = " ".join(r["text"].lower().split())
        if t in seen_text:
            problems.append(f"{n}: duplicate text (first at {seen_text[t]})")
        seen_text.setdefault(t, n)
    # near-duplicates through an inverted index of trigrams
    grams = [trigrams(r["text"]) for _, r in rows]
    index = defaultdict(list)
    for i, g in enumerate(grams):
        for t in g:
            index[t].append(i)
    for i, g in enumerate(grams):
        if not g:
            continue
        shared = defaultdict(int)
        for t in g:
            for j in index[t]:
                if j > i:
                    shared[j] += 1
        for j, s in shared.items():
            jac = s / (len(g) + len(grams[j]) - s)
            if jac > THRESHOLD:
                problems.append(f"{rows[j][0]}: near-duplicate of {rows[i][0]} "
                                f"(trigram Jaccard {jac:.2f})")
    return rows, problems


def main():
    paths = sys.argv[1:] or ["training/corpus.jsonl"]
    rows, problems = check(paths)
    for p in problems:
        print(p)
    print(f"{' + '.join(paths)}: {len(rows)} quotes, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
