#!/usr/bin/env python3
"""Print the README's accuracy table for a model on the corpus's test split.

Scores every test quote through `stance score --quotes` and reports macro-F1 and accuracy
overall, per label, on the hard subset and per register, plus the model's own
cross-validation figure from its report.

Usage: training/report.py [--stance build/stance] [--model models/stance.model] [corpus]
"""
import argparse
import collections
import json
import os
import subprocess

LABELS = ["bullish", "critical", "cautious"]


def metrics(rows, pred):
    c = collections.Counter((r["label"], pred[r["id"]]) for r in rows)
    f1 = {}
    for l in LABELS:
        tp = c[(l, l)]
        ps = sum(c[(x, l)] for x in LABELS)
        rs = sum(c[(l, x)] for x in LABELS)
        p = tp / ps if ps else 0.0
        r = tp / rs if rs else 0.0
        f1[l] = (p, r, 2 * p * r / (p + r) if p + r else 0.0)
    macro = sum(v[2] for v in f1.values()) / len(LABELS)
    acc = sum(c[(l, l)] for l in LABELS) / len(rows)
    return macro, acc, f1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", default="training/corpus.jsonl")
    ap.add_argument("--stance", default="build/stance")
    ap.add_argument("--model", default="models/stance.model")
    a = ap.parse_args()
    rows = [json.loads(l) for l in open(a.corpus, encoding="utf-8")]
    test = [r for r in rows if r["split"] == "test"]
    inp = "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in test)
    out = subprocess.run([a.stance, "score", "--model", a.model, "--quotes", "-"], input=inp.encode(),
                         capture_output=True, check=True).stdout.decode()
    pred = {}
    for line in out.splitlines():
        o = json.loads(line)
        pred[o["id"]] = o["label"]
    rep = json.load(open(a.model + ".report.json")) if os.path.exists(a.model + ".report.json") else {}
    macro, acc, per = metrics(test, pred)
    print(f"Model `{a.model}`: CV macro-F1 {rep.get('macro_f1', float('nan')):.3f} "
          f"({rep.get('folds', '?')}-fold, on the training splits, chosen C = {rep.get('chosen_C', '?')}).\n")
    print("| test split | n | macro-F1 | accuracy |")
    print("| --- | ---: | ---: | ---: |")
    print(f"| all | {len(test)} | {macro:.3f} | {acc:.3f} |")
    hard = [r for r in test if r["hard"]]
    m, ac, _ = metrics(hard, pred)
    print(f"| hard subset | {len(hard)} | {m:.3f} | {ac:.3f} |")
    for reg in sorted({r["register"] for r in test}):
        s = [r for r in test if r["register"] == reg]
        m, ac, _ = metrics(s, pred)
        print(f"| register `{reg}` | {len(s)} | {m:.3f} | {ac:.3f} |")
    print("\n| label | precision | recall | F1 |")
    print("| --- | ---: | ---: | ---: |")
    for l in LABELS:
        p, r, f = per[l]
        print(f"| {l} | {p:.3f} | {r:.3f} | {f:.3f} |")


if __name__ == "__main__":
    main()
