#!/usr/bin/env bash
# The check CI runs for sharding on a real Slurm (issue #14), as root: starts
# the one-node cluster (local-cluster.sh), builds corescale, and submits with
# submit.sh arrays of 4 tasks for
#   - a range count         prime --from A --to B --print count
#   - a random batch        prime --random N --bits 64 --print primes
#   - a folder of images    resize (every task writes into one output tree)
# then compares each merged result with the unsharded run, byte for byte.
# Last, a task killed while it runs (scancel of one array element) and
# resubmitted with submit.sh --tasks finishes the job with nothing lost or
# doubled: the merge job of the first submission is cancelled, the killed
# shard leaves no file, and the resubmission's merge equals the single run.
# The cluster is stopped on exit. About a minute on 2 cores.
#
# Environment:
#   CORESCALE_BIN          test this binary instead of building one with make
#   CORESCALE_SLURM_KEEP   leave the cluster running on exit (for development)
#   CORESCALE_CI_KEEP      keep the work folder on exit (it is kept on failure)
#   CORESCALE_CI_KILL_COUNT  numbers in the kill case (default 24000: a shard runs
#                          for seconds, so the kill lands while it runs)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
readonly shards=4
# Every wait is bounded, so a stuck job fails CI instead of hanging it.
readonly job_timeout=240

work="$(mktemp -d "${TMPDIR:-/tmp}/corescale-slurm-ci.XXXXXX")"
started=0
ok=0

cleanup() {
	local rc=$?
	if ((!ok)); then
		echo "slurm-ci: failed; job logs:" >&2
		find "$work" -path '*/logs/*' -type f -print0 2>/dev/null |
			sort -z | xargs -0 -r tail -n 20 >&2 || true
		echo "slurm-ci: work folder kept: $work" >&2
	elif [[ -z "${CORESCALE_CI_KEEP:-}" ]]; then
		rm -rf "$work"
	fi
	if ((started)) && [[ -z "${CORESCALE_SLURM_KEEP:-}" ]]; then
		"$here/local-cluster.sh" stop || true
	fi
	exit "$rc"
}
trap cleanup EXIT

step() { echo "slurm-ci: $*"; }
fail() {
	echo "slurm-ci: FAIL: $*" >&2
	exit 1
}

# submit ARGS...: runs submit.sh; sets array_job and merge_job to the job ids.
submit() {
	local out line
	out="$("$here/submit.sh" "$@")" || fail "submit.sh $* failed"
	array_job=""
	merge_job=""
	while IFS= read -r line; do
		case "$line" in
		ARRAY_JOB=*) array_job="${line#ARRAY_JOB=}" ;;
		MERGE_JOB=*) merge_job="${line#MERGE_JOB=}" ;;
		esac
	done <<<"$out"
	[[ -n "$array_job" ]] || fail "submit.sh $* printed no job id"
}

# wait_jobs ID...: until none of the jobs (all their array tasks) is queued or running.
wait_jobs() {
	local ids i
	ids="$(IFS=,; echo "$*")"
	for ((i = 0; i < job_timeout * 2; i++)); do
		[[ -z "$(squeue -h -j "$ids" -o '%i' 2>/dev/null)" ]] && return 0
		sleep 0.5
	done
	squeue >&2 || true
	fail "jobs $ids still queued or running after ${job_timeout}s"
}

# states JOB: the distinct states of the job's tasks (MinJobAge keeps them for 5 minutes).
states() {
	scontrol show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | paste -sd, -
}

expect_state() {
	local got
	got="$(states "$1")"
	[[ "$got" == "$2" ]] || fail "$3: job $1 is $got, want $2"
}

# same WANT GOT WHAT: byte-identical files.
same() {
	cmp -- "$1" "$2" || fail "$3: the sharded result $2 differs from the single run $1"
	[[ -s "$1" ]] || fail "$3: the single run's output $1 is empty"
	step "ok: $3 ($(wc -c <"$1") bytes, identical)"
}

# A folder of PNG images of several sizes, from Python's standard library alone.
make_images() {
	python3 - "$1" <<'EOF'
import os, struct, sys, zlib

def png(path, w, h, seed):
    rows = bytearray()
    x = seed
    for y in range(h):
        rows.append(0)
        for i in range(w):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            rows += bytes(((i * 255 // w + (x >> 16) % 32) & 255,
                           (y * 255 // h) & 255,
                           ((i + y + (x >> 8)) * 3) & 255))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(bytes(rows), 6)))
        f.write(chunk(b"IEND", b""))

folder = sys.argv[1]
os.makedirs(folder, exist_ok=True)
for n in range(14):
    png(os.path.join(folder, "img%02d.png" % n), 120 + 37 * n, 90 + 23 * (n % 5), n + 1)
EOF
}

[[ "$(id -u)" == 0 ]] || fail "run as root (it starts a Slurm cluster)"

if [[ -n "${CORESCALE_BIN:-}" ]]; then
	bin="$(cd "$(dirname "$CORESCALE_BIN")" && pwd)/$(basename "$CORESCALE_BIN")"
else
	step "building corescale (make build)"
	make -C "$repo" build >&2
	bin="$repo/corescale"
fi
for sub in prime resize; do
	# The whole help first: grep -q stopping early would kill the writer
	# with SIGPIPE, and pipefail would call the flag missing.
	help="$("$bin" "$sub" --help 2>&1 || true)"
	if [[ "$help" != *--shard* ]]; then
		fail "$bin $sub has no --shard flag: the CLI side of issue #14 (--shard K/N, corescale merge) has not landed, so there is nothing to run on Slurm"
	fi
done
"$bin" merge --help >/dev/null 2>&1 || fail "$bin has no merge command (corescale merge, issue #14)"
export CORESCALE="$bin"

step "starting the local Slurm cluster"
started=1
"$here/local-cluster.sh" start

cd "$work"
mkdir -p single

# 1. The three jobs, submitted together so they share the node.
count=(prime --from 1000000000000 --to 1000100000000 --print count)
random=(prime --random 100000 --bits 64 --seed 14 --print primes)
resize=(resize --size 48x --format png --out "$work/thumbs-sharded" "$work/images")
make_images "$work/images"

step "submitting arrays of $shards tasks: range count, random batch, images"
# --verbose: the task logs say where each shard came from (the array's variables).
submit -n "$shards" -d "$work/count" --merge "$work/count.txt" -- "${count[@]}" --verbose
c_array="$array_job" c_merge="$merge_job"
submit -n "$shards" -d "$work/random" --merge "$work/random.txt" -- "${random[@]}"
r_array="$array_job" r_merge="$merge_job"
submit -n "$shards" -d "$work/resize" -- "${resize[@]}"
i_array="$array_job"

step "the same jobs unsharded, outside Slurm"
"$bin" "${count[@]}" --shard none --output single/count.txt
"$bin" "${random[@]}" --shard none --output single/random.txt
"$bin" resize --size 48x --format png --out "$work/thumbs-single" "$work/images" --shard none >/dev/null

wait_jobs "$c_array" "$c_merge" "$r_array" "$r_merge" "$i_array"
for j in "$c_array" "$c_merge" "$r_array" "$r_merge" "$i_array"; do
	expect_state "$j" COMPLETED "sharded run"
done
grep -q SLURM_ARRAY_TASK "$work/count/logs/corescale-${c_array}_1.log" ||
	fail "corescale --verbose did not say that shard 1 came from SLURM_ARRAY_TASK_ID (log: $work/count/logs/corescale-${c_array}_1.log)"
same single/count.txt count.txt "range count, merged from $shards shards"
same single/random.txt random.txt "random batch, merged from $shards shards"
diff -r "$work/thumbs-single" "$work/thumbs-sharded" >&2 || fail "images: the sharded output tree differs from the single run's"
n_in="$(find "$work/images" -type f | wc -l)"
n_out="$(find "$work/thumbs-sharded" -type f | wc -l)"
((n_in == n_out)) || fail "images: $n_out outputs for $n_in inputs"
step "ok: images ($n_out thumbnails, the same bytes as the single run)"

# 2. Kill one task while it runs, then resubmit it. The batch is big numbers
# (math/big's test, slow on purpose) with every verdict printed, so a number
# lost or doubled shows in the merge. The tasks run through a wrapper that
# marks when corescale starts, so the kill lands inside corescale's run; they
# run serial, so that a shard lasts seconds (every backend prints the same).
step "kill case: array of $shards, shard 2 cancelled while it runs, then resubmitted"
kill_job=(prime --random "${CORESCALE_CI_KILL_COUNT:-24000}" --bits 2048 --seed 5 --print all)
cat >"$work/mark-start.sh" <<'EOF'
#!/usr/bin/env bash
set -euo pipefail
: >"$MARK_DIR/started-${SLURM_ARRAY_TASK_ID:-merge}"
exec "$MARK_EXEC" "$@"
EOF
chmod +x "$work/mark-start.sh"
mkdir -p "$work/marks"
MARK_DIR="$work/marks" MARK_EXEC="$bin" CORESCALE="$work/mark-start.sh" \
	submit -n "$shards" -d "$work/kill" --merge "$work/kill.txt" -- "${kill_job[@]}" --backend serial
k_array="$array_job" k_merge="$merge_job"
for ((i = 0; i < job_timeout * 5; i++)); do
	[[ -e "$work/marks/started-2" ]] && break
	sleep 0.2
done
[[ -e "$work/marks/started-2" ]] || fail "kill case: shard 2 did not start in ${job_timeout}s"
sleep 0.5
expect_state "${k_array}_2" RUNNING "kill case: shard 2, before the kill (too fast to kill? make the batch larger)"
scancel "${k_array}_2"
wait_jobs "$k_array" "$k_merge"
expect_state "${k_array}_2" CANCELLED "kill case: shard 2"
for k in 0 1 3; do
	expect_state "${k_array}_$k" COMPLETED "kill case: shard $k"
done
expect_state "$k_merge" CANCELLED "kill case: the first merge job (its dependency failed)"
[[ ! -e "$work/kill.txt" ]] || fail "kill case: a merged result exists though shard 2 was killed"
left="$(cd "$work/kill" && find . -maxdepth 1 -type f | sort | paste -sd' ' -)"
want="./shard-0-of-$shards.txt ./shard-1-of-$shards.txt ./shard-3-of-$shards.txt"
[[ "$left" == "$want" ]] || fail "kill case: after the kill the shard folder holds [$left], want [$want] (no half-written file)"
step "ok: shard 2 cancelled while running, no file of it left, the merge job cancelled"

submit -n "$shards" --tasks 2 --after "$k_array" -d "$work/kill" --merge "$work/kill.txt" -- "${kill_job[@]}" --backend serial
# The single run only now: run earlier, it would hold the CPUs while shard 2
# should be starting.
"$bin" "${kill_job[@]}" --shard none --output single/kill.txt
wait_jobs "$array_job" "$merge_job"
expect_state "$array_job" COMPLETED "kill case: the resubmitted shard 2"
expect_state "$merge_job" COMPLETED "kill case: the resubmission's merge job"
same single/kill.txt kill.txt "kill case: merged after the resubmission, $(wc -l <single/kill.txt) verdicts"

ok=1
step "all passed"
