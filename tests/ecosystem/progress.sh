#!/bin/sh
# progress.sh STANCE SOURCE_DIR — the progress line shows on a terminal and only there.
# Under a pty (util-linux `script`), train, eval and score over several files draw a
# "\rWHAT STAGE [####....] done/total ..." line on stderr and clear it at the end;
# --quiet silences it; with stderr redirected to a file there is no progress at all
# (no carriage return, no bar, no escape code), only train's closing table.
set -eu
stance=$1 src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
command -v script >/dev/null 2>&1 || fail "util-linux 'script' is needed for a pty (Debian package bsdutils)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n 300 "$src/training/corpus.jsonl" > "$tmp/small.jsonl"
hp="--folds 2 --log2c_min -1 --log2c_max 0"
bar='\[[#.]{30}\] [0-9]+/[0-9]+ '

# on a terminal: script(1) copies everything the pty got to its stdout
script -qefc "'$stance' train '$tmp/small.jsonl' -o '$tmp/a.model' $hp" /dev/null > "$tmp/tty-train" ||
  fail "train under a pty"
grep -Eq "train (cv[^[]*|fit) +$bar" "$tmp/tty-train" || fail "no progress line from train on a terminal: $(cat -v "$tmp/tty-train" | head -3)"
grep -q "$(printf '\r\033\\[K')" "$tmp/tty-train" || fail "train does not clear its progress line"
grep -q "cross-validation (2 folds" "$tmp/tty-train" || fail "no table after training"
ok "train on a terminal: $(grep -Eo "train (cv[^[]*|fit) +$bar" "$tmp/tty-train" | tail -1)"

script -qefc "'$stance' train '$tmp/small.jsonl' -o '$tmp/q.model' $hp --quiet" /dev/null > "$tmp/tty-quiet" ||
  fail "train --quiet under a pty"
[ ! -s "$tmp/tty-quiet" ] || fail "train --quiet wrote to the terminal: $(cat -v "$tmp/tty-quiet" | head -3)"
ok "train --quiet on a terminal: silent"

script -qefc "'$stance' eval '$tmp/small.jsonl' --model '$tmp/a.model' >/dev/null" /dev/null > "$tmp/tty-eval" ||
  fail "eval under a pty"
grep -Eq "eval +$bar" "$tmp/tty-eval" || fail "no progress line from eval on a terminal: $(cat -v "$tmp/tty-eval" | head -3)"
ok "eval on a terminal: $(grep -Eo "eval +$bar" "$tmp/tty-eval" | tail -1)"

script -qefc "'$stance' score --format jsonl '$src/tests/segment/articles' >/dev/null" /dev/null > "$tmp/tty-score" ||
  fail "score under a pty"
grep -Eq "score +$bar" "$tmp/tty-score" || fail "no progress line from score over a folder on a terminal"
ok "score over a folder on a terminal: $(grep -Eo "score +$bar" "$tmp/tty-score" | tail -1)"

# stderr is a file: no progress, even when stdout is a terminal
no_progress() { # what file
  if grep -q "$(printf '\r')" "$2" || grep -Eq "$bar" "$2" || grep -q "$(printf '\033')" "$2"; then
    fail "$1 wrote progress to a file: $(cat -v "$2" | head -3)"
  fi
}
script -qefc "'$stance' train '$tmp/small.jsonl' -o '$tmp/b.model' $hp 2>'$tmp/train.err'" /dev/null >/dev/null ||
  fail "train with stderr to a file"
no_progress train "$tmp/train.err"
grep -q "cross-validation (2 folds" "$tmp/train.err" || fail "train's table is missing from stderr"
cmp -s "$tmp/a.model" "$tmp/b.model" || fail "the model depends on whether stderr is a terminal"
"$stance" eval "$tmp/small.jsonl" --model "$tmp/a.model" >/dev/null 2>"$tmp/eval.err" || fail "eval"
[ ! -s "$tmp/eval.err" ] || fail "eval wrote to stderr when it is a file: $(cat -v "$tmp/eval.err")"
"$stance" score --format jsonl "$src/tests/segment/articles" >/dev/null 2>"$tmp/score.err" || fail "score"
[ ! -s "$tmp/score.err" ] || fail "score wrote to stderr when it is a file: $(cat -v "$tmp/score.err" | head -3)"
ok "stderr to a file: no progress from train, eval or score"
echo PASS
