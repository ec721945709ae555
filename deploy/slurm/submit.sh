#!/usr/bin/env bash
# Submits a corescale job as a Slurm job array of N shards (corescale.sbatch,
# beside this script) and, for prime, a job that merges the shards' outputs
# once every task has succeeded (merge.sbatch).
#
#   deploy/slurm/submit.sh -n 16 --merge count.txt -- prime --from 1 --to 1e12 --print count
#   deploy/slurm/submit.sh -n 8 --gpu -- resize --size 300x --out /shared/thumbs /shared/photos
#
# With --merge FILE, each task writes DIR/shard-K-of-N (--output is added to
# the command; DIR is --dir), and the merge job runs `corescale merge --output
# FILE` on them after all tasks succeeded (--dependency=afterok). If a task
# fails, the merge job is cancelled (--kill-on-invalid-dep); run the failed
# shards again with --tasks, and --after the first array's job id so that the
# new merge job also waits for the first array's other tasks:
#
#   deploy/slurm/submit.sh -n 16 --tasks 3,7 --after 1234 --merge count.txt -- <same command>
#
# resize needs no merge: every task writes into the same output tree and a
# rerun skips the outputs that exist, so a failed task is just run again
# (--tasks, without --merge).
#
# Prints ARRAY_JOB=<id> and, with --merge, MERGE_JOB=<id> on stdout.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: submit.sh [OPTIONS] -- COMMAND [FLAGS...]

COMMAND is corescale's (prime, resize or bench) with its flags, without --shard.

  -n, --shards N       shards, one array task each (default 4)
  -t, --tasks LIST     submit only these shards (Slurm array syntax: 2 or 1,3 or 0-2),
                       to run failed or cancelled ones again
  -m, --merge FILE     prime: each task writes DIR/shard-K-of-N; a dependent job merges
                       them into FILE with corescale merge
      --after JOBID    the merge job waits for JOBID's tasks to end as well (the first
                       array, when --tasks resubmits some of its shards)
  -d, --dir DIR        task logs (DIR/logs) and shard files (default: ./corescale-job)
  -g, --gpu            one GPU per task (--gres=gpu:1)
  -s, --sbatch ARG     pass ARG to sbatch for both jobs (repeat it): -s -p -s gpu, -s --account=proj
  -w, --wait           wait for the last job (the merge, else the array); fail if it failed
  -h, --help           this help

Environment: CORESCALE, the corescale binary the tasks run (default: corescale on the
PATH; a relative path is made absolute). Slurm's own SBATCH_PARTITION,
SBATCH_ACCOUNT, SBATCH_TIMELIMIT and the like apply as usual.
EOF
}

die() {
	echo "submit.sh: $*" >&2
	exit 2
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script="$here/corescale.sbatch"
shards=4
tasks=""
merge=""
after=""
dir="corescale-job"
gpu=0
wait=0
extra=()

while (($# > 0)); do
	case "$1" in
	-n | --shards) shards="${2:-}"; shift 2 || die "$1 needs a value" ;;
	-t | --tasks) tasks="${2:-}"; shift 2 || die "$1 needs a value" ;;
	-m | --merge) merge="${2:-}"; shift 2 || die "$1 needs a value" ;;
	--after) after="${2:-}"; shift 2 || die "$1 needs a value" ;;
	-d | --dir) dir="${2:-}"; shift 2 || die "$1 needs a value" ;;
	-s | --sbatch) extra+=("${2:-}"); shift 2 || die "$1 needs a value" ;;
	-g | --gpu) gpu=1; shift ;;
	-w | --wait) wait=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; break ;;
	*) usage >&2; die "unknown option $1 (the corescale command goes after --)" ;;
	esac
done

(($# > 0)) || { usage >&2; die "no corescale command after --"; }
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "--shards $shards is not a positive count"
[[ -z "$tasks" || "$tasks" =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] ||
	die "--tasks $tasks is not a list of shard indices (2, 1,3 or 0-2)"
[[ -z "$after" || "$after" =~ ^[0-9]+$ ]] || die "--after $after is not a job id"
for a in "$@"; do
	case "$a" in
	--shard | --shard=* | --shards | --shards=*)
		die "the command must not carry $a: each task's shard comes from the array"
		;;
	esac
done
case "$1" in
prime | resize | bench) ;;
*) die "command $1: want prime, resize or bench" ;;
esac
if [[ -n "$merge" && "$1" != prime ]]; then
	die "--merge is for prime (resize shards share one output tree; bench files merge with corescale merge by hand)"
fi
if [[ -n "$tasks" ]]; then
	# Every index must be a shard of N, or the task would fail only once it runs.
	IFS=, read -r -a parts <<<"$tasks"
	for p in "${parts[@]}"; do
		((${p#*-} < shards)) || die "--tasks $tasks: shard ${p#*-} is not below --shards $shards"
	done
fi
command -v sbatch >/dev/null || die "sbatch not found: run this on a Slurm submit host"

corescale="${CORESCALE:-corescale}"
if [[ "$corescale" == */* ]]; then
	corescale="$(cd "$(dirname "$corescale")" && pwd)/$(basename "$corescale")"
fi
[[ -x "$corescale" ]] || command -v "$corescale" >/dev/null || die "corescale binary not found: $corescale (set CORESCALE)"
export CORESCALE="$corescale"

mkdir -p "$dir/logs"
dir="$(cd "$dir" && pwd)"

cmd=("$@")
shard_files=()
if [[ -n "$merge" ]]; then
	ext=""
	base="$(basename "$merge")"
	[[ "$base" == *.* ]] && ext=".${base##*.}"
	cmd+=(--output "$dir/shard-{K}-of-{N}$ext")
	for ((k = 0; k < shards; k++)); do
		shard_files+=("$dir/shard-$k-of-$shards$ext")
	done
fi

opts=(--parsable --job-name=corescale "${extra[@]}")
((gpu)) && opts+=(--gres=gpu:1)

if [[ -n "$tasks" ]]; then
	# A partial array does not show N to the task: corescale.sbatch takes it
	# from here and passes --shard K/N.
	export CORESCALE_SHARDS="$shards"
	array="$tasks"
else
	unset CORESCALE_SHARDS
	array="0-$((shards - 1))"
fi

array_wait=()
((wait)) && [[ -z "$merge" ]] && array_wait=(--wait)
job="$(sbatch "${opts[@]}" "${array_wait[@]}" --array="$array" \
	--output="$dir/logs/%x-%A_%a.log" "$script" "${cmd[@]}")" ||
	die "sbatch of the array failed"
job="${job%%;*}"
echo "ARRAY_JOB=$job"
echo "submit.sh: array job $job: shards $array of $shards, logs in $dir/logs" >&2

if [[ -n "$merge" ]]; then
	dep="afterok:$job"
	[[ -n "$after" ]] && dep="$dep,afterany:$after"
	merge_wait=()
	((wait)) && merge_wait=(--wait)
	# The merge needs no GPU: it gets the extra options only.
	mjob="$(sbatch --parsable --job-name=corescale-merge "${extra[@]}" "${merge_wait[@]}" \
		--dependency="$dep" --kill-on-invalid-dep=yes \
		--output="$dir/logs/%x-%j.log" "$here/merge.sbatch" --output "$merge" "${shard_files[@]}")" ||
		die "sbatch of the merge job failed (the array job $job is submitted)"
	mjob="${mjob%%;*}"
	echo "MERGE_JOB=$mjob"
	echo "submit.sh: merge job $mjob into $merge after $dep" >&2
fi
