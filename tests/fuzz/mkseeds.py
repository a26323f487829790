#!/usr/bin/env python3
"""Write the seed corpora under tests/fuzz/corpus/<harness>/ (run from anywhere).

    python3 tests/fuzz/mkseeds.py [path/to/stance]

Seeds are small on purpose: a few real inputs of each kind plus the hostile shapes the
harness should start from (unclosed quotes, CRLF, BOM, NUL, deep JSON, bad UTF-8). With
the stance binary given, one tiny real model is trained for the model harnesses.
"""
import json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, "corpus")

def put(harness, name, data):
    d = os.path.join(OUT, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

def fnv(b):
    h = 0xcbf29ce484222325
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h

def bundle(labels, features, infos, svm):
    body = "stance-model 1\nlabels %s\nfeatures %s\n" % (" ".join(labels), features)
    body += "".join("info %s %s\n" % kv for kv in infos)
    body += "libsvm %d\n" % len(svm) + "".join(l + "\n" for l in svm) + "end\n"
    b = body.encode()
    return b + b"checksum fnv1a64 %016x\n" % fnv(b)

corpus = [json.loads(l) for l in open(os.path.join(ROOT, "training", "corpus.jsonl"), encoding="utf-8")]
arts = os.path.join(ROOT, "tests", "segment", "articles")

# ---- segment
for name in sorted(os.listdir(arts))[:6]:
    put("fuzz_segment", name, open(os.path.join(arts, name), "rb").read()[:3000])
put("fuzz_segment", "curly", "\u201cWe will not cut,\u201d said Jane Doe, chief executive of Acme Corp. \u201cNot now.\u201d\n")
put("fuzz_segment", "split-quote", '"Rates will rise," said Ann Lee, an economist at Barrow Bank, "and soon."\n')
put("fuzz_segment", "colon", "Tom Hart, CFO: \"Margins are thin.\"\nAccording to Sue Ng, \"demand is weak.\"\n")
put("fuzz_segment", "unclosed", '"One "two "three said Bob Smith.\n\u201copen \u201copen\n')
put("fuzz_segment", "crlf-bom", b'\xef\xbb\xbf"Yes," said Al Roe.\r\n\r"No," Roe added.\r')
put("fuzz_segment", "nul-badutf8", b'"a\x00b," said Kim \xc0\xafLo, head of \xff\xfe X Ltd.\n')

# ---- quotes (JSONL stream) and dataset (labelled JSONL)
lines = [json.dumps({"id": c["id"], "text": c["text"]}, ensure_ascii=False) for c in corpus[:4]]
put("fuzz_quotes", "jsonl", "\n".join(lines) + "\n")
put("fuzz_quotes", "plain-lines", "".join(c["text"] + "\n" for c in corpus[4:8]))
put("fuzz_quotes", "crlf-bom", b"\xef\xbb\xbf" + "\r\n".join(lines[:2]).encode() + b"\r" + lines[2].encode())
put("fuzz_quotes", "escapes", '{"text":"a\\u00e9\\ud83d\\ude00 \\"not\\" bad","id":7}\n{"text":"x\\u0000y"}\n')
put("fuzz_quotes", "nested", '{"text":"deep","id":' + "[" * 40 + "]" * 40 + "}\n" + "[" * 100 + "\n")
put("fuzz_quotes", "bad", b'{"text":"\xff\xfe"}\n{"text":1}\n[]\n{"id":"x"}\n\x00\x00\n')
put("fuzz_quotes", "negation", '{"text":"We are not worried, but we aren\'t complacent either; no cuts, never."}\n')

lab = [json.dumps({"text": c["text"], "label": c["label"], "split": c["split"]}, ensure_ascii=False) for c in corpus[:6]]
put("fuzz_dataset", "valid", "\n".join(lab) + "\n")
put("fuzz_dataset", "blank-crlf", "\r\n".join(lab[:3]) + "\r\n  \t\r\n")
put("fuzz_dataset", "bad-label", lab[0] + '\n{"text":"x","label":"bearish"}\n')
put("fuzz_dataset", "bad-json", lab[0] + '\n{"text":"x","label":"bullish"\n')
put("fuzz_dataset", "dup-key", '{"text":"x","text":"y","label":"bullish"}\n')
put("fuzz_dataset", "nul", '{"text":"a\\u0000b","label":"critical","split":"train"}\n')
put("fuzz_dataset", "not-object", '["text","label"]\n"x"\n1\n')
put("fuzz_dataset", "bad-utf8", b'{"text":"\xc0\xaf","label":"bullish"}\n')

# ---- model bundles
feat = "hash_bits=10 ngram_max=1 char_ngrams=0 sublinear_tf=1 negation=1 contrast=1 lexicon=1 last_sentence=0"
two = ["svm_type c_svc", "kernel_type linear", "nr_class 2", "total_sv 4", "rho 0.25", "label 1 2",
       "nr_sv 2 2", "SV", "0.5 3:0.5 17:0.25 ", "1 5:1 ", "-0.5 3:0.75 1000:0.5 ", "-1 1024:1 "]
three = ["svm_type c_svc", "kernel_type linear", "nr_class 3", "total_sv 3", "rho 0.1 -0.2 0.3", "label 1 2 3",
         "probA -3.5 -3.1 -2.9", "probB 0.01 -0.02 0.03", "nr_sv 1 1 1", "SV",
         "0.5 0.25 1:0.1 2:0.2 ", "-0.5 0.75 2:0.3 900:0.4 ", "-0.25 -0.75 7:1 "]
eight = ["svm_type c_svc", "kernel_type linear", "nr_class 8", "total_sv 8",
         "rho " + " ".join(str(i / 10) for i in range(28)), "label 1 2 3 4 5 6 7 8", "nr_sv 1 1 1 1 1 1 1 1", "SV"]
eight += [" ".join("%g" % ((i * 7 + j) % 5 - 2) for j in range(7)) + " %d:1 " % (i + 1) for i in range(8)]
for h in ("fuzz_model", "fuzz_model_sum"):
    put(h, "two-labels", bundle(["up", "down"], feat, [("seed", "1")], two))
    put(h, "three-prob", bundle(["bullish", "critical", "cautious"], feat, [("seed", "1"), ("C", "2")], three))
    put(h, "eight-labels", bundle(list("abcdefgh"), feat, [], eight))

if len(sys.argv) > 1:
    stance = sys.argv[1]
    per = {}
    for c in corpus:
        per.setdefault(c["label"], [])
        if len(per[c["label"]]) < 8 and len(c["text"]) < 120:
            per[c["label"]].append(c)
    with tempfile.TemporaryDirectory() as td:
        data = os.path.join(td, "d.jsonl")
        with open(data, "w", encoding="utf-8") as f:
            for v in per.values():
                for c in v:
                    f.write(json.dumps({"text": c["text"], "label": c["label"]}, ensure_ascii=False) + "\n")
        model = os.path.join(td, "m")
        subprocess.run([stance, "train", data, "-o", model, "--quiet", "--folds", "2", "--log2c_min", "0",
                        "--log2c_max", "0", "--hash_bits", "10", "--ngram_max", "1", "--lexicon", "0"], check=True)
        for h in ("fuzz_model", "fuzz_model_sum"):
            put(h, "trained", open(model, "rb").read())
