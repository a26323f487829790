#!/usr/bin/python3
"""test_stance.py PREFIX [SOURCE_DIR] — the ctypes binding against an installed libstance.

Run with the system Python, standard library only:
    /usr/bin/python3 bindings/python/test_stance.py /tmp/stance-prefix
The binding under test is the copy installed in PREFIX/share/stance/python, loading
PREFIX's libstance.so.0 through $STANCE_LIB; results are compared with PREFIX/bin/stance.
"""
import json
import os
import subprocess
import sys
import tempfile
import threading
import unittest

PREFIX = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__))))
BINDING = os.path.join(PREFIX, "share", "stance", "python")
CLI = os.path.join(PREFIX, "bin", "stance")
LIB = next(os.path.join(PREFIX, d, "libstance.so.0") for d in ("lib", "lib64", "lib/x86_64-linux-gnu")
           if os.path.exists(os.path.join(PREFIX, d, "libstance.so.0")))
ARTICLES = [os.path.join(SRC, "examples", "market-voices.txt"),
            os.path.join(SRC, "tests", "segment", "articles", "02-reserve-council-holds-rates.txt")]

os.environ["STANCE_LIB"] = LIB
os.environ.pop("STANCE_MODEL", None)
sys.path.insert(0, BINDING)
import stance  # noqa: E402


def cli(*args, stdin=None):
    p = subprocess.run([CLI] + list(args), input=stdin, capture_output=True)
    if p.returncode:
        raise AssertionError("stance %s: %s" % (" ".join(args), p.stderr.decode()))
    return [json.loads(l) for l in p.stdout.decode().splitlines()]


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Layout(unittest.TestCase):
    """The ctypes structures are the C structures: same size, same field offsets."""

    def test_struct_layout_matches_the_compiler(self):
        structs = {"stance_error": stance.stance_error, "stance_str": stance.stance_str,
                   "stance_span": stance.stance_span, "stance_voice": stance.stance_voice,
                   "stance_result": stance.stance_result}
        lines = ['#include <stance.h>', '#include <stddef.h>', '#include <stdio.h>', 'int main(void) {']
        for name, cls in structs.items():
            lines.append('printf("%s %%zu\\n", sizeof(%s));' % (name, name))
            for f, _ in cls._fields_:
                lines.append('printf("%s.%s %%zu %%zu\\n", offsetof(%s, %s), sizeof(((%s *)0)->%s));'
                             % (name, f, name, f, name, f))
        lines.append('printf("STANCE_MAX_LABELS %d\\n", STANCE_MAX_LABELS); return 0; }')
        with tempfile.TemporaryDirectory() as d:
            c, exe = os.path.join(d, "layout.c"), os.path.join(d, "layout")
            with open(c, "w") as f:
                f.write("\n".join(lines) + "\n")
            env = dict(os.environ)
            env.pop("LD_PRELOAD", None)
            subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-I", os.path.join(PREFIX, "include"),
                            "-o", exe, c], check=True, env=env)
            out = subprocess.run([exe], capture_output=True, text=True, check=True, env=env).stdout
        want = {}
        for line in out.splitlines():
            k, *v = line.split()
            want[k] = [int(x) for x in v]
        self.assertEqual(want["STANCE_MAX_LABELS"], [stance.STANCE_MAX_LABELS])
        for name, cls in structs.items():
            self.assertEqual([__import__("ctypes").sizeof(cls)], want[name], name)
            for f, _ in cls._fields_:
                d = getattr(cls, f)
                self.assertEqual([d.offset, d.size], want["%s.%s" % (name, f)], "%s.%s" % (name, f))


class Binding(unittest.TestCase):
    def test_library_and_version(self):
        self.assertEqual(stance.library_path(), LIB)
        out = subprocess.run([CLI, "--version"], capture_output=True, text=True, check=True).stdout
        self.assertEqual(stance.version(), out.split()[1])

    def test_score_matches_cli(self):
        for path in ARTICLES:
            want = cli("score", "--format", "jsonl", path)[0]["voices"]
            got = stance.score(read(path))  # bytes in: byte offsets, as the CLI
            self.assertEqual(len(got), len(want), path)
            self.assertGreater(len(got), 3)
            for g, w in zip(got, want):
                for k in ("speaker", "role", "org", "quote", "start", "end", "rule", "label"):
                    self.assertEqual(g[k], w[k], (path, k))
                self.assertEqual([list(s) for s in g["spans"]], w["spans"])
                self.assertAlmostEqual(g["confidence"], w["confidence"], places=6)
                self.assertAlmostEqual(g["attribution_confidence"], w["attribution_confidence"], places=6)
                self.assertEqual(set(g["probabilities"]), set(w["probabilities"]))
                for lab, p in w["probabilities"].items():
                    self.assertAlmostEqual(g["probabilities"][lab], p, places=6)
                self.assertEqual(g["confidence"], g["probabilities"][g["label"]])

    def test_str_offsets_are_characters(self):
        path = ARTICLES[1]  # has non-ASCII names before some quotes
        text = read(path).decode()
        self.assertNotEqual(len(text), len(text.encode()))
        by_bytes = stance.segment(text.encode())
        by_chars = stance.segment(text)
        self.assertEqual(len(by_bytes), len(by_chars))
        moved = 0
        for b, c in zip(by_bytes, by_chars):
            self.assertEqual(len(text[:c["start"]].encode()), b["start"])
            self.assertEqual(len(text[:c["end"]].encode()), b["end"])
            moved += c["start"] != b["start"]
            if len(c["spans"]) == 1:
                self.assertEqual(text[c["start"]:c["end"]], c["quote"])
        self.assertGreater(moved, 0, "no voice after a non-ASCII character: the test proves nothing")

    def test_segment_matches_cli(self):
        for path in ARTICLES:
            want = cli("segment", "--format", "jsonl", path)[0]["voices"]
            got = stance.segment(read(path))
            self.assertEqual([(g["speaker"], g["role"], g["org"], g["quote"], g["start"], g["end"]) for g in got],
                             [(w["speaker"], w["role"], w["org"], w["quote"], w["start"], w["end"]) for w in want])
            self.assertNotIn("label", got[0])

    def test_score_quote_matches_cli(self):
        quotes = ["Margins will keep expanding; I'd be adding on any weakness.",
                  "This is reckless, and the board has failed shareholders.",
                  "We'd wait for the regulator before drawing conclusions.",
                  "Prices in Zürich — and in São Paulo — look stretched."]
        want = cli("score", "--lines", "-", "--format", "jsonl", stdin="\n".join(quotes).encode() + b"\n")
        for q, w in zip(quotes, want):
            g = stance.score_quote(q)
            self.assertEqual(g["label"], w["label"], q)
            self.assertAlmostEqual(g["confidence"], w["confidence"], places=6)
            self.assertEqual(stance.score_quote(q.encode()), g)

    def test_model_argument(self):
        path = os.path.join(PREFIX, "share", "stance", "stance.model")
        q = "Margins will keep expanding."
        with stance.Model(path) as m:
            self.assertEqual(m.labels, ["bullish", "critical", "cautious"])
            self.assertEqual(stance.score_quote(q, model=m), stance.score_quote(q))
            self.assertEqual(stance.score_quote(q, model=path), stance.score_quote(q))
            self.assertIsNotNone(m.info("seed"))
            self.assertIsNone(m.info("no such key"))
        with tempfile.TemporaryDirectory() as d:
            bad = os.path.join(d, "bad.model")
            with open(bad, "w") as f:
                f.write("not a model\n")
            with self.assertRaises(stance.StanceError) as cm:
                stance.Model(bad)
            self.assertEqual(cm.exception.status, "E_MODEL")
            self.assertIn("bad.model", str(cm.exception))
            with self.assertRaises(stance.StanceError) as cm:
                stance.score_quote(q, model=os.path.join(d, "absent.model"))
            self.assertEqual(cm.exception.status, "E_IO")
        with self.assertRaises(TypeError):
            stance.score(42)

    def test_threads_share_a_model(self):
        with open(os.path.join(SRC, "training", "corpus.jsonl")) as f:
            quotes = [json.loads(next(f))["text"] for _ in range(200)]
        m = stance.Model()
        serial = [stance.score_quote(q, model=m) for q in quotes]
        results = [None] * 4

        def work(i):
            results[i] = [stance.score_quote(q, model=m) for q in quotes]

        ts = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for r in results:
            self.assertEqual(r, serial)
        m.close()

    def test_finds_library_and_model_without_environment(self):
        env = dict(os.environ)
        env.pop("STANCE_LIB", None)
        env.pop("STANCE_MODEL", None)
        probe = subprocess.run([sys.executable, "-c", "import ctypes.util; print(ctypes.util.find_library('stance'))"],
                               capture_output=True, text=True, env=env).stdout.strip()
        if probe != "None":
            self.skipTest("a system libstance (%s) is installed and find_library prefers it" % probe)
        code = ("import stance, json; print(json.dumps([stance.library_path(), stance._default_model_path(),"
                " stance.score_quote('Margins will keep expanding.')['label']]))")
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=BINDING)
        self.assertEqual(p.returncode, 0, p.stderr)
        lib, model, label = json.loads(p.stdout)
        self.assertEqual(os.path.realpath(lib), os.path.realpath(LIB))
        self.assertEqual(os.path.realpath(model), os.path.realpath(os.path.join(PREFIX, "share", "stance",
                                                                                 "stance.model")))
        self.assertIn(label, ("bullish", "critical", "cautious"))

    def test_missing_library_is_a_clear_error(self):
        env = dict(os.environ, STANCE_LIB="/nonexistent/libstance.so.0")
        p = subprocess.run([sys.executable, "-c", "import stance"], capture_output=True, text=True, env=env,
                           cwd=BINDING)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("STANCE_LIB", p.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
