#!/bin/sh
# Build the libFuzzer harnesses (clang, ASan+UBSan) and run each for SECONDS seconds.
#
#   tests/fuzz/run.sh [SECONDS] [HARNESS...]      default: 30 s, every harness
#
# Env: BUILD (default build-fuzz), JOBS (default 2), FUZZ_OUT (default $BUILD/fuzz-out).
# Each harness starts from tests/fuzz/corpus/<harness>/ plus the regressions, grows a
# working corpus in $FUZZ_OUT/<harness>/ (the committed seeds are never written to) and
# writes any crash, leak or timeout to $FUZZ_OUT/<harness>-crash-*. Exit 1 if any was found.
set -eu
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-30}
[ $# -gt 0 ] && shift
HARNESSES=${*:-"fuzz_segment fuzz_quotes fuzz_dataset fuzz_model fuzz_model_sum"}
BUILD=${BUILD:-build-fuzz}
JOBS=${JOBS:-2}
OUT=${FUZZ_OUT:-$BUILD/fuzz-out}

CC=${CC:-clang}
case "$CC" in *clang*) ;; *) CC=clang ;; esac
CC=$CC cmake -S . -B "$BUILD" -DSTANCE_FUZZ=ON -DSTANCE_SANITIZE=ON -DSTANCE_TESTS=OFF -DSTANCE_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target $HARNESSES >/dev/null

mkdir -p "$OUT"
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
failed=""
for h in $HARNESSES; do
  work="$OUT/$h"
  mkdir -p "$work"
  seeds="tests/fuzz/corpus/$h"
  regs=""
  [ -d "tests/fuzz/regressions/$h" ] && regs="tests/fuzz/regressions/$h"
  case $h in
    fuzz_segment) maxlen=16384 ;;
    fuzz_model*)  maxlen=12000 ;;
    *)            maxlen=8192 ;;
  esac
  echo "== $h: ${SECONDS_EACH}s"
  if ! "$BUILD/tests/fuzz/$h" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=4096 \
        -max_len="$maxlen" -print_final_stats=1 -artifact_prefix="$OUT/$h-" \
        "$work" "$seeds" $regs >"$OUT/$h.log" 2>&1; then
    failed="$failed $h"
    tail -n 40 "$OUT/$h.log"
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)|^Done ' "$OUT/$h.log" | tr '\n' ' '
  echo "corpus: $(ls "$work" | wc -l) files"
done
if [ -n "$failed" ]; then
  echo "fuzz: failures in:$failed (inputs in $OUT/)" >&2
  exit 1
fi
echo "fuzz: no crash in $(echo $HARNESSES | wc -w) harnesses x ${SECONDS_EACH}s"
