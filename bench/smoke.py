#!/usr/bin/env python3
"""smoke.py STANCE_BENCH — run the harness on a tiny corpus and check what it reports.

Checks: --json is one valid document with every stage; the collapsed scorer and
libsvm's own path give the same label on every quote, with probabilities within 1e-9;
the generator is deterministic (same seed, same bytes; other seed, other bytes) and
its quotes are single lines of about 200 bytes.
"""
import json
import subprocess
import sys

bench = sys.argv[1]
out = subprocess.run([bench, "--quotes", "300", "--articles", "6", "--libsvm-quotes", "40",
                      "--reps", "1", "--json"], check=True, capture_output=True, text=True).stdout
doc = json.loads(out)
stages = {s["stage"]: s for s in doc["stages"]}
assert set(stages) == {"segment", "bare", "featurize", "score", "e2e", "libsvm"}, stages.keys()
for s in stages.values():
    assert s["items_per_s"] > 0 and s["ns_per_item"]["p50"] <= s["ns_per_item"]["p99"], s
assert stages["segment"]["voices"] > 0, "the segmenter found no voice in generated articles"
agree = doc["libsvm_agreement"]
assert agree["quotes"] == 40 and agree["same_label"] == 40, agree
assert agree["max_prob_diff"] < 1e-9, agree

a = subprocess.run([bench, "--emit-quotes", "200", "--seed", "7"], check=True, capture_output=True).stdout
b = subprocess.run([bench, "--emit-quotes", "200", "--seed", "7"], check=True, capture_output=True).stdout
c = subprocess.run([bench, "--emit-quotes", "200", "--seed", "8"], check=True, capture_output=True).stdout
assert a == b and a != c
lines = a.decode("utf-8").split("\n")
assert lines[-1] == "" and len(lines) == 201
mean = sum(len(x.encode()) for x in lines[:-1]) / 200
assert 150 < mean < 260, mean
j = subprocess.run([bench, "--emit-jsonl", "200", "--seed", "7"], check=True, capture_output=True).stdout
texts = [json.loads(x)["text"] for x in j.decode("utf-8").splitlines()]
assert texts == lines[:-1]
print("ok")
