# common.sh — shared by bench/whole.sh and bench/peers.sh (sourced, not run).
#
# add_cmd NAME CMD...   registers a command; run_all then runs every registered command
#                       once to warm the page cache, then REPS rounds, each round running
#                       every command once in turn (interleaved, so a change in machine load
#                       hits all of them alike), stdout to /dev/null. It records per NAME:
#                       T[NAME]   median wall time (s)
#                       CPU[NAME] median user+system CPU time (s), from /usr/bin/time
#                       RSS[NAME] largest peak RSS (KiB), from /usr/bin/time
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$ROOT/build-bench}
STANCE=${STANCE:-$BUILD/stance}
BENCH=${BENCH:-$BUILD/bench/stance_bench}
JLOOP=${JLOOP:-$BUILD/bench/jansson_loop}
WORK=${WORK:-${TMPDIR:-/tmp}/stance-bench}
REPS=${REPS:-5}
SEED=${SEED:-1}
mkdir -p "$WORK"

for b in "$STANCE" "$BENCH" "$JLOOP"; do
    [ -x "$b" ] || { echo "missing $b: build first (cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release && cmake --build build-bench)" >&2; exit 1; }
done
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }

declare -A T CPU RSS CMDS
NAMES=()

now_ns() { date +%s%N; }

median() { sort -g | awk '{v[NR]=$1} END {if (NR%2) print v[(NR+1)/2]; else print (v[NR/2]+v[NR/2+1])/2}'; }

add_cmd() {
    local name=$1
    shift
    NAMES+=("$name")
    CMDS[$name]=$(printf '%q ' "$@")
}

run_all() {
    local name r a b line
    declare -A walls cpus
    for name in "${NAMES[@]}"; do
        eval "${CMDS[$name]}" > /dev/null 2> "$WORK/warmup.err" ||
            { echo "$name: command failed: ${CMDS[$name]}" >&2; cat "$WORK/warmup.err" >&2; exit 1; }
        walls[$name]=""
        cpus[$name]=""
        RSS[$name]=0
    done
    for ((r = 0; r < REPS; r++)); do
        for name in "${NAMES[@]}"; do
            a=$(now_ns)
            eval "/usr/bin/time -f '%U %S %M' -o '$WORK/time.txt' ${CMDS[$name]}" > /dev/null 2> /dev/null
            b=$(now_ns)
            walls[$name]+="$(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.6f", (b - a) / 1e9}') "
            line=$(tail -n 1 "$WORK/time.txt")
            cpus[$name]+="$(echo "$line" | awk '{printf "%.2f", $1 + $2}') "
            m=$(echo "$line" | awk '{print $3}')
            ((m > RSS[$name])) && RSS[$name]=$m
        done
    done
    for name in "${NAMES[@]}"; do
        T[$name]=$(printf '%s\n' ${walls[$name]} | median)
        CPU[$name]=$(printf '%s\n' ${cpus[$name]} | median)
    done
    NAMES=()
}

# rate COUNT NAME -> items per second
rate() { awk -v n="$1" -v t="${T[$2]}" 'BEGIN {printf "%.0f", n / t}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }

machine() {
    echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "compiler: $(grep -m1 CMAKE_C_COMPILER: "$BUILD/CMakeCache.txt" | cut -d= -f2) ($(cc --version | head -n 1)), build type $(grep -m1 CMAKE_BUILD_TYPE: "$BUILD/CMakeCache.txt" | cut -d= -f2)"
    echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
}
