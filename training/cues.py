#!/usr/bin/env python3
"""List word n-grams whose label distribution is lopsided: candidate label giveaways.

An n-gram is listed when it occurs in at least MIN quotes and one label holds more
than SHARE of them. Usage: training/cues.py [corpus.jsonl] [--min 15] [--share 0.8]
"""
import argparse
import json
import re
from collections import Counter, defaultdict


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default="training/corpus.jsonl")
    ap.add_argument("--min", type=int, default=15)
    ap.add_argument("--share", type=float, default=0.8)
    a = ap.parse_args()
    counts = defaultdict(Counter)
    for line in open(a.corpus, encoding="utf-8"):
        r = json.loads(line)
        w = re.findall(r"[a-z0-9']+", r["text"].lower().replace("\u2019", "'"))
        grams = set()
        for n in (1, 2, 3):
            grams.update(" ".join(w[i:i + n]) for i in range(len(w) - n + 1))
        for g in grams:
            counts[g][r["label"]] += 1
    rows = []
    for g, c in counts.items():
        tot = sum(c.values())
        lab, top = c.most_common(1)[0]
        if tot >= a.min and top / tot > a.share:
            rows.append((top / tot, tot, g, lab))
    rows.sort(reverse=True)
    for share, tot, g, lab in rows:
        print(f"{share:5.2f} {tot:5d} {lab:9s} {g}")
    print(f"{len(rows)} lopsided n-grams (min {a.min}, share > {a.share})")


if __name__ == "__main__":
    main()
