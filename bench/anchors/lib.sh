# shellcheck shell=bash
# What the whole-process anchors (bench/anchors/*/run.sh) share: a work
# folder, timing a command from outside, paired interleaved runs, medians,
# RESULT lines and the summary table. A script sources it:
#
#   here=$(cd "$(dirname "$0")" && pwd)
#   . "$here/../lib.sh"
#
# anchors_work PREFIX   makes the work folder $work (removed at exit; KEEP=1
#                       keeps it and says where) and the empty $work/results,
#                       named $results, that RESULT lines are appended to
# median FILE COLUMN    the median of a column of numbers
# peak FILE COLUMN      its largest value
# ratio A B             A / B to two decimals; 0 when B is 0
# timed OUT CMD...      runs CMD once and appends "wall cpu rss_kb" to OUT:
#                       wall and user+system CPU seconds and peak RSS, from
#                       wait4 (cputime/cputime.c, built into $work on first use:
#                       microseconds, where /usr/bin/time rounds CPU to
#                       10 ms); CMD's stdout goes to OUT.out. A command that
#                       fails stops the script (exit 1).
# pair_runs JOB A-NAME B-NAME -- CMD-A... -- CMD-B...
#                       RUNS runs of each, interleaved (a, b, a, b, ...), so
#                       that a machine that slows down for a while (other
#                       tenants, clock changes) slows both alike and their
#                       ratio stays honest; into $work/JOB.a and $work/JOB.b
#                       (timed's lines). The two outputs must be the same
#                       bytes: else a "RESULT tool=check job=JOB
#                       status=MISMATCH" line.
# pair JOB THEIRS OURS -- CMD-A... -- CMD-B...
#                       pair_runs, then its two RESULT lines: median wall
#                       (median_s) and CPU seconds (cpu_s), peak RSS (rss_kb)
#                       of each, and on OURS' line ratio = THEIRS' wall /
#                       OURS' and cpu_ratio the same for CPU (above 1: ours,
#                       the second, is faster). With JOBS set (an extended
#                       regular expression), a JOB whose name does not match
#                       it is skipped.
# save_results          copies $results to $RESULTS when that is set
# result_table [--awk STATEMENTS] KEY WIDTH TITLE...
#                       the RESULT lines of $results as a table: a column per
#                       KEY (printf width: -12 left, 9 right); STATEMENTS run
#                       on each line first, with its fields in kv[KEY]. A
#                       line with a status (a mismatch) prints its first
#                       column and the status.
#
# Environment: RUNS (pair's runs per command; the script sets its default).

anchors_lib=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

anchors_work() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	if [ "${KEEP:-0}" = 1 ]; then
		# shellcheck disable=SC2064 # $work is fixed from here on
		trap "echo \"$(basename "$(dirname "$0")") anchors: work folder kept: $work\" >&2" EXIT
	else
		# shellcheck disable=SC2064
		trap "rm -rf '$work'" EXIT
	fi
	results=$work/results
	: >"$results"
}

median() {
	sort -g -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

peak() {
	sort -g -k"$2","$2" "$1" | tail -1 | awk -v c="$2" '{ print $c }'
}

ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0) ? a / b : 0 }'
}

timed() {
	local out=$1
	shift
	if [ ! -x "$work/cputime" ]; then
		"${CC:-cc}" -O2 -o "$work/cputime" "$anchors_lib/cputime/cputime.c" || exit 1
	fi
	if ! "$work/cputime" "$out.out" "$@" >>"$out"; then
		exit 1 # cputime said which command failed
	fi
}

pair_runs() {
	local job=$1
	shift 3
	[ "$1" = -- ] && shift
	local a=() b=() i
	while [ "$1" != -- ]; do a+=("$1"); shift; done
	shift
	b=("$@")
	local fa=$work/$job.a fb=$work/$job.b
	: >"$fa"
	: >"$fb"
	echo "== $job: ${a[*]}  vs  ${b[*]}" >&2
	for ((i = 0; i < RUNS; i++)); do
		timed "$fa" "${a[@]}"
		timed "$fb" "${b[@]}"
	done
	if ! cmp -s "$fa.out" "$fb.out"; then
		if [ "$(wc -l <"$fa.out")" -le 1 ] && [ "$(wc -l <"$fb.out")" -le 1 ]; then
			echo "$job: the outputs differ: $(cat "$fa.out") vs $(cat "$fb.out")" >&2
		else
			echo "$job: the outputs differ" >&2
		fi
		echo "RESULT tool=check job=$job status=MISMATCH" | tee -a "$results"
	fi
	rm -f "$fa.out" "$fb.out"
}

pair() {
	local job=$1 theirs=$2 ours=$3
	if [ -n "${JOBS:-}" ] && ! [[ $job =~ $JOBS ]]; then
		return # JOBS selects jobs by name, to rerun a few while working on them
	fi
	pair_runs "$@"
	local fa=$work/$job.a fb=$work/$job.b wa wb ca cb
	wa=$(median "$fa" 1)
	wb=$(median "$fb" 1)
	ca=$(median "$fa" 2)
	cb=$(median "$fb" 2)
	echo "RESULT tool=$theirs job=$job runs=$RUNS median_s=$wa cpu_s=$ca rss_kb=$(peak "$fa" 3)" | tee -a "$results"
	echo "RESULT tool=$ours job=$job runs=$RUNS median_s=$wb cpu_s=$cb rss_kb=$(peak "$fb" 3) ratio=$(ratio "$wa" "$wb") cpu_ratio=$(ratio "$ca" "$cb")" | tee -a "$results"
}

save_results() {
	if [ -n "${RESULTS:-}" ]; then
		cp "$results" "$RESULTS"
	fi
}

result_table() {
	local stmts="" spec=""
	if [ "$1" = --awk ]; then
		stmts=$2
		shift 2
	fi
	while [ $# -ge 3 ]; do
		spec="$spec$1|$2|$3;"
		shift 3
	done
	awk -v spec="$spec" '
		BEGIN {
			n = split(spec, cols, ";") - 1
			for (k = 1; k <= n; k++) {
				split(cols[k], c, "|"); key[k] = c[1]; width[k] = c[2]
				printf "%" width[k] "s%s", c[3], (k < n) ? " " : "\n"
			}
		}
		{
			delete kv
			for (i = 2; i <= NF; i++) { e = index($i, "="); kv[substr($i, 1, e - 1)] = substr($i, e + 1) }
			'"$stmts"'
			if ("status" in kv) { printf "%" width[1] "s %s\n", kv[key[1]], kv["status"]; next }
			for (k = 1; k <= n; k++) printf "%" width[k] "s%s", kv[key[k]], (k < n) ? " " : "\n"
		}
	' "$results"
}
