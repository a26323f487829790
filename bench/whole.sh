#!/usr/bin/env bash
# whole.sh — whole-process timings of `stance score` on generated quotes.
#
#   N=500000 REPS=5 STREAM_N=5000000 bench/whole.sh
#
# Generates N quotes (plain lines and JSONL, same text), then times, as whole processes
# with output to /dev/null: `stance score --lines` and `--quotes` with -j 1 and -j 2, the
# jansson-only parse-and-write loop (bench/tools/jansson_loop.c) over the same JSONL, and
# an empty run (model load and start-up). Each is run once to warm the page cache, then
# REPS times; the median wall time is reported. Finally the peak RSS of
# `stance score --quotes -` over a STREAM_N-quote stream generated on the fly into a pipe.
source "$(dirname "$0")/common.sh"

N=${N:-500000}
STREAM_N=${STREAM_N:-5000000}

Q=$WORK/quotes-$N.txt
J=$WORK/quotes-$N.jsonl
[ -s "$Q" ] || "$BENCH" --emit-quotes "$N" --seed "$SEED" > "$Q"
[ -s "$J" ] || "$BENCH" --emit-jsonl "$N" --seed "$SEED" > "$J"
QB=$(wc -c < "$Q")
JB=$(wc -c < "$J")

machine
echo "corpus: $N quotes, $QB bytes as lines, $JB bytes as JSONL; $REPS runs each, median wall time"
echo

add_cmd startup "$STANCE" score --lines /dev/null
add_cmd lines_j1 "$STANCE" score --lines "$Q" -j 1
add_cmd lines_j2 "$STANCE" score --lines "$Q" -j 2
add_cmd quotes_j1 "$STANCE" score --quotes "$J" -j 1
add_cmd quotes_j2 "$STANCE" score --quotes "$J" -j 2
add_cmd jansson "$JLOOP" "$J"

run_all

printf '%-34s %8s %8s %12s %8s %10s\n' run "wall s" "CPU s" quotes/s MB/s "peak RSS"
row() { # name label bytes
    printf '%-34s %8.3f %8.2f %12s %8.1f %7d MB\n' "$2" "${T[$1]}" "${CPU[$1]}" "$(rate "$N" "$1")" \
        "$(awk -v b="$3" -v t="${T[$1]}" 'BEGIN {print b / t / 1e6}')" "$((RSS[$1] / 1024))"
}
printf '%-34s %8.3f %8.2f %12s %8s %7d MB\n' "start-up (score --lines /dev/null)" "${T[startup]}" "${CPU[startup]}" - - \
    "$((RSS[startup] / 1024))"
row lines_j1 "stance score --lines -j 1" "$QB"
row lines_j2 "stance score --lines -j 2" "$QB"
row quotes_j1 "stance score --quotes -j 1" "$JB"
row quotes_j2 "stance score --quotes -j 2" "$JB"
row jansson "jansson_loop (parse + write)" "$JB"
echo "(quotes/s and MB/s from the median wall time, start-up included)"
echo

sub() { awk -v a="${T[$1]}" -v s="${T[startup]}" 'BEGIN {print a - s}'; }
echo "ratios (this run)                          target   wall   wall-start-up   CPU"
printf '  --quotes -j1 time / jansson loop time   <= 1.3   %5s   %5s           %5s\n' \
    "$(ratio "${T[quotes_j1]}" "${T[jansson]}")" "$(ratio "$(sub quotes_j1)" "${T[jansson]}")" \
    "$(ratio "${CPU[quotes_j1]}" "${CPU[jansson]}")"
printf '  --lines  -j2 speed-up over -j1          >= 1.7   %5s   %5s\n' \
    "$(ratio "${T[lines_j1]}" "${T[lines_j2]}")" "$(ratio "$(sub lines_j1)" "$(sub lines_j2)")"
printf '  --quotes -j2 speed-up over -j1          >= 1.7   %5s   %5s\n' \
    "$(ratio "${T[quotes_j1]}" "${T[quotes_j2]}")" "$(ratio "$(sub quotes_j1)" "$(sub quotes_j2)")"
echo

# Peak RSS of a long stream through a pipe: memory must not grow with the input.
if [ "$STREAM_N" -gt 0 ]; then
    for j in 1 2; do
        "$BENCH" --emit-jsonl "$STREAM_N" --seed $((SEED + 1)) |
            /usr/bin/time -f '%M %e' -o "$WORK/stream.txt" "$STANCE" score --quotes - -j $j > /dev/null
        read -r kb secs < <(tail -n 1 "$WORK/stream.txt")
        echo "stream: $STREAM_N quotes (~$((STREAM_N * JB / N / 1000000)) MB of JSONL) through a pipe into" \
            "'stance score --quotes - -j $j': peak RSS $((kb / 1024)) MB (target < 64 MB), ${secs} s"
    done
fi
