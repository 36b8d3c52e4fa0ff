#!/bin/sh
# Builds everything the benchmarks run, into OUT/build:
#   alphabet_plain   test/alphabet/v1 with `cc -O2` (no hcu)
#   alphabet_hcu     the same with `hcu-cc -O2`
#   p2.so .. p21.so  a chain of 20 patches: p2 = v2 (base: alphabet_hcu, with
#                    v2's datatype transformer), then v3, v2, v3, ... each
#                    built with --hcu-patch-for= the previous patch, so pK
#                    updates version K-1 to K
#   exec_alphabet    the exec baseline (update_pause/exec_baseline)
#   workload_plain / workload_hcu   steady_state/workload.c, cc -O2 / hcu-cc -O2
#
#   build.sh BIN_DIR OUT_DIR
set -eu
BIN=$1
OUT=$2
HERE=$(cd "$(dirname "$0")/.." && pwd) # benchmarks/
ROOT=$(cd "$HERE/.." && pwd)
SRC=$ROOT/test/alphabet
B=$OUT/build
CC=${CC:-cc}
HCU_CC=$BIN/hcu-cc
mkdir -p "$B"
NPATCHES=${BENCH_NPATCHES:-20}

$CC -O2 -o "$B/alphabet_plain" "$SRC/v1/alphabet.c"
"$HCU_CC" -O2 -o "$B/alphabet_hcu" "$SRC/v1/alphabet.c"
"$HCU_CC" -O2 --hcu-patch-for="$B/alphabet_hcu" --hcu-mapping="$SRC/v2/mapping.c" \
  -shared -o "$B/p2.so" "$SRC/v2/alphabet.c"
k=3
while [ $k -le $((NPATCHES + 1)) ]; do
  if [ $((k % 2)) -eq 1 ]; then v=v3; else v=v2; fi
  sed "s/@V@/$k/g" "$HERE/update_pause/mapping_template.c" >"$B/mapping_v$k.c"
  "$HCU_CC" -O2 --hcu-patch-for="$B/p$((k - 1)).so" --hcu-mapping="$B/mapping_v$k.c" \
    -shared -o "$B/p$k.so" "$SRC/$v/alphabet.c"
  k=$((k + 1))
done

$CC -O2 -Wall -o "$B/exec_alphabet" "$HERE/update_pause/exec_baseline/exec_alphabet.c"

$CC -O2 -o "$B/workload_plain" "$HERE/steady_state/workload.c"
"$HCU_CC" -O2 -o "$B/workload_hcu" "$HERE/steady_state/workload.c"
printf 'built:'
for f in "$B"/alphabet_* "$B"/p*.so "$B"/exec_alphabet "$B"/workload_*; do
  case $f in *.hcu.*) ;; *) printf ' %s' "${f##*/}" ;; esac
done
echo
