#!/usr/bin/python3
"""man_vs_help.py STANCE MANPAGE — doc/stance.1 and the --help texts cannot drift.

For `stance --help` and each `stance CMD --help`, the options (the flag column of every
option line, e.g. "-j, --jobs N") must be exactly the options the man page defines for
that command (the tags of .TP entries under .SH OPTIONS for the top level and under
".SS CMD" of .SH COMMANDS). Also: the commands listed by `stance --help` are the .SS
sections; every JSON field the built binary prints (score and segment of an article,
score --quotes with --explain, eval --json, bench --json) is named in bold in the man page; every
exit status in the --help texts is an entry of EXIT STATUS; every environment variable
the help names is in ENVIRONMENT.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

STANCE = os.path.abspath(sys.argv[1])
MAN = os.path.abspath(sys.argv[2])
SRC = os.path.dirname(os.path.dirname(MAN))
OPT = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def unroff(s):
    s = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\\\(em", "", s)
    return s.replace("\\-", "-").replace('"', "")


def man_sections():
    """{command ('' = top level): set of options}, {.SH name: text}, bold words."""
    opts, sections, bold = {}, {}, set()
    sh, ss, tag_next = None, None, False
    with open(MAN, encoding="utf-8") as f:
        for raw in f:
            line = raw.rstrip("\n")
            if line.startswith('.\\"'):
                continue
            m = re.match(r"\.SH\s+(.*)", line)
            if m:
                sh, ss = unroff(m.group(1)).strip(), None
                sections.setdefault(sh, "")
                if sh == "OPTIONS":
                    opts.setdefault("", set())
                continue
            m = re.match(r"\.SS\s+(.*)", line)
            if m:
                ss = unroff(m.group(1)).strip()
                if sh == "COMMANDS":
                    opts.setdefault(ss, set())
                continue
            if sh:
                sections[sh] += unroff(line) + "\n"
            if re.match(r"\.(B|BR|RB|BI|IB) ", line):
                words = re.findall(r'"[^"]*"|\S+', line.split(None, 1)[1])
                if line[1:3] in ("BR", "BI"):
                    words = words[0::2]
                elif line[1:3] in ("RB", "IB"):
                    words = words[1::2]
                bold.update(unroff(w).strip(",{}:") for w in words)
            bold.update(unroff(b) for b in re.findall(r"\\fB(.*?)\\f[RIP]", line))
            if line == ".TP":
                tag_next = True
                continue
            if tag_next:
                tag_next = False
                cmd = "" if sh == "OPTIONS" else ss if sh == "COMMANDS" else None
                if cmd is not None:
                    opts[cmd].update(OPT.findall(unroff(line)))
    return opts, sections, bold


def help_options(cmd):
    p = subprocess.run([STANCE] + ([cmd] if cmd else []) + ["--help"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    opts, commands = set(), []
    for line in p.stdout.split("\n"):
        m = re.match(r"  (-\S.*?)(?:\s{2,}|$)", line)
        if m:
            opts.update(OPT.findall(m.group(1)))
        m = re.match(r"  ([a-z]+)\s{2,}\S", line)
        if m and not cmd:
            commands.append(m.group(1))
    return opts, commands, p.stdout


def keys(v, out):
    if isinstance(v, dict):
        for k, x in v.items():
            out.add(k)
            keys(x, out)
    elif isinstance(v, list):
        for x in v:
            keys(x, out)
    return out


class ManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.opts, cls.sections, cls.bold = man_sections()
        _, cls.commands, cls.main_help = help_options("")

    def test_commands_are_sections(self):
        self.assertEqual(sorted(self.commands), ["bench", "eval", "score", "segment", "train"])
        self.assertEqual(sorted(c for c in self.opts if c), sorted(self.commands))

    def test_options_match_help(self):
        for cmd in [""] + self.commands:
            got, _, _ = help_options(cmd)
            self.assertTrue(got, "no options parsed from stance %s --help" % cmd)
            name = "stance %s --help" % cmd if cmd else "stance --help"
            self.assertEqual(sorted(got - self.opts[cmd]), [], "in %s but not in the man page" % name)
            self.assertEqual(sorted(self.opts[cmd] - got), [], "in the man page but not in %s" % name)

    def test_exit_status_and_environment(self):
        for cmd in [""] + self.commands:
            _, _, text = help_options(cmd)
            m = re.search(r"exit status: (.*)", text)
            self.assertTrue(m, cmd)
            for code in re.findall(r"(\d+) [a-z]", m.group(1)):
                self.assertRegex(self.sections["EXIT STATUS"], r"(?m)^\.B %s$" % code)
            for var in re.findall(r"\$([A-Z_]+)", text):
                self.assertIn(var, self.sections["ENVIRONMENT"])
        self.assertIn("NO_COLOR", self.sections["ENVIRONMENT"])

    def test_json_fields_are_documented(self):
        fields = set()
        art = os.path.join(SRC, "examples", "market-voices.txt")
        with tempfile.TemporaryDirectory() as d:
            q, data = os.path.join(d, "q.jsonl"), os.path.join(d, "data.jsonl")
            with open(q, "w") as f:
                f.write('{"id": 7, "text": "Margins will expand."}\n{"text": "I would wait."}\n')
            with open(os.path.join(SRC, "training", "corpus.jsonl")) as f, open(data, "w") as g:
                g.writelines(f.readline() for _ in range(200))
            for args in (["score", "--format", "jsonl", "--explain", "3", art],
                         ["segment", "--format", "jsonl", art],
                         ["score", "--quotes", q, "--explain"],
                         ["eval", "--json", data],
                         ["bench", "--json", "--quotes", "200", "--articles", "4", "--libsvm-quotes", "5",
                          "--reps", "1"]):
                p = subprocess.run([STANCE] + args, capture_output=True, text=True)
                self.assertEqual(p.returncode, 0, p.stderr)
                dec, out, pos = json.JSONDecoder(), p.stdout, 0
                while out[pos:].strip():
                    pos += len(out[pos:]) - len(out[pos:].lstrip())
                    doc, pos = dec.raw_decode(out, pos)
                    keys(doc, fields)
        labels = {"bullish", "critical", "cautious"}  # keys of probabilities / per_label / counts
        missing = sorted(f for f in fields - labels if f not in self.bold)
        self.assertEqual(missing, [], "JSON fields the man page does not name")
        self.assertIn("line", fields)
        self.assertIn("evidence", fields)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
