#!/usr/bin/python3
"""formats.py STANCE SOURCE_DIR — every --format of `stance score` and `stance segment`.

json: one document per article; jsonl: one JSON object per line (per article, or per
quote for --quotes/--lines); tsv: a header row and the same number of columns in every
row; table: no escape codes when stdout is not a terminal or NO_COLOR is set, and
coloured labels on a terminal (a pty from util-linux `script`). The formats agree with
each other: the same voices, labels and confidences.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

STANCE = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
ARTICLES = [os.path.join(SRC, "examples", "market-voices.txt")] + [
    os.path.join(SRC, "tests", "segment", "articles", n)
    for n in sorted(os.listdir(os.path.join(SRC, "tests", "segment", "articles")))[:3]
]
ESC = "\x1b["


def run(args, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    p = subprocess.run([STANCE] + args, input=stdin, capture_output=True, env=e)
    if p.returncode != 0:
        raise AssertionError("stance %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr.decode()))
    return p.stdout.decode("utf-8")


def jsonl(text):
    out = []
    for i, line in enumerate(text.split("\n")[:-1]):
        obj = json.loads(line)  # raises on a line that is not one JSON value
        if not isinstance(obj, dict):
            raise AssertionError("line %d is not a JSON object: %r" % (i + 1, line))
        out.append(obj)
    if not text.endswith("\n"):
        raise AssertionError("output does not end with a newline")
    return out


def tsv(text, ncols):
    rows = [r.split("\t") for r in text.split("\n")[:-1]]
    for i, r in enumerate(rows):
        if len(r) != ncols:
            raise AssertionError("tsv row %d has %d columns, want %d: %r" % (i + 1, len(r), ncols, r))
    return rows


class Articles(unittest.TestCase):
    def docs(self, cmd):
        docs = jsonl(run([cmd, "--format", "jsonl"] + ARTICLES))
        self.assertEqual([d["source"] for d in docs], ARTICLES)
        self.assertGreater(sum(len(d["voices"]) for d in docs), 10)
        return docs

    def test_json_is_one_document_per_article(self):
        for cmd in ("score", "segment"):
            out = run([cmd, "--format", "json"] + ARTICLES)
            dec = json.JSONDecoder()
            pos, docs = 0, []
            while pos < len(out):
                while pos < len(out) and out[pos] in " \n":
                    pos += 1
                if pos == len(out):
                    break
                d, pos = dec.raw_decode(out, pos)
                docs.append(d)
            self.assertEqual(docs, self.docs(cmd), cmd)
            self.assertIn("\n  ", out, "json output is indented")

    def test_jsonl_fields(self):
        for cmd in ("score", "segment"):
            for d in self.docs(cmd):
                self.assertEqual(set(d), {"source", "voices"})
                for v in d["voices"]:
                    want = {"speaker", "role", "org", "quote", "start", "end", "spans", "rule",
                            "attribution_confidence"}
                    if cmd == "score":
                        want |= {"label", "confidence", "probabilities"}
                    self.assertEqual(set(v), want, cmd)
                    self.assertLessEqual(v["start"], v["end"])
                    if cmd == "score":
                        self.assertIn(v["label"], v["probabilities"])
                        self.assertAlmostEqual(v["confidence"], v["probabilities"][v["label"]], places=6)

    def test_tsv_header_and_columns(self):
        for cmd, header in (("score", ["source", "speaker", "role", "org", "start", "end", "label",
                                       "confidence", "quote"]),
                            ("segment", ["source", "speaker", "role", "org", "start", "end", "quote"])):
            rows = tsv(run([cmd, "--format", "tsv"] + ARTICLES), len(header))
            self.assertEqual(rows[0], header, cmd)
            voices = [(d["source"], v) for d in self.docs(cmd) for v in d["voices"]]
            self.assertEqual(len(rows) - 1, len(voices), cmd)
            for row, (src, v) in zip(rows[1:], voices):
                rec = dict(zip(header, row))
                self.assertEqual(rec["source"], src)
                self.assertEqual(rec["speaker"], v["speaker"] or "")
                self.assertEqual(int(rec["start"]), v["start"])
                self.assertEqual(int(rec["end"]), v["end"])
                if cmd == "score":
                    self.assertEqual(rec["label"], v["label"])
                    self.assertAlmostEqual(float(rec["confidence"]), v["confidence"], places=6)

    def test_table_plain_when_piped_or_no_color(self):
        for cmd in ("score", "segment"):
            for env in ({}, {"NO_COLOR": "1"}):
                out = run([cmd, "--format", "table"] + ARTICLES, env=env)
                self.assertNotIn("\x1b", out, (cmd, env))
                docs = self.docs(cmd)
                for d in docs:
                    self.assertIn("%s  (%d voice" % (d["source"], len(d["voices"])), out)
                rows = [l for l in out.split("\n") if l.startswith("  ")]
                self.assertEqual(len(rows), sum(len(d["voices"]) for d in docs))
                if cmd == "score":
                    labels = [v["label"] for d in docs for v in d["voices"]]
                    self.assertEqual([r[26:34].strip() for r in rows], labels)


def pty_run(cmdline, env):
    """Run a shell command line on a pty (stderr, hence the progress line, is the
    caller's business); returns what the terminal got."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env)
    p = subprocess.run(["script", "-qec", cmdline, "/dev/null"], capture_output=True, env=e,
                       stdin=subprocess.DEVNULL)
    if p.returncode != 0:
        raise AssertionError("script -qec %r: exit %d: %s" % (cmdline, p.returncode, p.stderr.decode()))
    return p.stdout.decode("utf-8").replace("\r\n", "\n")


@unittest.skipUnless(shutil.which("script"),
                     "util-linux `script` not found: cannot get a pty, so the coloured-table "
                     "assertions are skipped (install bsdutils)")
class Terminal(unittest.TestCase):
    def test_table_coloured_on_terminal_unless_no_color(self):
        args = " ".join("'%s'" % a for a in ARTICLES)
        for cmd in ("score", "segment"):
            out = pty_run("'%s' %s %s 2>/dev/null" % (STANCE, cmd, args), {})
            self.assertIn(ESC, out, "%s: no escape codes on a terminal" % cmd)
            if cmd == "score":  # labels in green, red or yellow
                self.assertTrue(any(c in out for c in ("\x1b[32m", "\x1b[31m", "\x1b[33m")))
            # the default format on a terminal is the table
            self.assertIn("voices)", out)
            plain = pty_run("'%s' %s %s 2>/dev/null" % (STANCE, cmd, args), {"NO_COLOR": "1"})
            self.assertNotIn("\x1b", plain, "%s: escape codes with NO_COLOR=1" % cmd)
            self.assertIn("voices)", plain)


class Streams(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(os.path.join(SRC, "training", "corpus.jsonl"), "rb") as f:
            cls.lines = [next(f) for _ in range(40)]
        cls.quotes = b"".join(cls.lines)
        cls.ids = [json.loads(l)["id"] for l in cls.lines]

    def test_jsonl_one_object_per_quote(self):
        objs = jsonl(run(["score", "--quotes", "-", "--format", "jsonl"], stdin=self.quotes))
        self.assertEqual([o["id"] for o in objs], self.ids)
        for o in objs:
            self.assertEqual(set(o), {"id", "label", "confidence", "probabilities"})
        # json is the same stream for quotes
        self.assertEqual(jsonl(run(["score", "--quotes", "-", "--format", "json"], stdin=self.quotes)), objs)
        # --lines: the line number stands in for the id
        text = b"".join(json.loads(l)["text"].encode() + b"\n" for l in self.lines)
        objs2 = jsonl(run(["score", "--lines", "-", "--format", "jsonl"], stdin=text))
        self.assertEqual([o["line"] for o in objs2], list(range(1, len(self.lines) + 1)))
        self.assertEqual([o["label"] for o in objs2], [o["label"] for o in objs])

    def test_tsv_and_table(self):
        objs = jsonl(run(["score", "--quotes", "-", "--format", "jsonl"], stdin=self.quotes))
        rows = tsv(run(["score", "--quotes", "-", "--format", "tsv"], stdin=self.quotes), 3)
        self.assertEqual(rows[0], ["id", "label", "confidence"])
        self.assertEqual(len(rows) - 1, len(objs))
        for r, o in zip(rows[1:], objs):
            self.assertEqual(json.loads(r[0]), o["id"])
            self.assertEqual(r[1], o["label"])
            self.assertAlmostEqual(float(r[2]), o["confidence"], places=6)
        table = run(["score", "--quotes", "-", "--format", "table"], stdin=self.quotes, env={"NO_COLOR": "1"})
        self.assertNotIn("\x1b", table)
        self.assertEqual(tsv(table, 3), rows[1:])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
