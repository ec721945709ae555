// kernels.cc — corescale's kernels/*.cu compiled for the host through
// kernels/host.h, as gpu/emu compiles them, with the trampolines that unpack
// a cuLaunchKernel argument list. The one C++ file of fakecuda: the .cu
// sources are C++.
//
// A kernel whose PTX has a barrier or shared memory runs cooperatively
// (host_grid.h: a block's threads as fibers that switch at __syncthreads);
// what even that cannot run faithfully, ptx.c finds and the fake refuses.
// Go's build cache hashes only this package's own files, not the kernels
// included from kernels/: kernels_sources.h carries their digest (make ptx
// rewrites it, and go test ./kernels fails while it is stale), so that an
// edited kernel rebuilds this package.
#include "kernels_sources.h"
#include "host.h"

thread_local corescale_dim3 threadIdx, blockIdx, blockDim, gridDim;

#include "prime.cu"
#include "resize.cu"
#include "sieve.cu"
#include "bigprime.cu"

#include "host_grid.h"

#include <cstring>

#include "kernels.h"

static void run_is_prime_u64(void **a) {
	is_prime_u64(*(const uint64_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2]);
}

static void run_prime_trial_u64(void **a) {
	prime_trial_u64(*(const uint64_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint64_t **)a[3], *(uint32_t **)a[4],
	                *(uint32_t **)a[5]);
}

static void run_prime_trial_range(void **a) {
	prime_trial_range(*(uint64_t *)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint64_t **)a[3], *(uint32_t **)a[4],
	                  *(uint32_t **)a[5]);
}

static void run_prime_trial_random(void **a) {
	prime_trial_random(*(uint64_t *)a[0], *(uint64_t *)a[1], *(uint32_t *)a[2], *(uint8_t **)a[3], *(uint32_t *)a[4],
	                   *(uint64_t **)a[5], *(uint32_t **)a[6], *(uint32_t **)a[7]);
}

static void run_prime_base2(void **a) {
	prime_base2(*(const uint64_t **)a[0], *(const uint32_t **)a[1], *(uint64_t **)a[2], *(uint32_t **)a[3], *(uint32_t **)a[4]);
}

static void run_prime_lucas(void **a) {
	prime_lucas(*(const uint64_t **)a[0], *(const uint32_t **)a[1], *(uint8_t **)a[2], *(const uint32_t **)a[3]);
}

static void run_resize_h_u8(void **a) {
	resize_h_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(uint8_t **)a[2], *(uint32_t *)a[3], *(uint32_t *)a[4],
	            *(uint32_t *)a[5], *(uint32_t *)a[6], *(const int32_t **)a[7], *(const int32_t **)a[8],
	            *(const int32_t **)a[9], *(uint32_t *)a[10]);
}

static void run_resize_v_u8(void **a) {
	resize_v_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(uint8_t **)a[2], *(uint32_t *)a[3], *(uint32_t *)a[4],
	            *(uint32_t *)a[5], *(uint32_t *)a[6], *(uint32_t *)a[7], *(const int32_t **)a[8],
	            *(const int32_t **)a[9], *(const int32_t **)a[10], *(uint32_t *)a[11]);
}

static void run_sieve_segments(void **a) {
	sieve_segments(*(uint64_t *)a[0], *(uint32_t *)a[1], *(uint32_t *)a[2], *(uint32_t *)a[3], *(const uint32_t **)a[4],
	               *(uint32_t *)a[5], *(uint32_t **)a[6], *(uint32_t **)a[7], *(unsigned long long **)a[8]);
}

static void run_sieve_scan(void **a) { sieve_scan(*(const uint32_t **)a[0], *(uint32_t **)a[1], *(uint32_t *)a[2]); }

static void run_sieve_compact(void **a) {
	sieve_compact(*(uint64_t *)a[0], *(uint32_t *)a[1], *(const uint32_t **)a[2], *(const uint32_t **)a[3], *(uint64_t **)a[4]);
}

static void run_sum_u8(void **a) { sum_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(unsigned long long **)a[2]); }

// The size classes of bigprime.cu, three passes each.
#define BIGPRIME_TRAMPOLINES(BITS)                                                                               \
	static void run_bigprime_trial_##BITS(void **a) {                                                         \
		bigprime_trial_##BITS(*(const uint32_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint32_t **)a[3], \
		                      *(uint32_t **)a[4]);                                                                 \
	}                                                                                                            \
	static void run_bigprime_base2_##BITS(void **a) {                                                         \
		bigprime_base2_##BITS(*(const uint32_t **)a[0], *(const uint32_t **)a[1], *(uint32_t **)a[2], *(uint32_t **)a[3]); \
	}                                                                                                            \
	static void run_bigprime_lucas_##BITS(void **a) {                                                         \
		bigprime_lucas_##BITS(*(const uint32_t **)a[0], *(const uint32_t **)a[1], *(uint8_t **)a[2],              \
		                      *(const uint32_t **)a[3]);                                                           \
	}
BIGPRIME_TRAMPOLINES(128)
BIGPRIME_TRAMPOLINES(192)
BIGPRIME_TRAMPOLINES(256)
BIGPRIME_TRAMPOLINES(384)
BIGPRIME_TRAMPOLINES(512)
BIGPRIME_TRAMPOLINES(1024)
BIGPRIME_TRAMPOLINES(2048)
BIGPRIME_TRAMPOLINES(4096)

// The parameter letters follow the C signatures in kernels/*.cu; the fake
// checks them against each PTX .entry when a function is looked up.
#define BIGPRIME_ROWS(BITS)                                       \
	{"bigprime_trial_" #BITS, run_bigprime_trial_##BITS, "pp4pp"}, \
	{"bigprime_base2_" #BITS, run_bigprime_base2_##BITS, "pppp"},  \
	{"bigprime_lucas_" #BITS, run_bigprime_lucas_##BITS, "pppp"},

static const fakecuda_kernel table[] = {
	{"is_prime_u64", run_is_prime_u64, "pp4"},
	{"prime_trial_u64", run_prime_trial_u64, "pp4ppp"},
	{"prime_trial_range", run_prime_trial_range, "8p4ppp"},
	{"prime_trial_random", run_prime_trial_random, "884p4ppp"},
	{"prime_base2", run_prime_base2, "ppppp"},
	{"prime_lucas", run_prime_lucas, "pppp"},
	{"resize_h_u8", run_resize_h_u8, "p4p4444ppp4"},
	{"resize_v_u8", run_resize_v_u8, "p4p44444ppp4"},
	{"sieve_segments", run_sieve_segments, "8444p4ppp"},
	{"sieve_scan", run_sieve_scan, "pp4"},
	{"sieve_compact", run_sieve_compact, "84ppp"},
	{"sum_u8", run_sum_u8, "p4p"},
	BIGPRIME_ROWS(128) BIGPRIME_ROWS(192) BIGPRIME_ROWS(256) BIGPRIME_ROWS(384)
	BIGPRIME_ROWS(512) BIGPRIME_ROWS(1024) BIGPRIME_ROWS(2048) BIGPRIME_ROWS(4096)
};

const fakecuda_kernel *fakecuda_kernel_find(const char *name) {
	for (const fakecuda_kernel &k : table) {
		if (std::strcmp(k.name, name) == 0) return &k;
	}
	return nullptr;
}

void fakecuda_kernel_launch(const fakecuda_kernel *k, const unsigned grid[3], const unsigned block[3], void **args) {
	gridDim = {grid[0], grid[1], grid[2]};
	blockDim = {block[0], block[1], block[2]};
	for (unsigned z = 0; z < grid[2]; z++)
		for (unsigned y = 0; y < grid[1]; y++)
			for (unsigned x = 0; x < grid[0]; x++) {
				blockIdx = {x, y, z};
				for (unsigned tz = 0; tz < block[2]; tz++)
					for (unsigned ty = 0; ty < block[1]; ty++)
						for (unsigned tx = 0; tx < block[0]; tx++) {
							threadIdx = {tx, ty, tz};
							k->run(args);
						}
			}
}

int fakecuda_kernel_launch_cooperative(const fakecuda_kernel *k, const unsigned grid[3], const unsigned block[3], void **args) {
	return corescale_run_cooperative(k->run, grid, block, args);
}
