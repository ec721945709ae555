#!/usr/bin/env bash
# The thumbnail anchors of issue #12: corescale (exact and --fast) beside
# vipsthumbnail and Pillow's draft + thumbnail, whole processes, on
# photo-like JPEGs made here, with peak RSS and PSNR against Pillow's full
# decode + LANCZOS. The entry point of `make bench-anchors` for thumbnails.
#
#   bench/anchors/thumbnail/run.sh            # 10-15 minutes on 2 cores
#   QUICK=1 bench/anchors/thumbnail/run.sh    # small inputs, 2 rounds: a check
#
# Inputs (JPEG q90, each in 4:2:0 and in 4:4:4, same pixels): one 6000x4000,
# 100 x 1920x1080 and 30 x 4032x3024, to 600 px wide q85 (QUICK: 2400x1600,
# 10 x 960x540, 4 x 1600x1200, to 300 px).
#
# Environment:
#   CORESCALE_BIN  the binary to time (default ./corescale at the repository
#                  root; build it first with `make build`)
#   RUNS           timed rounds per job (default 5; QUICK 2)
#   CORES          core counts of the batch jobs (default 1,2; the one-image
#                  job runs on the largest)
#   QFILES         files per set in the quality pass (default 3; QUICK 2)
#   INPUTS         a folder to keep the generated inputs in and reuse on the
#                  next run (default: made in a temporary folder, removed)
#   REPORT         the Markdown report (default
#                  $TMPDIR/corescale-thumbnail-anchors-DATE.md)
#   KEEP=1         keep the work folder (outputs) and say where it is
#   SETS           which input sets to make and run (default single,hd,mp12)
#   SUBSAMPLING    which chroma layouts (default 420,444)
#
# Prints RESULT lines as the jobs finish, then the Markdown report. Exit
# status 2 when something it needs is missing (Python with Pillow, GNU time,
# the corescale binary); a tool that fails is reported in the table and the
# rest goes on.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck source=SCRIPTDIR/../lib.sh
. "$here/../lib.sh"
PY=/usr/bin/python3
tmp=${TMPDIR:-/tmp}

if [ "${QUICK:-0}" = 1 ]; then
	single=2400x1600 hd=960x540 nhd=10 mp12=1600x1200 nmp12=4 width=300
	RUNS=${RUNS:-2} QFILES=${QFILES:-2}
else
	single=6000x4000 hd=1920x1080 nhd=100 mp12=4032x3024 nmp12=30 width=600
	RUNS=${RUNS:-5} QFILES=${QFILES:-3}
fi
CORES=${CORES:-1,2}
SETS=${SETS:-single,hd,mp12}
SUBSAMPLING=${SUBSAMPLING:-420,444}
bin=${CORESCALE_BIN:-$root/corescale}
REPORT=${REPORT:-$tmp/corescale-thumbnail-anchors-$(date -u +%Y%m%d-%H%M%S).md}

die() {
	echo "thumbnail anchors: $*" >&2
	exit 2
}
[ -x "$bin" ] || die "$bin is not an executable: build it first (make build) or set CORESCALE_BIN"
"$bin" resize --help >/dev/null 2>&1 || die "$bin has no resize command"
$PY -c 'import PIL' 2>/dev/null || die "$PY cannot import PIL (apt-get install python3-pil)"
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing (apt-get install time): it measures peak RSS"
command -v vipsthumbnail >/dev/null || echo "thumbnail anchors: vipsthumbnail not installed (apt-get install libvips-tools): its column will show the failure" >&2

anchors_work corescale-thumbs

inputs=${INPUTS:-$work/in}
# makeset NAME SIZE COUNT SEED: the JPEGs of one set, unless INPUTS already
# holds that many of that size (a rerun with INPUTS skips the minute it takes).
makeset() {
	local have
	case ",$SETS," in *",$1,"*) ;; *) return ;; esac
	have=$( (find "$inputs/420/$1" "$inputs/444/$1" -name "$1-*.jpg" 2>/dev/null || true) | wc -l)
	if [ -f "$inputs/$1.size" ] && [ "$(cat "$inputs/$1.size")" = "$2 $3" ] && [ "$have" -eq $(($3 * 2)) ]; then
		echo "== inputs: $1 ($3 x $2) reused from $inputs" >&2
		return
	fi
	# Both layouts always, whatever SUBSAMPLING picks: a reuse finds the set whole.
	echo "== inputs: $1 ($3 x $2, JPEG q90, 4:2:0 and 4:4:4)" >&2
	rm -rf "$inputs/420/$1" "$inputs/444/$1" "$inputs/$1.size"
	$PY "$here/makeinputs.py" "$inputs" "$1" "$2" "$3" --seed "$4" --quality 90
	echo "$2 $3" >"$inputs/$1.size"
}
mkdir -p "$inputs"
makeset single "$single" 1 1
makeset hd "$hd" "$nhd" 2
makeset mp12 "$mp12" "$nmp12" 3

note=""
if [ "${QUICK:-0}" = 1 ]; then
	note="QUICK=1: small inputs and 2 rounds; a check of the script, not figures for #12."
fi
$PY "$here/harness.py" --bin "$bin" --inputs "$inputs" --work "$work" --runs "$RUNS" --width "$width" \
	--cores "$CORES" --qfiles "$QFILES" --sets "$SETS" --subs "$SUBSAMPLING" --md "$REPORT" --note "$note"
