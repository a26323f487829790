#!/bin/sh
# install.sh BUILD_DIR PREFIX CONFIGURED_DATADIR — install stance into PREFIX (not the
# configured prefix) and use it the way a downstream project would:
#   1. the layout: versioned shared library (SONAME libstance.so.0), static library,
#      headers, executable, model, man page, stance.pc, CMake package;
#   2. a C program built against the INSTALLED library with pkg-config, and the same
#      program built by a CMake project with find_package(stance) (shared and static);
#      each prints the version and scores a quote, which must match the installed CLI;
#   3. the installed `stance` finds its model with no flags, and a copy of the prefix
#      moved elsewhere reads the model beside its own executable.
# PREFIX is left in place for the tests that use the installed library (Python binding).
# CFLAGS (sanitizer flags in a sanitized build) is passed to the consumer builds.
set -eu
build=$1 prefix=$2 configured_datadir=$3
CC=${CC:-cc}
CFLAGS=${CFLAGS:-}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

rm -rf "$prefix"
cmake --install "$build" --prefix "$prefix" >/dev/null || fail "cmake --install"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# ---- 1. layout
libdir=
for d in lib lib64 lib/x86_64-linux-gnu; do
  [ -e "$prefix/$d/libstance.so" ] && libdir=$prefix/$d && break
done
[ -n "$libdir" ] || fail "no libstance.so under $prefix"
for f in "$libdir/libstance.a" "$libdir/libstance.so.0.1.0" \
         "$prefix/include/stance.h" "$prefix/include/stance_export.h" "$prefix/include/stance_version.h" \
         "$prefix/bin/stance" "$prefix/share/stance/stance.model" "$prefix/share/man/man1/stance.1" \
         "$libdir/pkgconfig/stance.pc" "$libdir/cmake/stance/stanceConfig.cmake" \
         "$libdir/cmake/stance/stanceConfigVersion.cmake" "$libdir/cmake/stance/stanceTargets.cmake"; do
  [ -f "$f" ] || fail "missing $f"
done
[ "$(readlink "$libdir/libstance.so")" = libstance.so.0 ] || fail "libstance.so -> $(readlink "$libdir/libstance.so"), want libstance.so.0"
[ "$(readlink "$libdir/libstance.so.0")" = libstance.so.0.1.0 ] || fail "libstance.so.0 -> $(readlink "$libdir/libstance.so.0")"
soname=$(objdump -p "$libdir/libstance.so.0.1.0" | awk '$1 == "SONAME" {print $2}')
[ "$soname" = libstance.so.0 ] || fail "SONAME is '$soname', want libstance.so.0"
cmp -s "$prefix/share/stance/stance.model" "$(dirname "$0")/../../models/stance.model" ||
  fail "installed model differs from models/stance.model"
ok "layout: libstance.so -> libstance.so.0 -> libstance.so.0.1.0 (SONAME $soname), libstance.a, headers, stance, model, man page, stance.pc, CMake package"

# the public header compiles on its own, as C and as C++
printf '#include <stance.h>\nint main(void){return 0;}\n' > "$tmp/h.c"
$CC -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$prefix/include" "$tmp/h.c" || fail "stance.h alone (C)"
if command -v c++ >/dev/null 2>&1; then
  c++ -Wall -Wextra -Werror -fsyntax-only -x c++ -I"$prefix/include" "$tmp/h.c" || fail "stance.h as C++"
fi

# ---- 2. a consumer program
cat > "$tmp/consumer.c" <<'C'
#include <stance.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    printf("version %s header %s\n", stance_version(), STANCE_VERSION_STRING);
    stance_error err;
    stance_error_clear(&err);
    stance_model *m = NULL;
    char buf[800];
    if (stance_model_load(argv[1], &m, &err)) {
        fprintf(stderr, "%s\n", stance_error_format(&err, buf, sizeof buf));
        return 1;
    }
    stance_scratch *s = stance_scratch_new(m);
    stance_result r;
    if (!s || stance_score(m, s, argv[2], strlen(argv[2]), &r, &err)) {
        fprintf(stderr, "%s\n", stance_error_format(&err, buf, sizeof buf));
        return 1;
    }
    printf("%s %.6f\n", stance_model_label(m, (size_t)r.label), r.confidence);
    stance_scratch_free(s);
    stance_model_free(m);
    return 0;
}
C
model=$prefix/share/stance/stance.model
quote="Margins will keep expanding and I would be adding on any weakness; this is the cheapest way into the theme."
# what the installed CLI says (no flags: it must find its own model)
cli=$(cd "$tmp" && env -u STANCE_MODEL sh -c 'printf "%s\n" "$1" | "$2" score --lines - --format tsv' sh "$quote" "$prefix/bin/stance") ||
  fail "installed stance score with no --model"
want=$(printf '%s\n' "$cli" | awk -F'\t' 'NR == 2 {print $2 " " $3}')
[ -n "$want" ] || fail "no score from the installed CLI: $cli"
version=$("$prefix/bin/stance" --version | awk '{print $2}')
expect="version $version header $version
$want"

check_run() { # name program
  got=$("$2" "$model" "$quote") || fail "$1: the program failed"
  [ "$got" = "$expect" ] || fail "$1: got
$got
want
$expect"
  ok "$1: $(printf '%s' "$got" | tr '\n' ' ')"
}

# 2a. pkg-config
export PKG_CONFIG_PATH="$libdir/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
[ "$(pkg-config --modversion stance)" = "$version" ] || fail "pkg-config --modversion stance"
[ -f "$(pkg-config --variable=model stance)" ] || fail "pkg-config --variable=model: $(pkg-config --variable=model stance)"
# stance.pc is relocatable (paths relative to ${pcfiledir}): they must lead into PREFIX
incdir=$(pkg-config --cflags-only-I stance | sed 's/^ *-I//; s/ *$//')
[ "$(cd "$incdir" && pwd -P)" = "$(cd "$prefix/include" && pwd -P)" ] ||
  fail "pkg-config --cflags stance = '$(pkg-config --cflags stance)', not $prefix/include"
[ -f "$prefix/share/stance/python/stance.py" ] || fail "missing $prefix/share/stance/python/stance.py"
# shellcheck disable=SC2046
$CC -std=c11 -Wall -Wextra -Werror $CFLAGS -o "$tmp/consumer-pc" "$tmp/consumer.c" \
  $(pkg-config --cflags --libs stance) -Wl,-rpath,"$libdir" || fail "build with pkg-config"
objdump -p "$tmp/consumer-pc" | grep -q 'NEEDED.*libstance\.so\.0' || fail "consumer-pc does not link libstance.so.0"
ldd "$tmp/consumer-pc" | grep -q "libstance.so.0 => $libdir/libstance.so.0" ||
  fail "consumer-pc does not load the installed library: $(ldd "$tmp/consumer-pc" | grep stance)"
check_run "pkg-config (shared)" "$tmp/consumer-pc"

# 2b. CMake find_package(stance)
mkdir -p "$tmp/cm"
cp "$tmp/consumer.c" "$tmp/cm/"
cat > "$tmp/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer LANGUAGES C)
find_package(stance 0.1 REQUIRED)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE stance::stance)
add_executable(consumer_static consumer.c)
target_link_libraries(consumer_static PRIVATE stance::stance_static)
CM
cmake -S "$tmp/cm" -B "$tmp/cm/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_FLAGS="$CFLAGS" \
  -DCMAKE_BUILD_TYPE=Release >"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; fail "CMake configure with find_package(stance)"; }
cmake --build "$tmp/cm/build" >>"$tmp/cm.log" 2>&1 || { cat "$tmp/cm.log"; fail "CMake build against stance::stance"; }
ldd "$tmp/cm/build/consumer" | grep -q "libstance.so.0 => $libdir/libstance.so.0" ||
  fail "CMake consumer does not load the installed library: $(ldd "$tmp/cm/build/consumer" | grep stance)"
check_run "find_package(stance) stance::stance" "$tmp/cm/build/consumer"
if objdump -p "$tmp/cm/build/consumer_static" | grep -q 'NEEDED.*libstance'; then
  fail "stance::stance_static links the shared library"
fi
check_run "find_package(stance) stance::stance_static" "$tmp/cm/build/consumer_static"

# ---- 3. the model is found with no flags, from a prefix that is not the configured one
cp -a "$prefix" "$tmp/moved"
out=$(cd / && env -u STANCE_MODEL "$tmp/moved/bin/stance" score --lines - --format tsv <<Q
$quote
Q
) || fail "moved prefix: stance score with no --model"
[ "$out" = "$cli" ] || fail "moved prefix scores differently"
if [ -e "$configured_datadir/stance/stance.model" ]; then
  echo "note: $configured_datadir/stance/stance.model exists (the compiled-in path wins), so the" \
       "beside-the-executable lookup cannot be told apart here"
else
  # make the moved model invalid: the error must name the file beside the executable
  echo "not a model" > "$tmp/moved/share/stance/stance.model"
  if err=$(cd / && env -u STANCE_MODEL "$tmp/moved/bin/stance" score --lines - </dev/null 2>&1); then
    fail "moved prefix with a broken model still succeeded"
  fi
  case "$err" in *"$tmp/moved/bin/../share/stance/stance.model"*) ;;
    *) fail "moved prefix did not read the model beside its executable: $err" ;; esac
  ok "moved prefix reads bin/../share/stance/stance.model"
fi

# the man page renders
if command -v man >/dev/null 2>&1; then
  MANPATH="$prefix/share/man" man -w stance | grep -q "$prefix/share/man/man1/stance.1" || fail "man -w stance"
  ok "man -w stance finds $prefix/share/man/man1/stance.1"
else
  echo "note: man is not installed; man page rendering not checked"
fi
echo "PASS"
