#!/bin/sh
# parallel.sh STANCE SOURCE_DIR — scale-out with GNU parallel gives the bytes of one process.
# 3000 quotes (with ids) go through `parallel --pipe -k -N 500 stance score --quotes -`:
# six processes of 500 lines each, output kept in input order; the result must be
# byte-identical to a single `stance score --quotes -`, and to -j 4 inside one process.
set -eu
stance=$1 src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v parallel >/dev/null 2>&1 || fail "GNU parallel is not installed (Debian package parallel)"
parallel --version 2>/dev/null | head -n 1 | grep -q 'GNU parallel' || fail "'parallel' is not GNU parallel (moreutils?)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n 3000 "$src/training/corpus.jsonl" > "$tmp/q.jsonl"
[ "$(wc -l < "$tmp/q.jsonl")" -eq 3000 ] || fail "need 3000 quote lines"

"$stance" score --quotes - < "$tmp/q.jsonl" > "$tmp/one.jsonl" || fail "one process"
[ "$(wc -l < "$tmp/one.jsonl")" -eq 3000 ] || fail "one process: $(wc -l < "$tmp/one.jsonl") lines, want 3000"
parallel --will-cite --pipe -k -N 500 "'$stance'" score --quotes - < "$tmp/q.jsonl" > "$tmp/par.jsonl" ||
  fail "parallel --pipe"
cmp "$tmp/one.jsonl" "$tmp/par.jsonl" || fail "parallel --pipe -k -N 500 output differs from one process"
# the chunks really were separate processes: count them with a wrapper
cat > "$tmp/count.sh" <<W
#!/bin/sh
echo x >> '$tmp/calls'
exec '$stance' "\$@"
W
chmod +x "$tmp/count.sh"
parallel --will-cite --pipe -k -N 500 "$tmp/count.sh" score --quotes - < "$tmp/q.jsonl" > "$tmp/par2.jsonl"
[ "$(wc -l < "$tmp/calls")" -eq 6 ] || fail "expected 6 stance processes, saw $(wc -l < "$tmp/calls")"
cmp -s "$tmp/one.jsonl" "$tmp/par2.jsonl" || fail "second parallel run differs"
"$stance" score -j 4 --quotes - < "$tmp/q.jsonl" > "$tmp/j4.jsonl" || fail "-j 4"
cmp "$tmp/one.jsonl" "$tmp/j4.jsonl" || fail "-j 4 output differs from -j 1"
echo "ok: 3000 quotes, parallel --pipe -k -N 500 (6 processes) == one process == -j 4 ($(wc -c < "$tmp/one.jsonl") bytes)"
echo PASS
