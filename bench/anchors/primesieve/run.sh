#!/usr/bin/env bash
# corescale's prime ranges against primesieve (Debian's primesieve 11), side
# by side in one run: whole processes, each pair interleaved (a, b, a, b, ...)
# so that a busy machine slows both alike, then one summary table. The entry
# point of `make bench-anchors` for the range workloads.
#
#   bench/anchors/primesieve/run.sh
#
# Environment: RUNS (runs per command, default 5), CORESCALE_BIN (default
# ./corescale), RESULTS (also write the RESULT lines to this file), QUICK=1
# (ranges 10x shorter, for a smoke test), SIEVE=1 (also the sieve-* jobs),
# JOBS (an extended regular expression: only the jobs whose names match it,
# e.g. JOBS='^(count|scale)-1e12' while working on the sieve at 10^12).
#
# Jobs (the targets of issue #13):
#   count-1e12     count [10^12, 10^12 + 10^9]: primesieve -t 1 vs --workers 1,
#                  and primesieve -t 2 vs --workers 2
#   scale-1e12     the same count, our --workers 1 vs our --workers 2 (the
#                  issue asks for 1.8x)
#   count-1e18     count [10^18, 10^18 + 10^8], primesieve -t 1 vs --workers 1,
#                  and vs --workers 2
#   count-top      count [2^64 - 10^9, 2^64 - 1], the same two
#   print-1e6      the first 10^6 primes ([0, 15485863]) printed to a file:
#                  primesieve --print vs --print primes (one core each)
#   print-1e12     the 1.0 M primes of [10^12, 10^12 + 2.8 10^7], the same
#   sieve-1e15, sieve-1e18, sieve-top (with SIEVE=1)
#                  count [10^15, +10^9], [10^18, +10^9], [2^64 - 10^9,
#                  2^64 - 1] with --range-method sieve (the bucket sieve
#                  of the large primes; auto takes the hybrid at the last
#                  two): primesieve -t 1 vs --workers 1
# Every figure is a median over RUNS: wall seconds, user+system CPU seconds
# (steadier on a shared machine) and peak RSS. ratio = the first command's
# wall / the second's (above 1: the second, corescale, is faster);
# cpu_ratio the same for CPU seconds.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh"
RUNS=${RUNS:-5}
BIN=${CORESCALE_BIN:-$root/corescale}
PS=$(command -v primesieve || true)

if [ -z "$PS" ]; then
	echo "primesieve not installed (apt-get install primesieve): nothing to compare with" >&2
	exit 1
fi
if [ ! -x "$BIN" ]; then
	echo "$BIN not built (make build, or set CORESCALE_BIN)" >&2
	exit 1
fi

anchors_work corescale-primesieve

# 2^64 - e9 is past the shell's arithmetic: written out.
e9=1000000000
e8=100000000
topfrom=18446744072709551616
if [ "${QUICK:-}" = 1 ]; then
	e9=100000000
	e8=10000000
	topfrom=18446744073609551616
fi
top=18446744073709551615

# pair JOB THEIRS OURS -- CMD1... -- CMD2... (lib.sh): RUNS interleaved
# runs of each, their outputs compared byte for byte (the count, or the list
# of primes), and the two RESULT lines.

to12=$((1000000000000 + e9))
to18=$((1000000000000000000 + e8))
print12=$((1000000000000 + 28 * e9 / 1000))
cs=("$BIN" prime --print count)
pair count-1e12 primesieve-t1 corescale-w1 -- "$PS" 1000000000000 "$to12" --count -t 1 -q -- "${cs[@]}" --from 1000000000000 --to "$to12" --workers 1
pair count-1e12-2cores primesieve-t2 corescale-w2 -- "$PS" 1000000000000 "$to12" --count -t 2 -q -- "${cs[@]}" --from 1000000000000 --to "$to12" --workers 2
pair scale-1e12 corescale-w1 corescale-w2 -- "${cs[@]}" --from 1000000000000 --to "$to12" --workers 1 -- "${cs[@]}" --from 1000000000000 --to "$to12" --workers 2
pair count-1e18 primesieve-t1 corescale-w1 -- "$PS" 1000000000000000000 "$to18" --count -t 1 -q -- "${cs[@]}" --from 1000000000000000000 --to "$to18" --workers 1
pair count-1e18-w2 primesieve-t1 corescale-w2 -- "$PS" 1000000000000000000 "$to18" --count -t 1 -q -- "${cs[@]}" --from 1000000000000000000 --to "$to18" --workers 2
pair count-top primesieve-t1 corescale-w1 -- "$PS" "$topfrom" "$top" --count -t 1 -q -- "${cs[@]}" --from "$topfrom" --to "$top" --workers 1
pair count-top-w2 primesieve-t1 corescale-w2 -- "$PS" "$topfrom" "$top" --count -t 1 -q -- "${cs[@]}" --from "$topfrom" --to "$top" --workers 2
pair print-1e6 primesieve-t1 corescale-w1 -- "$PS" 0 15485863 --print -t 1 -- "$BIN" prime --from 0 --to 15485863 --workers 1
pair print-1e12 primesieve-t1 corescale-w1 -- "$PS" 1000000000000 "$print12" --print -t 1 -- "$BIN" prime --from 1000000000000 --to "$print12" --workers 1
if [ "${SIEVE:-}" = 1 ]; then
	to15=$((1000000000000000 + e9))
	to18b=$((1000000000000000000 + e9))
	pair sieve-1e15 primesieve-t1 corescale-w1 -- "$PS" 1000000000000000 "$to15" --count -t 1 -q -- "${cs[@]}" --from 1000000000000000 --to "$to15" --workers 1 --range-method sieve
	pair sieve-1e18 primesieve-t1 corescale-w1 -- "$PS" 1000000000000000000 "$to18b" --count -t 1 -q -- "${cs[@]}" --from 1000000000000000000 --to "$to18b" --workers 1 --range-method sieve
	pair sieve-top primesieve-t1 corescale-w1 -- "$PS" "$topfrom" "$top" --count -t 1 -q -- "${cs[@]}" --from "$topfrom" --to "$top" --workers 1 --range-method sieve
fi

save_results

echo
echo "primesieve anchors ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg) at the end; medians of $RUNS interleaved runs; ratio = first wall / second wall)"
result_table job -19 job tool -15 tool median_s 9 "wall s" cpu_s 9 "cpu s" rss_kb 9 "rss KB" ratio 7 ratio cpu_ratio 9 "cpu ratio"
