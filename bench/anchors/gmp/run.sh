#!/usr/bin/env bash
# corescale's numbers above 2^64 against GMP's mpz_probab_prime_p(n, 0)
# (Debian's libgmp-dev), side by side in one run: whole processes on the
# same file, each pair interleaved (gmp, corescale, gmp, ...) so that a
# busy machine slows both alike, then one summary table. The entry point of
# `make bench-anchors` for issue #16.
#
#   bench/anchors/gmp/run.sh
#
# Environment: RUNS (runs per command, default 7), COUNT (numbers per
# file, every size; default per size, below), SIZES (default "128 256 512
# 2048"), CORESCALE_BIN (default ./corescale), RESULTS (also write the
# RESULT lines to this file), QUICK=1 (2,000 numbers, 3 runs, for a smoke
# test).
#
# The default count per size gives each run about 0.25 s or more of work
# on one core, ours (the faster side): 1,000,000 numbers at 128 bits,
# 600,000 at 256, 160,000 at 512, 20,000 at 2048 and above (GMP takes 1 to
# 7 s on each). With 20,000 at 128 bits GMP's whole run took 21 ms, and
# the start of a Go process of 26 MB (8 ms of CPU) and the GPU probe hid
# both the engine and its scaling over 2 workers; with 300,000,
# corescale's one worker took 80 ms, of which the start, which a second
# worker cannot share, was 7 ms: enough to hold 2 workers under 1.8 times
# one. The figures are per CPU-second either way, so a longer run is fair
# to GMP: its own start costs it less than a millisecond.
#
# Each file holds the count of random odd numbers with the top bit set, one per
# line in decimal (seeded: the same file every run). GMP's side is
# gmpprime.c (one core: it has no threads) printing the count of primes;
# corescale's is `prime --input FILE --print count`, with --workers 1
# against GMP, and --workers 2 against --workers 1 for the scaling. The
# counts must agree. Figures are medians over RUNS of user+system CPU
# seconds (wait4, microseconds) and wall seconds; numbers per CPU-second =
# count / CPU seconds; ratio = GMP's CPU seconds / corescale's (above 1:
# corescale does more per CPU-second). For 2 workers, speedup = the wall
# time of 1 worker / that of 2.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh"
RUNS=${RUNS:-7}
COUNT=${COUNT:-}
SIZES=${SIZES:-128 256 512 2048}
BIN=${CORESCALE_BIN:-$root/corescale}
PY=/usr/bin/python3
if [ "${QUICK:-}" = 1 ]; then
	COUNT=2000
	RUNS=3
fi

if [ ! -f /usr/include/gmp.h ] && [ ! -f /usr/include/x86_64-linux-gnu/gmp.h ]; then
	echo "GMP not installed (apt-get install libgmp-dev): nothing to compare with" >&2
	exit 1
fi
if [ ! -x "$BIN" ]; then
	echo "$BIN not built (make build, or set CORESCALE_BIN)" >&2
	exit 1
fi

anchors_work corescale-gmp
gcc -O2 -o "$work/gmpprime" "$here/gmpprime.c" -lgmp || exit 1
load=$(cut -d' ' -f1-3 /proc/loadavg)

# pair_runs JOB A-NAME B-NAME -- CMD-A... -- CMD-B... (lib.sh): RUNS
# interleaved runs of each; files $work/JOB.a and .b get "wall cpu rss_kb"
# per run; the outputs (the counts) must agree.

# count BITS: the numbers per file at that size.
count() {
	if [ -n "$COUNT" ]; then
		echo "$COUNT"
	elif [ "$1" -le 128 ]; then
		echo 1000000
	elif [ "$1" -le 256 ]; then
		echo 600000
	elif [ "$1" -le 512 ]; then
		echo 160000
	else
		echo 20000
	fi
}

for bits in $SIZES; do
	n=$(count "$bits")
	f=$work/n$bits.txt
	"$PY" -c '
import random, sys
bits, count = int(sys.argv[1]), int(sys.argv[2])
r = random.Random(bits)
for _ in range(count):
    print(r.getrandbits(bits - 2) << 1 | 1 << (bits - 1) | 1)
' "$bits" "$n" >"$f"
	pair_runs "gmp-$bits" gmp corescale-w1 -- "$work/gmpprime" "$f" -- "$BIN" prime --input "$f" --print count --workers 1
	g=$(median "$work/gmp-$bits.a" 2)
	c=$(median "$work/gmp-$bits.b" 2)
	echo "RESULT job=prime-$bits tool=gmp runs=$RUNS cpu_s=$g wall_s=$(median "$work/gmp-$bits.a" 1) count=$n per_cpu_s=$(awk -v n="$n" -v t="$g" 'BEGIN { printf "%.0f", n / t }')" | tee -a "$results"
	echo "RESULT job=prime-$bits tool=corescale-w1 runs=$RUNS cpu_s=$c wall_s=$(median "$work/gmp-$bits.b" 1) count=$n per_cpu_s=$(awk -v n="$n" -v t="$c" 'BEGIN { printf "%.0f", n / t }') ratio=$(awk -v a="$g" -v b="$c" 'BEGIN { printf "%.2f", a / b }')" | tee -a "$results"
	pair_runs "w2-$bits" corescale-w1 corescale-w2 -- "$BIN" prime --input "$f" --print count --workers 1 -- "$BIN" prime --input "$f" --print count --workers 2
	w1=$(median "$work/w2-$bits.a" 1)
	w2=$(median "$work/w2-$bits.b" 1)
	echo "RESULT job=prime-$bits tool=corescale-w2 runs=$RUNS count=$n load=$(cut -d" " -f1 /proc/loadavg) cpu_s=$(median "$work/w2-$bits.b" 2) wall_s=$w2 speedup=$(awk -v a="$w1" -v b="$w2" 'BEGIN { printf "%.2f", a / b }')" | tee -a "$results"
done

save_results

echo
echo "GMP anchors ($(nproc) cores; numbers per size in the count column; load average before: $load; medians of $RUNS interleaved runs; ratio = GMP CPU s / corescale CPU s; speedup = wall 1 worker / wall 2)"
result_table job -12 job tool -14 tool count 8 count cpu_s 9 "cpu s" wall_s 9 "wall s" per_cpu_s 10 n/cpu-s ratio 7 ratio speedup 8 speedup
