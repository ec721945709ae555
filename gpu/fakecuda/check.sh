#!/usr/bin/env bash
# check.sh — make gpu-fake-check: the real GPU plugin (./corescale-cuda.so,
# make cuda) and gorgonia.org/cu, driven through the CLI on fakecuda
# (build/fakecuda/libcuda.so.1) instead of NVIDIA's driver, on a machine
# with no GPU:
#   - fakecuda exports every cu* symbol the plugin binds, and the plugin
#     binds fakecuda's, with CORESCALE_CUDA_LIBRARY alone;
#   - corescale devices lists the fake's devices;
#   - prime --backend gpu prints what --backend serial prints, byte for
#     byte, on the pseudoprime and Carmichael lists, products of primes near
#     2^32, k·2^m+1, both ends of the range, random numbers, on a small
#     device that takes many chunks, eagerly;
#   - prime --backend gpu sends numbers of 2^64 to 4096 bits to the GPU
#     big-number engine and prints what --backend serial prints: mixed
#     with 64-bit ones, every size class and the hard cases
#     (cmd/corescale/testdata/bigmix.txt), --random of 128, 256 and 1000
#     bits, a range above 2^64, two devices, one lost mid-batch; a big
#     engine that cannot start exits 1;
#   - prime --from/--to --backend gpu (the GPU sieve, kernels/sieve.cu)
#     prints what --backend serial prints, counts, primes and verdicts, at
#     0, 10^6, 10^12, 10^18, up to and across 2^64, on a small device that
#     takes many chunks, eagerly;
#   - resize --backend gpu writes the files gpu-emu and --backend serial
#     write, for every filter, gray, gray+alpha, RGB, RGBA and JPEG inputs
#     of odd sizes, on a small device that forces many bands, and an image
#     taller than a grid's 65,535 blocks;
#   - bench --backends gpu runs, the big-number workloads too;
#   - each injected fault: --backend gpu exits 1 with a message that names
#     the CUresult and leaves no output file, half-written or whole;
#     --backend auto gives the CPU's result when the fault is at start-up;
#   - no run leaks: fakecuda's log shows every context destroyed with
#     nothing left in it.
# With --real (make gpu-check, on a machine with an NVIDIA GPU) the same
# devices, prime, resize and bench checks run on the system's driver
# library; the checks that need fakecuda (symbols, small devices, faults,
# leaks) are left out.
# Every check runs; each failure is listed at the end, and the exit status
# is 1 if there was any.
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
real=false
case ${1:-} in
--real) real=true ;;
"") ;;
*) echo "usage: $0 [--real]" >&2; exit 2 ;;
esac
lib=$root/build/fakecuda/libcuda.so.1
$real && lib=
cs=$root/corescale
plugin=$root/corescale-cuda.so
for f in $lib "$cs" "$plugin"; do
	[ -f "$f" ] || { echo "check.sh: $f is missing: run make $($real && echo gpu-check || echo gpu-fake-check)" >&2; exit 2; }
done
for v in $(compgen -e | grep '^FAKECUDA_'); do unset "$v"; done
unset CORESCALE_CUDA_PLUGIN CORESCALE_CUDA_LIBRARY

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=()

ok() { echo "ok    $*"; }
# bad WHAT [DETAIL…]
bad() {
	local what=$1
	shift
	echo "FAIL  $what"
	for d in "$@"; do printf '      %s\n' "$d"; done
	failures+=("$what")
}

# on NAME [VAR=value…] -- ARG…: runs corescale on fakecuda with those
# settings (with --real: on the system's driver, without them); stdout in
# $work/NAME.out, stderr in NAME.err, fakecuda's log in NAME.log; the exit
# status in $status.
on() {
	local name=$1
	shift
	local settings=()
	while [ "$1" != -- ]; do
		settings+=("$1")
		shift
	done
	shift
	if $real; then
		"$cs" "$@" >"$work/$name.out" 2>"$work/$name.err"
	else
		env CORESCALE_CUDA_LIBRARY="$lib" FAKECUDA_LOG="$work/$name.log" "${settings[@]}" "$cs" "$@" \
			>"$work/$name.out" 2>"$work/$name.err"
	fi
	status=$?
}

# cpu NAME ARG…: runs corescale without a GPU driver.
cpu() {
	local name=$1
	shift
	CORESCALE_CUDA_LIBRARY=/nonexistent/libcuda.so.1 "$cs" "$@" >"$work/$name.out" 2>"$work/$name.err"
	status=$?
}

# leaks NAME: what fakecuda's log of run NAME says was left alive, or
# contexts never destroyed; nothing when all is well.
leaks() {
	local log=$work/$1.log
	[ -f "$log" ] || return 0
	grep ' leak: ' "$log" | sed 's/^[0-9]* //'
	local made gone
	made=$(grep -c ' ctx-create ' "$log")
	gone=$(grep -c ' ctx-destroy ' "$log")
	[ "$made" = "$gone" ] || echo "$made context(s) created, $gone destroyed"
}

# message NAME: the CLI's own error lines of run NAME (not fakecuda's).
message() { grep -v '^fakecuda: ' "$work/$1.err" | grep -i 'corescale' | head -3; }

# fake_said NAME: what fakecuda said on stderr in run NAME.
fake_said() { grep '^fakecuda: ' "$work/$1.err" | head -2; }

# names_result NAME: the CLI's message names the CUresult, as
# CUDA_ERROR_… or by its number (or matches $says, where the fault is
# refused before any call fails).
names_result() { message "$1" | grep -qE "CUDA_ERROR_[A-Z_]+|CUresult [0-9]+${says:+|$says}"; }

if ! $real; then
	echo "== the plugin on fakecuda"
	missing=$(comm -23 <(nm -D --undefined-only "$plugin" | awk '$2 ~ /^cu/ {print $2}' | sort -u) \
		<(nm -D --defined-only "$lib" | awk '{print $3}' | sort -u))
	nsym=$(nm -D --undefined-only "$plugin" | awk '$2 ~ /^cu/' | wc -l)
	if [ -z "$missing" ]; then
		ok "fakecuda exports all $nsym cu* symbols the plugin binds"
	else
		bad "fakecuda lacks symbols the plugin binds (add them to gpu/fakecuda/stubs.c)" $missing
	fi

	on bind LD_DEBUG=libs -- prime --backend gpu 97
	others=$(grep -oE 'calling init: [^ ]*libcuda[^ ]*' "$work/bind.err" | awk '{print $3}' | grep -vxF "$lib")
	if [ "$status" = 0 ] && grep -q "calling init: $plugin" "$work/bind.err" && [ -z "$others" ]; then
		ok "the plugin runs on fakecuda with CORESCALE_CUDA_LIBRARY alone (no other libcuda loaded)"
	else
		bad "the plugin did not run on fakecuda alone" "exit $status" $others "$(grep -v '^ *[0-9]*:' "$work/bind.err" | head -3)"
	fi

	echo "== corescale devices"
	on devices FAKECUDA_DEVICES=2 FAKECUDA_NAME=big,small FAKECUDA_CC=8.6,7.0 FAKECUDA_MEMORY=40G,64K FAKECUDA_SMS=108,4 -- devices
	want=$(printf '%s\n' "GPU 0: big, compute capability 8.6, 40.0 GiB, 108 multiprocessors, driver 11.8" \
		"GPU 1: small, compute capability 7.0, 0.0 GiB, 4 multiprocessors, driver 11.8")
	if [ "$status" = 0 ] && [ "$(grep '^GPU' "$work/devices.out")" = "$want" ]; then
		ok "devices lists the two fake devices"
	else
		bad "devices" "exit $status" "$(cat "$work/devices.out" "$work/devices.err")"
	fi
	on devices-none FAKECUDA_INIT=100 -- devices
	if [ "$status" = 0 ] && grep -q '^no GPU: .*CUDA_ERROR_NO_DEVICE' "$work/devices-none.out"; then
		ok "devices says why there is no GPU when cuInit answers 100"
	else
		bad "devices with cuInit failing" "exit $status" "$(cat "$work/devices-none.out")"
	fi
else
	echo "== corescale devices"
	on devices -- devices
	if [ "$status" = 0 ] && grep -q '^GPU 0: ' "$work/devices.out"; then
		ok "devices: $(grep '^GPU' "$work/devices.out" | head -1)"
	else
		echo "check.sh --real needs a usable NVIDIA GPU; corescale devices says:" >&2
		cat "$work/devices.out" "$work/devices.err" >&2
		exit 2
	fi
fi

go run gpu/fakecuda/testdata/gen.go "$work/in" || bad "could not generate the inputs (go run gpu/fakecuda/testdata/gen.go)"

echo "== prime: --backend gpu against --backend serial"
lists=$work/lists.txt
for f in cpu/prime/testdata/*.txt; do
	grep -v '^#' "$f" | awk 'NF {print $1}'
done >"$lists"
# prime_same NAME [VAR=value…] -- SOURCE…: the GPU's verdicts are serial's.
prime_same() {
	local name=$1
	shift
	local settings=()
	while [ "$1" != -- ]; do
		settings+=("$1")
		shift
	done
	shift
	cpu "$name-serial" prime --backend serial --print all "$@" <"${input:-/dev/null}"
	on "$name" "${settings[@]}" -- prime --backend gpu --print all "$@" <"${input:-/dev/null}"
	local l
	l=$(leaks "$name")
	if [ "$status" != 0 ]; then
		bad "prime $name: exit $status" "$(message "$name")" "$(fake_said "$name")"
	elif ! cmp -s "$work/$name.out" "$work/$name-serial.out"; then
		bad "prime $name: the GPU's output differs from serial's" "$(cmp "$work/$name.out" "$work/$name-serial.out")"
	elif [ -n "$l" ]; then
		bad "prime $name: leaks" "$l"
	elif [ -n "$(fake_said "$name")" ]; then
		bad "prime $name: fakecuda refused a call" "$(fake_said "$name")"
	else
		ok "prime $name: $(wc -l <"$work/$name.out") verdicts as serial's"
	fi
}
input=$lists prime_same lists -- --input -
input=$work/in/hard.txt prime_same hard -- --input -
input=
prime_same low -- --from 0 --to 200000
prime_same top -- --from 18446744073709548615 --to 18446744073709551615
prime_same middle -- --from 9223372036854772807 --to 9223372036854778807
prime_same random64 -- --random 300000 --bits 64 --seed 5
prime_same random32 -- --random 100000 --bits 32 --seed 9
prime_same small-device FAKECUDA_MEMORY=64K -- --random 50000 --bits 64 --seed 6
if ! $real; then
	chunks=$(grep -c ' launch ' "$work/small-device.log")
	[ "$chunks" -ge 10 ] && ok "prime on a 64 KiB device took $chunks chunks" || bad "prime on a 64 KiB device took $chunks chunk(s), not many"
fi
prime_same eager FAKECUDA_STREAMS=eager FAKECUDA_MEMORY=64K -- --random 50000 --bits 64 --seed 7
prime_same two-devices FAKECUDA_DEVICES=2 FAKECUDA_MEMORY=1G,64K -- --random 20000 --bits 64 --seed 8

echo "== prime ranges: the GPU sieve against --backend serial"
# range_same NAME [VAR=value…] -- ARG…: as prime_same (a later --print
# wins), and the sieve kernels ran.
range_same() {
	prime_same "$@"
	if ! $real && ! grep -q ' sieve_segments ' "$work/$1.log"; then
		bad "prime $1: the GPU sieve did not run" "$(grep -m3 ' launch ' "$work/$1.log")"
	fi
}
range_same range-0 -- --from 0 --to 2000000 --print count
range_same range-1e6 -- --from 1000000 --to 1100000
range_same range-1e12 -- --from 1000000000000 --to 1000002000000 --print count
range_same range-1e12-primes -- --from 999999999989 --to 1000002000000 --print primes
range_same range-1e18 -- --from 1000000000000000000 --to 1000000000000200000 --print count
range_same range-1e18-all -- --from 999999999999990000 --to 1000000000000010000
range_same range-top -- --from 18446744073699551615 --to 18446744073709551615 --print count
range_same range-top-primes -- --from 18446744073709451615 --to 18446744073709551615 --print primes
range_same range-across-2^64 -- --from 18446744073709551515 --to 18446744073709551715
range_same range-small-device FAKECUDA_MEMORY=256K -- --from 1000000 --to 2000000 --print primes
if ! $real; then
	chunks=$(grep -c ' sieve_segments ' "$work/range-small-device.log")
	[ "$chunks" -ge 10 ] && ok "prime range on a 256 KiB device took $chunks chunks" || bad "prime range on a 256 KiB device took $chunks chunk(s), not many"
fi
range_same range-eager FAKECUDA_STREAMS=eager FAKECUDA_MEMORY=256K -- --from 999999000000 --to 1000000500000 --print count

echo "== prime: numbers of 2^64 to 4096 bits on the GPU big-number engine"
# big_same NAME [VAR=value…] -- ARG…: as prime_same, and the big-number
# kernels ran.
big_same() {
	prime_same "$@"
	if ! $real && ! grep -q ' bigprime_lucas_' "$work/$1.log"; then
		bad "prime $1: the GPU big-number engine did not run" "$(grep -m3 ' launch ' "$work/$1.log")"
	fi
}
bigmix=cmd/corescale/testdata/bigmix.txt
awk 'length($0) > 20' "$bigmix" >"$work/bigonly.txt"
big_same big-mixed -- --input "$bigmix"
big_same big-mixed-json FAKECUDA_STREAMS=eager FAKECUDA_MEMORY=1M -- --input "$bigmix" --format json
big_same big-two-devices FAKECUDA_DEVICES=2 FAKECUDA_MEMORY=1M,2M -- --input "$bigmix"
big_same big-random-128 -- --random 2000 --bits 128 --seed 3
big_same big-random-256 -- --random 1000 --bits 256 --seed 4
big_same big-random-1000 -- --random 100 --bits 1000 --seed 5
big_same big-range-2^100 -- --from 1267650600228229401496703205376 --to 1267650600228229401496703215376
if ! $real; then
	# Device 1's first three launches test the file's 64-bit
	# placeholders, from its sixth big numbers: it is lost mid-batch and
	# its chunks finish on device 0 (fakecuda says so on stderr, so not
	# prime_same).
	cpu big-device-lost-serial prime --backend serial --print all --input "$work/bigonly.txt"
	on big-device-lost FAKECUDA_DEVICES=2 FAKECUDA_MEMORY=1M,1M FAKECUDA_LOSE_DEVICE=6@1 -- \
		prime --backend gpu --print all --input "$work/bigonly.txt"
	if [ "$status" = 0 ] && cmp -s "$work/big-device-lost.out" "$work/big-device-lost-serial.out" &&
		grep -q 'GPU 1 failed and is no longer used; the others test its big numbers' "$work/big-device-lost.err"; then
		ok "prime big-device-lost: device 1 lost in the big-number engine, said so, serial's output"
	else
		bad "prime big-device-lost" "exit $status" "$(message big-device-lost)" \
			"$(cmp "$work/big-device-lost.out" "$work/big-device-lost-serial.out")"
	fi
	# A range above 2^64 makes no 64-bit engine and no sieve: the first
	# allocation is the big engine's.
	on big-cannot-start FAKECUDA_FAIL_ALLOC=1 -- prime --backend gpu --output "$work/big-cannot-start.txt" \
		--from 1267650600228229401496703205376 --to 1267650600228229401496703206376
	if [ "$status" = 1 ] && names_result big-cannot-start && [ ! -e "$work/big-cannot-start.txt" ]; then
		ok "prime --backend gpu: a big-number engine that cannot start exits 1, names the CUresult, writes nothing"
	else
		bad "prime --backend gpu, big engine failing to start" "exit $status" "$(message big-cannot-start)"
	fi
fi

echo "== resize: --backend gpu against --backend serial"
# resize_same NAME [VAR=value…] -- INPUT FLAG…: the plugin on fakecuda
# writes the files the emulated driver writes (the same engine on another
# driver) and the files --backend serial writes (JPEG's planes included:
# the GPU resizes them with the CPU's spans and tables).
resize_same() {
	local name=$1
	shift
	local settings=()
	while [ "$1" != -- ]; do
		settings+=("$1")
		shift
	done
	shift
	local in=$1
	shift
	cpu "$name-serial" resize --backend serial --quiet --out "$work/$name-serial" "$in" "$@"
	cpu "$name-emu" resize --backend gpu-emu --quiet --out "$work/$name-emu" "$in" "$@"
	on "$name" "${settings[@]}" -- resize --backend gpu --quiet --out "$work/$name" "$in" "$@"
	local l
	l=$(leaks "$name")
	if [ "$status" != 0 ]; then
		bad "resize $name: exit $status" "$(message "$name")" "$(fake_said "$name")"
		return
	fi
	local f differ=()
	for f in $(cd "$work/$name-emu" && find . -type f | sort); do
		if ! cmp -s "$work/$name/$f" "$work/$name-emu/$f"; then
			differ+=("${f#./} differs from gpu-emu's")
		elif ! cmp -s "$work/$name/$f" "$work/$name-serial/$f"; then
			differ+=("${f#./} differs from serial's")
		fi
	done
	if [ ${#differ[@]} -gt 0 ]; then
		bad "resize $name: the GPU's files differ" "${differ[@]}"
	elif [ -n "$l" ]; then
		bad "resize $name: leaks" "$l"
	elif [ -n "$(fake_said "$name")" ]; then
		bad "resize $name: fakecuda refused a call" "$(fake_said "$name")"
	else
		ok "resize $name: $(find "$work/$name" -type f | wc -l) files, gpu-emu's bytes and (but for the JPEG) serial's"
	fi
}
for filter in nearest box linear catmullrom mitchell lanczos2 lanczos3; do
	resize_same "$filter-down" -- "$work/in/imgs" --filter "$filter" --size 31x17 --fit fill
	resize_same "$filter-up" -- "$work/in/imgs" --filter "$filter" --size 200x301 --fit fill
	resize_same "$filter-contain" -- "$work/in/imgs" --filter "$filter" --size 77x40
done
resize_same small-device FAKECUDA_MEMORY=128K -- "$work/in/imgs" --size 97x61 --fit fill
if ! $real; then
	bands=$(grep -c ' resize_v_u8 ' "$work/small-device.log")
	images=$(find "$work/in/imgs" -type f | wc -l)
	if [ "$bands" -gt "$images" ]; then
		ok "resize on a 128 KiB device took $bands bands for $images images"
	else
		bad "resize on a 128 KiB device took $bands bands for $images images: none took several"
	fi
fi
resize_same eager FAKECUDA_STREAMS=eager FAKECUDA_MEMORY=128K -- "$work/in/imgs" --size 97x61 --fit fill
resize_same tall -- "$work/in/tall" --size 2x140000 --fit fill

echo "== bench"
on bench -- bench --backends gpu --size small --workload prime-u32,resize-small --repeat 2 --min-time 10ms
l=$(leaks bench)
if [ "$status" = 0 ] && grep -q '^prime-u32 *gpu' "$work/bench.out" && grep -q '^resize-small *gpu' "$work/bench.out" && [ -z "$l" ] &&
	[ -z "$(fake_said bench)" ]; then
	ok "bench --backends gpu runs both workloads"
else
	bad "bench --backends gpu" "exit $status" "$(message bench)" "$l" "$(fake_said bench)"
fi
if ! $real; then
	on bench-label -- bench --backends serial,gpu --size small --workload prime-u32 --repeat 2 --min-time 10ms
	row=$(grep '^prime-u32 *gpu' "$work/bench-label.out")
	if echo "$row" | grep -qiE 'fake|emulated'; then
		ok "bench labels the fake driver's rows"
	else
		bad "bench reports fakecuda's row as a GPU's speed, unlabelled (the plugin's Emulated() is false)" "$row"
	fi
fi

on bench-big -- bench --backends gpu --size small --workload prime-128,prime-256,prime-512,prime-2048 --repeat 1 --min-time 10ms
missing=
for w in prime-128 prime-256 prime-512 prime-2048; do
	pattern="^$w +gpu.*(fake|emulated)"
	$real && pattern="^$w +gpu"
	grep -qE "$pattern" "$work/bench-big.out" || missing+=" $w"
done
if [ "$status" = 0 ] && [ -z "$missing" ] && [ -z "$(leaks bench-big)" ]; then
	ok "bench --backends gpu runs prime-128/256/512/2048 on the big-number engine$($real || echo ', labelled fake')"
else
	bad "bench --backends gpu, big-number workloads" "exit $status" "missing or unlabelled:$missing" "$(message bench-big)" "$(leaks bench-big)"
fi

big=$work/numbers.txt
seq 1 20000 >"$big"
# fault NAME WHEN SETTING…: prime and resize on --backend gpu fail with a
# message that names the CUresult, exit 1 and no output file (resize: no
# file but whole ones, as gpu-emu writes them); --backend auto gives the
# CPU's result instead when the fault comes as the GPU starts: WHEN is
# start-up (the probe or the engines' set-up), prime-start-up (the prime
# engine's set-up, where it allocates; the resize engine allocates per
# image) or working.
fault() {
	local name=$1 when=$2
	shift 2
	local out=$work/$name-files
	mkdir -p "$out"
	on "$name-prime" FAKECUDA_MEMORY=64K "$@" -- prime --backend gpu --input "$big" --print all --output "$out/primes.txt"
	local leaked
	leaked=$(leaks "$name-prime")
	if [ "$status" != 1 ]; then
		bad "$name: prime --backend gpu exits $status, not 1" "$(message "$name-prime")"
	elif [ -n "$(ls -A "$out")" ]; then
		bad "$name: prime --backend gpu left files" "$(ls -A "$out")"
	elif ! names_result "$name-prime"; then
		bad "$name: prime --backend gpu's message names no CUresult" "$(message "$name-prime")" "$(fake_said "$name-prime")"
	else
		ok "$name: prime --backend gpu: $(message "$name-prime")"
	fi
	if [ -n "$leaked" ]; then
		bad "$name: prime --backend gpu leaks" "$leaked"
	fi

	cpu "$name-resize-emu" resize --backend gpu-emu --quiet --size 97x61 --fit fill --out "$work/$name-resize-emu" "$work/in/imgs"
	on "$name-resize" FAKECUDA_MEMORY=128K "$@" -- resize --backend gpu --quiet --size 97x61 --fit fill --out "$work/$name-resized" "$work/in/imgs"
	local partial=""
	if [ -d "$work/$name-resized" ]; then
		for f in $(cd "$work/$name-resized" && find . -type f); do
			cmp -s "$work/$name-resized/$f" "$work/$name-resize-emu/$f" || partial="$partial $f"
		done
	fi
	leaked=$(leaks "$name-resize")
	if [ "$status" != 1 ]; then
		bad "$name: resize --backend gpu exits $status, not 1" "$(message "$name-resize")"
	elif [ -n "$partial" ]; then
		bad "$name: resize --backend gpu left files that are not whole:$partial"
	elif ! names_result "$name-resize"; then
		bad "$name: resize --backend gpu's message names no CUresult" "$(message "$name-resize" | head -1)" "$(fake_said "$name-resize")"
	else
		ok "$name: resize --backend gpu: $(message "$name-resize" | head -1)"
	fi
	if [ -n "$leaked" ]; then
		bad "$name: resize --backend gpu leaks" "$leaked"
	fi

	[ "$when" = working ] && return 0
	cpu "$name-auto-serial" prime --backend serial --input - --print all <"$big"
	on "$name-auto" "$@" -- prime --backend auto --verbose --input - --print all <"$big"
	if [ "$status" = 0 ] && cmp -s "$work/$name-auto.out" "$work/$name-auto-serial.out" && grep -q 'chose parallel' "$work/$name-auto.err"; then
		ok "$name: prime --backend auto fell back to the CPU"
	else
		bad "$name: prime --backend auto did not give the CPU's result" "exit $status" "$(message "$name-auto")"
	fi
	[ "$when" = start-up ] || return 0
	cpu "$name-auto-resize-serial" resize --backend serial --quiet --size 600x --out "$work/$name-auto-resize-serial" "$work/in/big"
	on "$name-auto-resize" "$@" -- resize --backend auto --verbose --size 600x --out "$work/$name-auto-resize" "$work/in/big"
	if [ "$status" = 0 ] && diff -r "$work/$name-auto-resize" "$work/$name-auto-resize-serial" >/dev/null && grep -q 'chose parallel' "$work/$name-auto-resize.err"; then
		ok "$name: resize --backend auto fell back to the CPU"
	else
		bad "$name: resize --backend auto did not give the CPU's result" "exit $status" "$(message "$name-auto-resize")"
	fi
}
if $real; then
	echo "== injected faults: only on fakecuda (make gpu-fake-check)"
else
	echo "== injected faults"
	fault init-100 start-up FAKECUDA_INIT=100
	fault init-803 start-up FAKECUDA_INIT=803
	# the CUDA release just before the one that brought the ISA of the PTX
	# that corescale embeds (the engines, in the binary, load it)
	isa=$(grep -a -o -m1 '^\.version [0-9]*\.[0-9]*' "$cs" | awk '{print $2}')
	before=$(echo "6.0 8000 6.1 9000 6.2 9010 6.3 9020 6.4 10000 6.5 10010 7.0 10020 7.1 11000 7.2 11010
		7.3 11020 7.4 11030 7.5 11040 7.6 11050 7.7 11060 7.8 11070 8.0 11080 8.1 12000 8.2 12010
		8.3 12020 8.4 12030 8.5 12040 8.6 12060 8.7 12060 8.8 12080 9.0 12090" |
		tr -s ' \t\n' '\n\n\n' | awk -v isa="$isa" 'prev == isa {print; exit} {prev = $0}')
	if [ -n "$isa" ] && [ -n "$before" ]; then
		# the probe may refuse the driver before the JIT would
		says="too old.*PTX" fault old-driver start-up FAKECUDA_DRIVER_VERSION="$before"
	else
		bad "corescale's PTX declares ISA '$isa', which check.sh does not know"
	fi
	fault alloc-1 prime-start-up FAKECUDA_FAIL_ALLOC=1
	fault alloc-3 prime-start-up FAKECUDA_FAIL_ALLOC=3
	fault launch-fault working FAKECUDA_FAIL_LAUNCH=3
	fault launch-refused working FAKECUDA_FAIL_LAUNCH=3:701
	fault lost-999 working FAKECUDA_LOSE_DEVICE=3
	fault lost-46 working FAKECUDA_LOSE_DEVICE=3:46
	# the same on every one of two devices (each at its own Nth call);
	# one device of several failing, whose work the others finish, is
	# gpu/fakecuda's TestPluginFaults
	fault alloc-1-both prime-start-up FAKECUDA_DEVICES=2 FAKECUDA_FAIL_ALLOC=1@all
	fault launch-fault-both working FAKECUDA_DEVICES=2 FAKECUDA_FAIL_LAUNCH=3@all
	fault lost-999-both working FAKECUDA_DEVICES=2 FAKECUDA_LOSE_DEVICE=3@all
fi

echo
if [ ${#failures[@]} -eq 0 ]; then
	echo "check.sh: all checks passed"
	exit 0
fi
echo "check.sh: ${#failures[@]} check(s) failed:"
printf '  %s\n' "${failures[@]}"
exit 1
