#!/usr/bin/env python3
"""Assemble training/corpus.jsonl from the hand-written batches, with a fixed split.

Usage: training/build_corpus.py BATCH_DIR... > training/corpus.jsonl

Each input line is {"id", "text", "label", "topic", "register", "hard"}; the output
adds "split": train (70%), dev (15%) or test (15%). The split is stratified by
(label, register): within each stratum, quotes are ordered by a hash of their id and
dealt round-robin in the pattern of 20 slots (14 train, 3 dev, 3 test), so it depends
only on the ids, never on file order, and adding quotes never moves existing ones far.
"""
import glob
import hashlib
import json
import os
import sys

PATTERN = ["train"] * 14 + ["dev"] * 3 + ["test"] * 3
# interleave so every prefix of a stratum is close to 70/15/15
PATTERN = [PATTERN[(i * 7) % 20] for i in range(20)]


def key(qid):
    return hashlib.sha256(qid.encode()).hexdigest()


def main():
    rows = []
    for d in sys.argv[1:]:
        for f in sorted(glob.glob(os.path.join(d, "*.jsonl"))):
            with open(f, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        r = json.loads(line)
                        rows.append(r)
    strata = {}
    for r in rows:
        strata.setdefault((r["label"], r["register"]), []).append(r)
    for _, rs in sorted(strata.items()):
        rs.sort(key=lambda r: key(r["id"]))
        for i, r in enumerate(rs):
            r["split"] = PATTERN[i % len(PATTERN)]
    rows.sort(key=lambda r: r["id"])
    out = sys.stdout
    for r in rows:
        o = {k: r[k] for k in ("id", "text", "label", "topic", "register", "hard", "split")}
        out.write(json.dumps(o, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
