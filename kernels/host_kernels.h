// host_kernels.h — every kernel of kernels/*.cu compiled for the host
// (host.h), with the table that launches them by .entry name: included once
// by each driver that runs the kernels on the host (gpu/emu, gpu/fakecuda),
// so that a new kernel is declared to both in one place.
//
// A trampoline unpacks a kernel's argument list as the CUDA driver's
// cuLaunchKernel does: args[i] points at the value of parameter i.
#ifndef CORESCALE_HOST_KERNELS_H
#define CORESCALE_HOST_KERNELS_H

#include "host.h"

thread_local corescale_dim3 threadIdx, blockIdx, blockDim, gridDim;

#include "prime.cu"
#include "resize.cu"
#include "sieve.cu"
#include "bigprime.cu"

#include "host_grid.h"

namespace corescale_host {

static void is_prime_u64(void **a) { ::is_prime_u64(*(const uint64_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2]); }

static void prime_trial_u64(void **a) {
	::prime_trial_u64(*(const uint64_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint64_t **)a[3], *(uint32_t **)a[4],
	                  *(uint32_t **)a[5]);
}

static void prime_trial_range(void **a) {
	::prime_trial_range(*(uint64_t *)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint64_t **)a[3], *(uint32_t **)a[4],
	                    *(uint32_t **)a[5]);
}

static void prime_trial_random(void **a) {
	::prime_trial_random(*(uint64_t *)a[0], *(uint64_t *)a[1], *(uint32_t *)a[2], *(uint8_t **)a[3], *(uint32_t *)a[4],
	                     *(uint64_t **)a[5], *(uint32_t **)a[6], *(uint32_t **)a[7]);
}

static void prime_base2(void **a) {
	::prime_base2(*(const uint64_t **)a[0], *(const uint32_t **)a[1], *(uint64_t **)a[2], *(uint32_t **)a[3], *(uint32_t **)a[4]);
}

static void prime_lucas(void **a) {
	::prime_lucas(*(const uint64_t **)a[0], *(const uint32_t **)a[1], *(uint8_t **)a[2], *(const uint32_t **)a[3]);
}

static void resize_h_u8(void **a) {
	::resize_h_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(uint8_t **)a[2], *(uint32_t *)a[3], *(uint32_t *)a[4],
	              *(uint32_t *)a[5], *(uint32_t *)a[6], *(const int32_t **)a[7], *(const int32_t **)a[8],
	              *(const int32_t **)a[9], *(uint32_t *)a[10]);
}

static void resize_v_u8(void **a) {
	::resize_v_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(uint8_t **)a[2], *(uint32_t *)a[3], *(uint32_t *)a[4],
	              *(uint32_t *)a[5], *(uint32_t *)a[6], *(uint32_t *)a[7], *(const int32_t **)a[8],
	              *(const int32_t **)a[9], *(const int32_t **)a[10], *(uint32_t *)a[11]);
}

static void sieve_segments(void **a) {
	::sieve_segments(*(uint64_t *)a[0], *(uint32_t *)a[1], *(uint32_t *)a[2], *(uint32_t *)a[3], *(const uint32_t **)a[4],
	                 *(uint32_t *)a[5], *(uint32_t **)a[6], *(uint32_t **)a[7], *(unsigned long long **)a[8]);
}

static void sieve_scan(void **a) { ::sieve_scan(*(const uint32_t **)a[0], *(uint32_t **)a[1], *(uint32_t *)a[2]); }

static void sieve_compact(void **a) {
	::sieve_compact(*(uint64_t *)a[0], *(uint32_t *)a[1], *(const uint32_t **)a[2], *(const uint32_t **)a[3], *(uint64_t **)a[4]);
}

static void sum_u8(void **a) { ::sum_u8(*(const uint8_t **)a[0], *(uint32_t *)a[1], *(unsigned long long **)a[2]); }

// The size classes of bigprime.cu, three passes each.
#define CORESCALE_BIGPRIME_TRAMPOLINES(BITS)                                                                                 \
	static void bigprime_trial_##BITS(void **a) {                                                                            \
		::bigprime_trial_##BITS(*(const uint32_t **)a[0], *(uint8_t **)a[1], *(uint32_t *)a[2], *(uint32_t **)a[3],          \
		                        *(uint32_t **)a[4]);                                                                         \
	}                                                                                                                        \
	static void bigprime_base2_##BITS(void **a) {                                                                            \
		::bigprime_base2_##BITS(*(const uint32_t **)a[0], *(const uint32_t **)a[1], *(uint32_t **)a[2], *(uint32_t **)a[3]); \
	}                                                                                                                        \
	static void bigprime_lucas_##BITS(void **a) {                                                                            \
		::bigprime_lucas_##BITS(*(const uint32_t **)a[0], *(const uint32_t **)a[1], *(uint8_t **)a[2],                       \
		                        *(const uint32_t **)a[3]);                                                                   \
	}
CORESCALE_BIGPRIME_TRAMPOLINES(128)
CORESCALE_BIGPRIME_TRAMPOLINES(192)
CORESCALE_BIGPRIME_TRAMPOLINES(256)
CORESCALE_BIGPRIME_TRAMPOLINES(384)
CORESCALE_BIGPRIME_TRAMPOLINES(512)
CORESCALE_BIGPRIME_TRAMPOLINES(1024)
CORESCALE_BIGPRIME_TRAMPOLINES(2048)
CORESCALE_BIGPRIME_TRAMPOLINES(4096)

// kernel is a host-compiled kernel. params spells its C parameter list, one
// letter a parameter: 'p' a device pointer (8 bytes), '4' a 4-byte value,
// '8' an 8-byte value (fakecuda checks it against the PTX .entry).
// cooperative marks the kernels that use __syncthreads or __shared__, which
// must run with host_grid.h's fibers.
struct kernel {
	const char *name;
	void (*run)(void **args);
	const char *params;
	bool cooperative;
};

#define CORESCALE_BIGPRIME_ROWS(BITS)                                     \
	{"bigprime_trial_" #BITS, bigprime_trial_##BITS, "pp4pp", false}, \
	{"bigprime_base2_" #BITS, bigprime_base2_##BITS, "pppp", false},  \
	{"bigprime_lucas_" #BITS, bigprime_lucas_##BITS, "pppp", false},

static const kernel kernels[] = {
	{"is_prime_u64", is_prime_u64, "pp4", false},
	{"prime_trial_u64", prime_trial_u64, "pp4ppp", false},
	{"prime_trial_range", prime_trial_range, "8p4ppp", false},
	{"prime_trial_random", prime_trial_random, "884p4ppp", false},
	{"prime_base2", prime_base2, "ppppp", false},
	{"prime_lucas", prime_lucas, "pppp", false},
	{"resize_h_u8", resize_h_u8, "p4p4444ppp4", false},
	{"resize_v_u8", resize_v_u8, "p4p44444ppp4", false},
	{"sieve_segments", sieve_segments, "8444p4ppp", true},
	{"sieve_scan", sieve_scan, "pp4", true},
	{"sieve_compact", sieve_compact, "84ppp", true},
	{"sum_u8", sum_u8, "p4p", true},
	CORESCALE_BIGPRIME_ROWS(128) CORESCALE_BIGPRIME_ROWS(192) CORESCALE_BIGPRIME_ROWS(256) CORESCALE_BIGPRIME_ROWS(384)
	CORESCALE_BIGPRIME_ROWS(512) CORESCALE_BIGPRIME_ROWS(1024) CORESCALE_BIGPRIME_ROWS(2048) CORESCALE_BIGPRIME_ROWS(4096)
};

// find returns the kernel called name, or nullptr.
static const kernel *find(const char *name) {
	for (const kernel &k : kernels) {
		if (strcmp(k.name, name) == 0) return &k;
	}
	return nullptr;
}

// run_serial runs run(args) over grid × block threads, block after block
// and, within a block, thread after thread: for the kernels that need no
// barrier, whose threads are then free to run in any order.
static void run_serial(void (*run)(void **), const unsigned grid[3], const unsigned block[3], void **args) {
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
							run(args);
						}
			}
}

} // namespace corescale_host

#endif
