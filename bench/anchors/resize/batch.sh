#!/usr/bin/env bash
# The thumbnail batch anchor: 100 photo-like 1920x1080 JPEGs (quality 90) to
# 600-pixel-wide JPEG thumbnails (quality 85, Lanczos) on PROCS cores, timed
# with each tool that is installed; tools that are not are skipped with a
# message.
#
#   bench/anchors/resize/batch.sh [JPEG_DIR]
#
# JPEG_DIR: use these JPEGs instead of making them (made with
# `cd bench/anchors && go run ./resize/makejpegs -out DIR`, seeds 1..100).
#
# Environment: RUNS (default 3; the median is reported), PROCS (default 2),
# CORESCALE_BIN (default ./corescale at the repository root),
# CORESCALE_RESIZE_FLAGS (default "--size 600x --quality 85 --format jpeg --quiet").
#
# Tools, each run into a fresh output folder and timed from outside (wall
# clock, process start-up included):
#   vipsthumbnail       PROCS processes (xargs -P), libvips' default threads
#   vipsthumbnail-1t    the same with VIPS_CONCURRENCY=1 (one thread each)
#   pillow-resize       batch_pillow.py, Pool(PROCS), full decode + LANCZOS
#   pillow-thumbnail    batch_pillow.py, Pool(PROCS), Image.thumbnail
#                       (JPEG draft decode at reduced scale + reducing_gap 2)
#   corescale           corescale resize --workers PROCS, once it has the command
#   corescale-procs     PROCS processes of corescale resize --workers 1, the
#                       files split as for vipsthumbnail
# Note that vipsthumbnail, like Pillow's thumbnail, shrinks JPEGs while
# decoding them (libjpeg's DCT scaling), so it skips most of the work.
#
# One line per tool on stdout:
#   RESULT tool=vipsthumbnail job=batch100 files=100 procs=2 runs=3 median_s=1.93 min_s=1.90 cpu_s=3.70 mp_per_s=107.4 mp_per_cpu_s=56.0
# median_s/min_s: wall seconds; cpu_s: median user+system seconds of all the
# processes; mp_per_s: input megapixels (100 x 1920 x 1080 = 207.4 MP) per
# wall second of the median run; mp_per_cpu_s: per CPU second, which is
# per core and much steadier when other work shares the machine.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
RUNS=${RUNS:-3}
PROCS=${PROCS:-2}
PY=/usr/bin/python3
CORESCALE_BIN=$(realpath -- "${CORESCALE_BIN:-$root/corescale}") # the procs run cds
CORESCALE_RESIZE_FLAGS=${CORESCALE_RESIZE_FLAGS:---size 600x --quality 85 --format jpeg --quiet}

work=$(mktemp -d "${TMPDIR:-/tmp}/corescale-batch.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
	in=$(cd "$1" && pwd)
else
	in=$work/in
	echo "# making 100 JPEGs (1920x1080, Q90) in $in" >&2
	(cd "$root/bench/anchors" && go run ./resize/makejpegs -out "$in" -n 100 -size 1920x1080 -quality 90)
fi
nfiles=$(find "$in" -maxdepth 1 -name '*.jpg' | wc -l)
if [ "$nfiles" -eq 0 ]; then
	echo "batch.sh: no *.jpg in $in" >&2
	exit 2
fi
# Input megapixels, from the files' headers.
mp=$($PY - "$in" <<'EOF' 2>/dev/null || echo ""
import os, sys
from PIL import Image
d = sys.argv[1]
print(sum(Image.open(os.path.join(d, n)).size[0] * Image.open(os.path.join(d, n)).size[1]
          for n in os.listdir(d) if n.endswith(".jpg")) / 1e6)
EOF
)
if [ -z "$mp" ]; then
	mp=$(awk -v n="$nfiles" 'BEGIN { print n * 1920 * 1080 / 1e6 }') # assume the standard size
fi
echo "# $nfiles files, $mp MP in, $PROCS processes/workers, median of $RUNS runs" >&2

# timeit NAME COMMAND...: runs COMMAND (with $out set to a fresh folder) RUNS
# times, each after dropping the previous output, and prints the RESULT line.
# Wall time and CPU time (user + system of every process it started) are
# both kept: on a shared machine the CPU time is the steadier figure.
timeit() {
	local name=$1
	shift
	local i made TIMEFORMAT='%R %U %S'
	: >"$work/times"
	for ((i = 0; i < RUNS; i++)); do
		out=$work/out-$name-$i
		rm -rf "$work"/out-*
		mkdir -p "$out"
		if ! { time "$@" >"$work/log" 2>&1; } 2>"$work/time"; then
			echo "# $name failed:" >&2
			tail -5 "$work/log" >&2
			return 0
		fi
		made=$(find "$out" -name '*.jpg' | wc -l)
		if [ "$made" -ne "$nfiles" ]; then
			echo "# $name wrote $made of $nfiles thumbnails; not counted" >&2
			return 0
		fi
		tail -1 "$work/time" >>"$work/times"
	done
	awk -v name="$name" -v mp="$mp" -v n="$nfiles" -v procs="$PROCS" '
		function median(a, k,   i, j, t) {
			for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		{ wall[NR] = $1; cpu[NR] = $2 + $3; if (NR == 1 || $1 < best) best = $1 }
		END {
			w = median(wall, NR); c = median(cpu, NR)
			printf "RESULT tool=%s job=batch%d files=%d procs=%d runs=%d median_s=%.3f min_s=%.3f cpu_s=%.3f mp_per_s=%.1f mp_per_cpu_s=%.1f\n", name, n, n, procs, NR, w, best, c, mp / w, mp / c
		}' "$work/times"
}

vips_batch() {
	# PROCS processes, the files split evenly between them.
	local per=$(((nfiles + PROCS - 1) / PROCS))
	(cd "$in" && ls -- *.jpg | xargs -P "$PROCS" -n "$per" vipsthumbnail --size 600x -o "$out/%s.jpg[Q=85]")
}
vips_batch_1t() { VIPS_CONCURRENCY=1 vips_batch; }

if command -v vipsthumbnail >/dev/null; then
	echo "# $(vipsthumbnail --vips-version 2>/dev/null || vips --version)" >&2
	timeit vipsthumbnail vips_batch
	timeit vipsthumbnail-1t vips_batch_1t
else
	echo "# vipsthumbnail not installed (apt-get install libvips-tools): skipped" >&2
fi

if $PY -c 'import PIL' 2>/dev/null; then
	pillow_resize() { $PY "$here/batch_pillow.py" "$in" "$out" --procs "$PROCS" --method resize; }
	pillow_thumb() { $PY "$here/batch_pillow.py" "$in" "$out" --procs "$PROCS" --method thumbnail; }
	echo "# Pillow $($PY -c 'import PIL; print(PIL.__version__)')" >&2
	timeit pillow-resize pillow_resize
	timeit pillow-thumbnail pillow_thumb
else
	echo "# Pillow not installed for $PY (apt-get install python3-pil): skipped" >&2
fi

if [ -x "$CORESCALE_BIN" ] && "$CORESCALE_BIN" resize --help >/dev/null 2>&1; then
	# shellcheck disable=SC2086 # the flags are meant to split
	corescale_batch() { "$CORESCALE_BIN" resize $CORESCALE_RESIZE_FLAGS --workers "$PROCS" --out "$out" "$in"; }
	# One process per core, the files split as for vipsthumbnail: the
	# in-process batch must scale at least as well.
	corescale_procs() {
		local per=$(((nfiles + PROCS - 1) / PROCS))
		# shellcheck disable=SC2086
		(cd "$in" && ls -- *.jpg | xargs -P "$PROCS" -n "$per" "$CORESCALE_BIN" resize $CORESCALE_RESIZE_FLAGS --workers 1 --out "$out")
	}
	timeit corescale corescale_batch
	timeit corescale-procs corescale_procs
else
	echo "# $CORESCALE_BIN missing or without a resize command (make build): skipped" >&2
fi
