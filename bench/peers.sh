#!/usr/bin/env bash
# peers.sh — stance against fastText and liblinear, all as whole processes.
#
#   N=200000 REPS=5 bench/peers.sh
#
# Needs `fasttext` and `liblinear-train`/`liblinear-predict` (Debian: fasttext,
# liblinear-tools). Both peers are trained on the train split of training/corpus.jsonl:
#   fastText   `fasttext supervised` on "__label__X text" lines (stance_bench --emit-fasttext),
#              word bigrams hashed into 2^18 buckets (stance's feature space; the default
#              2M buckets make an 800 MB model whose loading dominates), 25 epochs;
#              `fasttext predict MODEL FILE` on the raw quote lines.
#   liblinear  L2-regularised logistic regression (-s 0) on stance's own feature vectors
#              (stance_bench --emit-libsvm: same hashing, n-grams, negation and lexicon
#              features, L2-normalised); `liblinear-predict -b 1` (probabilities, as stance
#              gives) on the same N quotes already vectorised (stance_bench
#              --emit-libsvm-quotes): its time excludes featurization, stance's does not.
# Then `stance score --lines` and `--quotes` (-j 1) on the same N quotes. One warm-up run,
# REPS timed runs, median wall time, output to /dev/null (fasttext and liblinear-predict
# write their predictions to a file, which is /dev/null here too).
source "$(dirname "$0")/common.sh"

N=${N:-200000}
for t in fasttext liblinear-train liblinear-predict; do
    command -v "$t" > /dev/null || { echo "peers.sh: $t not installed (Debian: fasttext, liblinear-tools); skipped" >&2; exit 0; }
done

DATA=$ROOT/training/corpus.jsonl
Q=$WORK/quotes-$N.txt
J=$WORK/quotes-$N.jsonl
V=$WORK/quotes-$N.svm
[ -s "$Q" ] || "$BENCH" --emit-quotes "$N" --seed "$SEED" > "$Q"
[ -s "$J" ] || "$BENCH" --emit-jsonl "$N" --seed "$SEED" > "$J"
[ -s "$V" ] || "$BENCH" --emit-libsvm-quotes "$N" --seed "$SEED" > "$V"

"$BENCH" --emit-fasttext "$DATA" --split train > "$WORK/ft-train.txt"
"$BENCH" --emit-libsvm "$DATA" --split train > "$WORK/ll-train.svm"
fasttext supervised -input "$WORK/ft-train.txt" -output "$WORK/ft" -epoch 25 -wordNgrams 2 -bucket 262144 -seed "$SEED" \
    -verbose 0 > /dev/null
liblinear-train -s 0 -q "$WORK/ll-train.svm" "$WORK/ll.model" > /dev/null

machine
echo "corpus: $N generated quotes (seed $SEED), $(wc -c < "$Q") bytes as lines; peers trained on" \
    "$(wc -l < "$WORK/ft-train.txt") train-split quotes; $REPS runs each, median wall time"
echo

: > "$WORK/empty"
add_cmd fasttext0 fasttext predict "$WORK/ft.bin" "$WORK/empty"
add_cmd liblinear0 liblinear-predict -b 1 "$WORK/empty" "$WORK/ll.model" /dev/null
add_cmd stance0 "$STANCE" score --lines "$WORK/empty"
add_cmd fasttext fasttext predict "$WORK/ft.bin" "$Q"
add_cmd liblinear liblinear-predict -b 1 "$V" "$WORK/ll.model" /dev/null
add_cmd lines "$STANCE" score --lines "$Q" -j 1
add_cmd quotes "$STANCE" score --quotes "$J" -j 1

run_all

printf '%-44s %8s %8s %12s %10s\n' run "wall s" "CPU s" quotes/s "peak RSS"
row() { printf '%-44s %8.3f %8.2f %12s %7d MB\n' "$2" "${T[$1]}" "${CPU[$1]}" "$3" "$((RSS[$1] / 1024))"; }
row fasttext0 "start-up: fasttext predict, empty input" -
row liblinear0 "start-up: liblinear-predict, empty input" -
row stance0 "start-up: stance score, empty input" -
row fasttext "fasttext predict (raw lines)" "$(rate "$N" fasttext)"
row liblinear "liblinear-predict -b 1 (pre-vectorised)" "$(rate "$N" liblinear)"
row lines "stance score --lines -j 1" "$(rate "$N" lines)"
row quotes "stance score --quotes -j 1" "$(rate "$N" quotes)"
echo "(quotes/s from the median wall time, start-up included)"
echo

sub() { awk -v a="${T[$1]}" -v s="${T[$2]}" 'BEGIN {print a - s}'; }
echo "speed ratios (this run)                    target   wall   wall-start-up   CPU"
line() { # label target peer peer0 ours ours0
    printf '  %-40s %-6s %5s   %5s           %5s\n' "$1" "$2" "$(ratio "${T[$3]}" "${T[$5]}")" \
        "$(ratio "$(sub "$3" "$4")" "$(sub "$5" "$6")")" "$(ratio "${CPU[$3]}" "${CPU[$5]}")"
}
line "stance --lines  / fasttext predict" ">= 7" fasttext fasttext0 lines stance0
line "stance --quotes / fasttext predict" ">= 2" fasttext fasttext0 quotes stance0
line "stance --lines  / liblinear-predict" "" liblinear liblinear0 lines stance0
