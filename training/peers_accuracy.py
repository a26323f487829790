#!/usr/bin/env python3
"""Train fastText (supervised) and scikit-learn TF-IDF + LinearSVC on the same splits as
the shipped model (train + dev) and report macro-F1 on the test split and its hard subset,
beside stance's own figure. Needs Debian's `fasttext` and `python3-sklearn`; run with
/usr/bin/python3. Usage: training/peers_accuracy.py [--stance build/stance] [--model M] [--corpus C]
[--eval FILE]. With --eval, every line of FILE is the test set instead of the corpus's test
split (e.g. training/pending/*.jsonl: quotes by writers the shipped model never read).
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import GridSearchCV
from sklearn.svm import LinearSVC

ap = argparse.ArgumentParser()
ap.add_argument("--stance", default="build/stance")
ap.add_argument("--model", default="models/stance.model")
ap.add_argument("--corpus", default="training/corpus.jsonl", help="labelled JSONL with split fields")
ap.add_argument("--eval", help="labelled JSONL to test on, every line (default: the corpus's test split)")
a = ap.parse_args()
rows = [json.loads(l) for l in open(a.corpus, encoding="utf-8")]
train = [r for r in rows if r["split"] in ("train", "dev")]
if a.eval:
    test = [json.loads(l) for l in open(a.eval, encoding="utf-8")]
else:
    test = [r for r in rows if r["split"] == "test"]
hard = [i for i, r in enumerate(test) if r["hard"]]
gold = [r["label"] for r in test]


def report(name, pred):
    m = f1_score(gold, pred, average="macro")
    h = f1_score([gold[i] for i in hard], [pred[i] for i in hard], average="macro")
    print(f"| {name} | {m:.3f} | {h:.3f} |")
    return m, h


print("| system (trained on train+dev) | test macro-F1 | hard-subset macro-F1 |")
print("| --- | ---: | ---: |")
inp = "".join(json.dumps({"id": r["id"], "text": r["text"]}) + "\n" for r in test)
out = subprocess.run([a.stance, "score", "--model", a.model, "--quotes", "-"], input=inp.encode(),
                     capture_output=True, check=True).stdout.decode().splitlines()
report("stance (shipped model)", [json.loads(l)["label"] for l in out])

# scikit-learn: word 1-2-gram TF-IDF (sublinear) + LinearSVC, C by 5-fold CV on macro-F1
grid = GridSearchCV(LinearSVC(class_weight="balanced"), {"C": [0.125, 0.25, 0.5, 1, 2, 4]},
                    scoring="f1_macro", cv=5)
vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1)
X = vec.fit_transform([r["text"] for r in train])
grid.fit(X, [r["label"] for r in train])
report(f"scikit-learn TF-IDF 1-2-grams + LinearSVC (C={grid.best_params_['C']})",
       list(grid.predict(vec.transform([r["text"] for r in test]))))

if shutil.which("fasttext"):
    d = tempfile.mkdtemp()
    try:
        def ft_line(r):
            return "__label__" + r["label"] + " " + " ".join(r["text"].lower().split())
        with open(os.path.join(d, "train.txt"), "w") as f:
            f.write("\n".join(ft_line(r) for r in train) + "\n")
        with open(os.path.join(d, "test.txt"), "w") as f:
            f.write("\n".join(" ".join(r["text"].lower().split()) for r in test) + "\n")
        subprocess.run(["fasttext", "supervised", "-input", os.path.join(d, "train.txt"), "-output",
                        os.path.join(d, "ft"), "-wordNgrams", "2", "-epoch", "25", "-lr", "0.5", "-dim", "50",
                        "-thread", "1", "-seed", "1"], check=True, capture_output=True)
        out = subprocess.run(["fasttext", "predict", os.path.join(d, "ft.bin"), os.path.join(d, "test.txt")],
                             check=True, capture_output=True).stdout.decode().split()
        report("fastText supervised (bigrams, 25 epochs, 1 thread)", [o.replace("__label__", "") for o in out])
    finally:
        shutil.rmtree(d)
else:
    print("| fastText | not installed (apt-get install fasttext) | |")
