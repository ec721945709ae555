#!/usr/bin/env bash
# make sass: what each kernel costs on a GPU, worked out without one.
# For every kernels/*.ptx: registers per thread from ptxas -v for sm_90, the
# occupancy that gives at the block size the engines launch with, and the
# loops of the sm_90 machine code (cuobjdump -sass): each backward branch
# closes a loop, whose instructions and 64-bit multiply pieces (IMAD.WIDE,
# IMAD.HI, the halves of __umul64hi) are counted.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The block sizes gpu/*.go launch with (threads per block).
declare -A block=([is_prime_u64]=256 [prime_trial_u64]=256 [prime_trial_range]=256 [prime_trial_random]=256 [prime_base2]=256 [prime_lucas]=256 [resize_h_u8]=256 [resize_v_u8]=256 [sieve_segments]=256 [sieve_scan]=256 [sieve_compact]=256 [sum_u8]=256)
for bits in 128 192 256 384 512 1024 2048 4096; do
	for pass in trial base2 lucas; do block[bigprime_${pass}_$bits]=128; done
done

for ptx in *.ptx; do
	cubin=$tmp/${ptx%.ptx}.cubin
	ptxas -arch=sm_90 -v -o "$cubin" "$ptx" 2>"$tmp/ptxas.txt"
	# "Function properties for NAME" then "Used N registers".
	awk '/Function properties for/ {f=$NF} /Used [0-9]+ registers/ {for (i=1;i<=NF;i++) if ($i=="Used") print f, $(i+1)}' "$tmp/ptxas.txt" >"$tmp/regs.txt"
	while read -r fn regs; do
		b=${block[$fn]:-256}
		# sm_90: 65,536 registers and 2,048 threads per multiprocessor,
		# registers allocated per warp in units of 256.
		per_warp=$(( (regs * 32 + 255) / 256 * 256 ))
		warps_by_regs=$(( 65536 / per_warp ))
		warps_per_block=$(( (b + 31) / 32 ))
		blocks=$(( warps_by_regs / warps_per_block ))
		(( blocks > 32 )) && blocks=32
		warps=$(( blocks * warps_per_block ))
		(( warps > 64 )) && warps=64
		echo "$fn: $regs registers/thread, blocks of $b: $blocks blocks/SM, occupancy $(( warps * 100 / 64 ))% ($warps of 64 warps)"
	done <"$tmp/regs.txt"
	cuobjdump -sass "$cubin" | awk '
		function hex(s,   i, v) {
			v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		/Function :/ { fn = $3 }
		/^[[:space:]]*\/\*[0-9a-f]+\*\// {
			addr = hex(substr($1, 3, length($1) - 4))
			n++; a[n] = addr; op[n] = $0; f[n] = fn
		}
		END {
			for (i = 1; i <= n; i++) {
				if (op[i] !~ /BRA/) continue
				if (match(op[i], /BRA[^;]*0x[0-9a-f]+/) == 0) continue
				t = substr(op[i], RSTART, RLENGTH); sub(/.*0x/, "", t); target = hex(t)
				if (target >= a[i]) continue
				count = 0; mul = 0
				for (j = 1; j <= i; j++) if (f[j] == f[i] && a[j] >= target) {
					count++
					if (op[j] ~ /IMAD\.(WIDE|HI)|IMUL/) mul++
				}
				printf "  %s loop 0x%04x-0x%04x: %d instructions, %d of them 64-bit multiply pieces\n", f[i], target, a[i], count, mul
			}
		}'
done
