#!/usr/bin/env bash
# Every resize anchor that can run here, then one summary table. The entry
# point of `make bench-anchors` for the resize workload.
#
#   bench/anchors/resize/run.sh
#
# Environment: RUNS (batch runs per tool, default 3), REPEATS (Pillow's
# single-image repeats, default 7), COUNT (-count of the Go benchmarks,
# default 5), PROCS (cores for the batch, default 2), CORESCALE_BIN (default
# ./corescale), RESULTS (also write the RESULT lines to this file).
#
# What it runs (see README.md):
#   1. makejpegs: the 6000x4000 testchart.Photo chart as PNG and 100 1920x1080
#      charts as JPEG (Q90), in a temporary folder removed at the end;
#   2. bench_pillow.py on the PNG: Pillow LANCZOS, exact and reducing_gap=3;
#   3. cpu/resize's BenchmarkLarge, when that package has it: corescale's
#      engine on the same job, exact and fast, 1 and 2 workers;
#   4. the imaging benchmarks (github.com/disintegration/imaging), in the
#      bench/anchors module;
#   5. batch.sh on the JPEGs: vipsthumbnail, Pillow Pool(PROCS), corescale.
# Tools that are not installed are skipped with a message. Every figure is a
# median; MP/s counts input megapixels per wall second, MP/cpu-s per second
# of CPU time (user + system) — per core, and steadier on a shared machine.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh"
RUNS=${RUNS:-3}
REPEATS=${REPEATS:-7}
COUNT=${COUNT:-5}
PROCS=${PROCS:-2}
PY=/usr/bin/python3
export RUNS PROCS

anchors_work corescale-anchors
cd "$root" || exit 1

# gobench NAME-PREFIX: Go benchmark output on stdin to RESULT lines, the
# median over -count of ns/op, MP/s and MP/cpu-s per benchmark.
gobench() {
	awk -v prefix="$1" '
		function median(s,   a, n, i, j, t) {
			n = split(s, a, " ")
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		/^Benchmark/ {
			name = $1; sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name)
			if (!(name in seen)) { seen[name] = 1; order[++n] = name }
			runs[name]++
			for (i = 3; i <= NF; i++) {
				if ($i == "ns/op") ns[name] = ns[name] " " $(i - 1)
				if ($i == "MP/s") mps[name] = mps[name] " " $(i - 1)
				if ($i == "MP/cpu-s") cpu[name] = cpu[name] " " $(i - 1)
			}
		}
		END {
			for (k = 1; k <= n; k++) {
				name = order[k]
				printf "RESULT tool=%s job=%s runs=%d median_s=%.4f", prefix, name, runs[name], median(ns[name]) / 1e9
				if (mps[name] != "") printf " mp_per_s=%.1f", median(mps[name])
				if (cpu[name] != "") printf " mp_per_cpu_s=%.1f", median(cpu[name])
				printf "\n"
			}
		}'
}

echo "== inputs" >&2
if ! command -v go >/dev/null; then
	echo "go not found: nothing to compare with" >&2
	exit 1
fi
(cd bench/anchors && go build -o "$work/makejpegs" ./resize/makejpegs) || exit 1
"$work/makejpegs" -png "$work/photo-6000x4000.png" -size 6000x4000 -seed 1 || exit 1
"$work/makejpegs" -out "$work/jpegs" -n 100 -size 1920x1080 -quality 90 || exit 1
export CORESCALE_JPEG_DIR=$work/jpegs

echo "== Pillow, one 24 MP image" >&2
if $PY -c 'import PIL' 2>/dev/null; then
	$PY "$here/bench_pillow.py" "$work/photo-6000x4000.png" --repeats "$REPEATS" | tee -a "$results"
else
	echo "Pillow not installed for $PY (apt-get install python3-pil python3-numpy): skipped" >&2
fi

echo "== corescale engine (cpu/resize BenchmarkLarge), one 24 MP image" >&2
if grep -qs 'func BenchmarkLarge' cpu/resize/*_test.go; then
	go test -run '^$' -bench '^BenchmarkLarge$' -count "$COUNT" ./cpu/resize | tee "$work/engine.txt" >&2
	gobench corescale <"$work/engine.txt" | sed 's/job=Large\//job=24MP-lanczos3-/' | tee -a "$results"
else
	echo "cpu/resize has no BenchmarkLarge yet: skipped" >&2
fi

echo "== imaging (pure Go)" >&2
(cd bench/anchors && go test -run '^$' -bench . -count "$COUNT" ./resize/imaging) | tee "$work/imaging.txt" >&2
gobench imaging <"$work/imaging.txt" | sed 's/job=Large\//job=24MP-lanczos-/; s/job=Batch /job=batch100 /; s/job=BatchStages\/\([a-z]*\)/job=batch-stage-\1-10files-1core/' | tee -a "$results"

echo "== thumbnail batch" >&2
CORESCALE_BIN=${CORESCALE_BIN:-$root/corescale} "$here/batch.sh" "$work/jpegs" | tee -a "$results"

save_results

echo
echo "Resize anchors ($(nproc) cores; medians; MP = input megapixels)"
result_table --awk '
		if (kv["job"] == "lanczos") kv["job"] = "24MP lanczos (1 core)"
		if (kv["job"] == "lanczos_gap3") kv["job"] = "24MP lanczos gap3 (1 core)"' \
	tool -17 tool job -34 job median_s 9 "wall s" mp_per_s 9 MP/s mp_per_cpu_s 9 MP/cpu-s
