// The kernels of kernels/*.cu compiled for the host, and the launch loop
// that runs a grid as loops over its blocks and threads, or, for the kernels
// that use __syncthreads and __shared__, cooperatively (host_grid.h).
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

extern "C" {
#include "emu.h"
}

// Each trampoline unpacks a kernel's argument list as the CUDA driver's
// cuLaunchKernel does: args[i] points at the value of parameter i.
static void launch_is_prime_u64(void **args) {
	is_prime_u64(*(const uint64_t **)args[0], *(uint8_t **)args[1], *(uint32_t *)args[2]);
}

static void launch_prime_trial_u64(void **args) {
	prime_trial_u64(*(const uint64_t **)args[0], *(uint8_t **)args[1], *(uint32_t *)args[2], *(uint64_t **)args[3],
	                *(uint32_t **)args[4], *(uint32_t **)args[5]);
}

static void launch_prime_trial_range(void **args) {
	prime_trial_range(*(uint64_t *)args[0], *(uint8_t **)args[1], *(uint32_t *)args[2], *(uint64_t **)args[3],
	                  *(uint32_t **)args[4], *(uint32_t **)args[5]);
}

static void launch_prime_trial_random(void **args) {
	prime_trial_random(*(uint64_t *)args[0], *(uint64_t *)args[1], *(uint32_t *)args[2], *(uint8_t **)args[3],
	                   *(uint32_t *)args[4], *(uint64_t **)args[5], *(uint32_t **)args[6], *(uint32_t **)args[7]);
}

static void launch_prime_base2(void **args) {
	prime_base2(*(const uint64_t **)args[0], *(const uint32_t **)args[1], *(uint64_t **)args[2], *(uint32_t **)args[3],
	            *(uint32_t **)args[4]);
}

static void launch_prime_lucas(void **args) {
	prime_lucas(*(const uint64_t **)args[0], *(const uint32_t **)args[1], *(uint8_t **)args[2], *(const uint32_t **)args[3]);
}

static void launch_resize_h_u8(void **args) {
	resize_h_u8(*(const uint8_t **)args[0], *(uint32_t *)args[1], *(uint8_t **)args[2], *(uint32_t *)args[3],
	            *(uint32_t *)args[4], *(uint32_t *)args[5], *(uint32_t *)args[6], *(const int32_t **)args[7],
	            *(const int32_t **)args[8], *(const int32_t **)args[9], *(uint32_t *)args[10]);
}

static void launch_resize_v_u8(void **args) {
	resize_v_u8(*(const uint8_t **)args[0], *(uint32_t *)args[1], *(uint8_t **)args[2], *(uint32_t *)args[3],
	            *(uint32_t *)args[4], *(uint32_t *)args[5], *(uint32_t *)args[6], *(uint32_t *)args[7],
	            *(const int32_t **)args[8], *(const int32_t **)args[9], *(const int32_t **)args[10],
	            *(uint32_t *)args[11]);
}

static void launch_sieve_segments(void **a) {
	sieve_segments(*(uint64_t *)a[0], *(uint32_t *)a[1], *(uint32_t *)a[2], *(uint32_t *)a[3], *(const uint32_t **)a[4],
	               *(uint32_t *)a[5], *(uint32_t **)a[6], *(uint32_t **)a[7], *(unsigned long long **)a[8]);
}

static void launch_sieve_scan(void **a) { sieve_scan(*(const uint32_t **)a[0], *(uint32_t **)a[1], *(uint32_t *)a[2]); }

static void launch_sieve_compact(void **a) {
	sieve_compact(*(uint64_t *)a[0], *(uint32_t *)a[1], *(const uint32_t **)a[2], *(const uint32_t **)a[3], *(uint64_t **)a[4]);
}

static void launch_sum_u8(void **a) { sum_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(unsigned long long **)a[2]); }

// The size classes of bigprime.cu, three passes each.
#define BIGPRIME_TRAMPOLINES(BITS)                                                                               \
	static void launch_bigprime_trial_##BITS(void **a) {                                                         \
		bigprime_trial_##BITS(*(const uint32_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint32_t **)a[3], \
		                      *(uint32_t **)a[4]);                                                                 \
	}                                                                                                            \
	static void launch_bigprime_base2_##BITS(void **a) {                                                         \
		bigprime_base2_##BITS(*(const uint32_t **)a[0], *(const uint32_t **)a[1], *(uint32_t **)a[2], *(uint32_t **)a[3]); \
	}                                                                                                            \
	static void launch_bigprime_lucas_##BITS(void **a) {                                                         \
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

struct kernel {
	const char *name;
	void (*run)(void **args);
	int nargs;
};

#define BIGPRIME_ROWS(BITS)                                   \
	{"bigprime_trial_" #BITS, launch_bigprime_trial_##BITS, 5}, \
	{"bigprime_base2_" #BITS, launch_bigprime_base2_##BITS, 4}, \
	{"bigprime_lucas_" #BITS, launch_bigprime_lucas_##BITS, 4},

static const kernel kernels[] = {
	{"is_prime_u64", launch_is_prime_u64, 3},
	{"prime_trial_u64", launch_prime_trial_u64, 6},
	{"prime_trial_range", launch_prime_trial_range, 6},
	{"prime_trial_random", launch_prime_trial_random, 8},
	{"prime_base2", launch_prime_base2, 5},
	{"prime_lucas", launch_prime_lucas, 4},
	{"resize_h_u8", launch_resize_h_u8, 11},
	{"resize_v_u8", launch_resize_v_u8, 12},
	{"sieve_segments", launch_sieve_segments, 9},
	{"sieve_scan", launch_sieve_scan, 3},
	{"sieve_compact", launch_sieve_compact, 5},
	{"sum_u8", launch_sum_u8, 3},
	BIGPRIME_ROWS(128) BIGPRIME_ROWS(192) BIGPRIME_ROWS(256) BIGPRIME_ROWS(384)
	BIGPRIME_ROWS(512) BIGPRIME_ROWS(1024) BIGPRIME_ROWS(2048) BIGPRIME_ROWS(4096)
};

// The kernels that use __syncthreads or __shared__, launched cooperatively.
static const char *const cooperative[] = {"sieve_segments", "sieve_scan", "sieve_compact", "sum_u8"};

int emu_kernel_args(const char *name) {
	for (const kernel &k : kernels) {
		if (strcmp(k.name, name) == 0) return k.nargs;
	}
	return -1;
}

int emu_launch(const char *name, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz, void **args) {
	const kernel *k = nullptr;
	for (const kernel &c : kernels) {
		if (strcmp(c.name, name) == 0) k = &c;
	}
	if (k == nullptr) return -1;
	for (const char *c : cooperative) {
		if (strcmp(c, name) == 0) {
			const unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
			return corescale_run_cooperative(k->run, grid, block, args) == 0 ? 0 : -2;
		}
	}
	gridDim = {gx, gy, gz};
	blockDim = {bx, by, bz};
	for (unsigned z = 0; z < gz; z++)
		for (unsigned y = 0; y < gy; y++)
			for (unsigned x = 0; x < gx; x++) {
				blockIdx = {x, y, z};
				for (unsigned tz = 0; tz < bz; tz++)
					for (unsigned ty = 0; ty < by; ty++)
						for (unsigned tx = 0; tx < bx; tx++) {
							threadIdx = {tx, ty, tz};
							k->run(args);
						}
			}
	return 0;
}
