#!/usr/bin/env python3
"""Assemble training/corpus.jsonl from the hand-written batches, with a fixed split.

Usage: training/build_corpus.py BATCH_DIR... > training/corpus.jsonl
       training/build_corpus.py --append training/corpus.jsonl BATCH_DIR... > new.jsonl

Each input line is {"id", "text", "label", "topic", "register", "hard"}; the output
adds "split": train (70%), dev (15%) or test (15%). The split is stratified by
(label, register): within each stratum, quotes are ordered by a hash of their id and
dealt round-robin in the pattern of 20 slots (14 train, 3 dev, 3 test), so it depends
only on the ids, never on file order. With --append, the existing corpus keeps every
line and split as it is; new quotes continue each stratum's round-robin where it stopped.
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
    args = sys.argv[1:]
    existing = []
    if args[:1] == ["--append"]:
        with open(args[1], encoding="utf-8") as fh:
            existing = [json.loads(l) for l in fh if l.strip()]
        args = args[2:]
    rows = []
    for d in args:
        for f in sorted(glob.glob(os.path.join(d, "*.jsonl"))):
            with open(f, encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if line.strip():
                        r = json.loads(line)
                        rows.append(r)
    known = {r["id"] for r in existing}
    rows = [r for r in rows if r["id"] not in known]
    filled = {}
    for r in existing:
        k = (r["label"], r["register"])
        filled[k] = filled.get(k, 0) + 1
    strata = {}
    for r in rows:
        strata.setdefault((r["label"], r["register"]), []).append(r)
    for k, rs in sorted(strata.items()):
        rs.sort(key=lambda r: key(r["id"]))
        for i, r in enumerate(rs):
            r["split"] = PATTERN[(filled.get(k, 0) + i) % len(PATTERN)]
    rows = existing + sorted(rows, key=lambda r: r["id"])
    out = sys.stdout
    for r in rows:
        o = {k: r[k] for k in ("id", "text", "label", "topic", "register", "hard", "split")}
        out.write(json.dumps(o, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
