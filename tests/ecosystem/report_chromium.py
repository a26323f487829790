#!/usr/bin/python3
"""report_chromium.py STANCE SOURCE_DIR — `stance eval --report r.html` in headless Chromium.

Chromium loads the report and dumps the DOM it built (so the page must parse as a
browser parses it, not just look right as text). The DOM must hold svg#confusion with
k*k rect.cell elements and, in each cell, the count of the confusion matrix that
`stance eval --json` gives for the same data, plus the label names, n, macro-F1 and
accuracy, and one row per "worst" mistake.

Chromium missing: exit 77 (CTest SKIP_RETURN_CODE) with a note, or fail when
STANCE_REQUIRE_CHROMIUM=1. Every other problem is a failure.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

STANCE = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


class Dom(html.parser.HTMLParser):
    """Collects svg#confusion: its rect.cell elements and the text of each <text>, in order."""

    def __init__(self):
        super().__init__()
        self.in_conf = False
        self.depth = 0
        self.cells, self.texts, self.rows = [], [], 0
        self.cur_text = None
        self.body_text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and a.get("id") == "confusion":
            self.in_conf = True
            self.depth = 0
        elif self.in_conf:
            self.depth += 1
            if tag == "rect" and "cell" in (a.get("class") or "").split():
                self.cells.append(a)
            if tag == "text":
                self.cur_text = ""
        if tag == "tr":
            self.rows += 1

    def handle_endtag(self, tag):
        if self.in_conf:
            if tag == "svg" and self.depth == 0:
                self.in_conf = False
                return
            if tag == "text" and self.cur_text is not None:
                self.texts.append(self.cur_text.strip())
                self.cur_text = None
            self.depth -= 1

    def handle_data(self, data):
        if self.cur_text is not None:
            self.cur_text += data
        self.body_text.append(data)


def main():
    browser = next((b for b in ("chromium", "chromium-browser") if shutil.which(b)), None)
    if not browser:
        if os.environ.get("STANCE_REQUIRE_CHROMIUM") == "1":
            fail("chromium is not installed and STANCE_REQUIRE_CHROMIUM=1 (apt-get install chromium)")
        print("SKIP: chromium is not installed (Debian package chromium); the HTML report was not "
              "checked in a browser. Set STANCE_REQUIRE_CHROMIUM=1 to make this a failure.")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "data.jsonl")
        with open(os.path.join(SRC, "training", "corpus.jsonl")) as f, open(data, "w") as g:
            g.writelines(f.readline() for _ in range(400))
        report = os.path.join(tmp, "r.html")
        p = subprocess.run([STANCE, "eval", data, "--json", "--report", report], capture_output=True, text=True)
        if p.returncode != 0:
            fail("stance eval --report: exit %d: %s" % (p.returncode, p.stderr))
        metrics = json.loads(p.stdout)
        labels, cm = metrics["labels"], metrics["confusion"]
        k = len(labels)
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               "--user-data-dir=" + os.path.join(tmp, "profile"), "--dump-dom", "file://" + report]
        try:
            c = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            fail("chromium did not finish within 120 s")
        if c.returncode != 0 or "<html" not in c.stdout:
            fail("chromium --dump-dom: exit %d\n%s" % (c.returncode, c.stderr[-2000:]))
        dom = Dom()
        dom.feed(c.stdout)
        if not dom.cells and "confusion" not in c.stdout:
            fail("no svg#confusion in the DOM")
        if len(dom.cells) != k * k:
            fail("svg#confusion has %d rect.cell elements, want %d (k = %d)" % (len(dom.cells), k * k, k))
        # cells in row-major order: x grows along a row, y down the rows
        pos = [(int(float(a["y"])), int(float(a["x"]))) for a in dom.cells]
        if pos != sorted(pos) or len(set(pos)) != k * k:
            fail("cells are not a k x k grid in row-major order: %s" % pos)
        numbers = [t for t in dom.texts if t.isdigit()]
        want = [str(v) for row in cm for v in row]
        if numbers != want:
            fail("cell counts in the DOM %s, want %s (stance eval --json)" % (numbers, want))
        for lab in labels:
            if dom.texts.count(lab) != 2:
                fail("label %r appears %d times in svg#confusion, want 2 (row and column)"
                     % (lab, dom.texts.count(lab)))
        body = " ".join("".join(dom.body_text).split())
        for s in ("n = %d" % metrics["n"], "macro-F1 %.3f" % metrics["macro_f1"],
                  "accuracy %.3f" % metrics["accuracy"]):
            if s not in body:
                fail("%r not in the page text" % s)
        if dom.rows != 1 + len(metrics["worst"]):
            fail("mistakes table has %d rows, want 1 + %d" % (dom.rows, len(metrics["worst"])))
        print("ok: chromium DOM: svg#confusion with %d rect.cell, counts %s, %d mistakes listed"
              % (len(dom.cells), numbers, len(metrics["worst"])))
    print("PASS")


main()
