// sieve.cu — the primes of a range below 2^64 on the GPU: a segmented sieve
// of Eratosthenes over the odd numbers, one segment a block, the segment's
// bitmap in shared memory.
//
// A chunk of the range is a run of bits from an even base: bit k stands for
// base + 2k + 1, and segment s (block s) holds bits s·W·32 to (s+1)·W·32 − 1
// for W = seg_words. Bits outside [first, last] are not the range's and are
// cleared before anything is counted or written. The host handles 2 and
// keeps 1 out of the range.
//
// sieve_segments crosses off the multiples of the sieving primes (all odd
// primes up to the square root of the range's top for an exact sieve; up to
// a lower bound for the hybrid, whose survivors is_prime_u64 then decides),
// writes each segment's bitmap of survivors to global memory, its count to
// counts[block], and adds the count to *total, so that a count needs only
// that one number back over PCIe. sieve_scan and sieve_compact turn the
// bitmaps into the survivors as numbers, in order, for the hybrid's test;
// sum_u8 adds up is_prime_u64's verdicts on the device.
//
// The same source compiles for the host with host.h and runs through
// host_grid.h's cooperative launch, where __syncthreads is a real barrier.

#include <stdint.h>

// SIEVE_MAX_WORDS bounds a segment: 32 KiB of shared memory, inside the
// 48 KiB of static shared memory a block may have on every GPU since Volta.
#define SIEVE_MAX_WORDS 8192
// A block has at most this many threads (the launch limit).
#define SIEVE_MAX_THREADS 1024

// SHARED_ARRAY declares an array in the block's shared memory. host.h
// gives it another meaning on the host (see there).
#ifndef SHARED_ARRAY
#define SHARED_ARRAY(type, name, n) __shared__ type name[n]
#endif

// valid_mask returns the bits of word w (bits 32w … 32w+31 of the chunk)
// that lie in [first, last].
__device__ __forceinline__ uint32_t valid_mask(uint64_t w, uint32_t first, uint32_t last) {
	uint64_t lo = w * 32, hi = lo + 31;
	if (hi < first || lo > last) return 0;
	uint32_t m = 0xffffffffu;
	if (lo < first) m &= 0xffffffffu << (uint32_t)(first - lo);
	if (hi > last) m &= 0xffffffffu >> (uint32_t)(hi - last);
	return m;
}

// first_bit returns the first bit of the segment from lo (odd) that p
// crosses off: its first odd multiple from lo, and from p² on, so that p
// itself and what smaller primes cross stay; seg_bits when there is none.
__device__ __forceinline__ uint64_t first_bit(uint64_t lo, uint64_t p, uint64_t seg_bits) {
	uint64_t r = lo % p;
	uint64_t d = r ? p - r : 0;  // lo + d: the first multiple of p from lo
	if (d & 1) d += p;           // lo is odd: the first odd multiple
	uint64_t j = d / 2;
	uint64_t sq = p * p;  // p < 2^32: no overflow
	if (sq > lo && (sq - lo) / 2 > j) j = (sq - lo) / 2;
	return j < seg_bits ? j : seg_bits;
}

extern "C" __global__ void sieve_segments(uint64_t base, uint32_t first, uint32_t last, uint32_t seg_words,
                                          const uint32_t *primes, uint32_t nprimes, uint32_t *words, uint32_t *counts,
                                          unsigned long long *total) {
	SHARED_ARRAY(uint32_t, bits, SIEVE_MAX_WORDS);
	__shared__ uint32_t block_count;
	SHARED_ARRAY(uint32_t, small_first, SIEVE_MAX_THREADS);
	const uint32_t t = threadIdx.x, nt = blockDim.x;
	const uint64_t seg_bits = (uint64_t)seg_words * 32;
	const uint64_t first_word = (uint64_t)blockIdx.x * seg_words;
	// The segment's first number; at most the range's top, so no overflow.
	const uint64_t lo = base + 2 * (first_word * 32) + 1;

	// The first nt primes are small and cross off most bits: every
	// thread takes every nt-th multiple of each, so that 3's 87,000
	// crossings of a full segment spread over the block rather than keep
	// one thread busy while its warp idles. Each finds one start first.
	const uint32_t nsmall = nprimes < nt ? nprimes : nt;
	for (uint32_t i = t; i < seg_words; i += nt) bits[i] = 0;
	if (t == 0) block_count = 0;
	if (t < nsmall) small_first[t] = (uint32_t)first_bit(lo, primes[t], seg_bits);
	__syncthreads();

	for (uint32_t i = 0; i < nsmall; i++) {
		const uint64_t p = primes[i];
		for (uint64_t j = small_first[i] + t * p; j < seg_bits; j += nt * p) atomicOr(&bits[j >> 5], 1u << (j & 31));
	}
	// The others cross a segment a few times each: a thread a prime.
	for (uint32_t i = nsmall + t; i < nprimes; i += nt) {
		uint64_t p = primes[i];
		for (uint64_t j = first_bit(lo, p, seg_bits); j < seg_bits; j += p) atomicOr(&bits[j >> 5], 1u << (j & 31));
	}
	__syncthreads();

	uint32_t n = 0;
	for (uint32_t i = t; i < seg_words; i += nt) {
		uint32_t live = ~bits[i] & valid_mask(first_word + i, first, last);
		words[first_word + i] = live;
		n += __popc(live);
	}
	atomicAdd(&block_count, n);
	__syncthreads();
	if (t == 0) {
		counts[blockIdx.x] = block_count;
		atomicAdd(total, (unsigned long long)block_count);
	}
}

// sieve_scan sets offsets[i] to counts[0] + … + counts[i−1] for i ≤ n: one
// block, each thread a run of counts.
extern "C" __global__ void sieve_scan(const uint32_t *counts, uint32_t *offsets, uint32_t n) {
	SHARED_ARRAY(uint32_t, part, SIEVE_MAX_THREADS);
	const uint32_t t = threadIdx.x, nt = blockDim.x;
	const uint32_t per = (n + nt - 1) / nt;
	const uint32_t begin = t * per < n ? t * per : n, end = begin + per < n ? begin + per : n;
	uint32_t s = 0;
	for (uint32_t i = begin; i < end; i++) s += counts[i];
	part[t] = s;
	__syncthreads();
	if (t == 0) {
		uint32_t run = 0;
		for (uint32_t i = 0; i < nt; i++) {
			uint32_t v = part[i];
			part[i] = run;
			run += v;
		}
		offsets[n] = run;
	}
	__syncthreads();
	uint32_t at = part[t];
	for (uint32_t i = begin; i < end; i++) {
		offsets[i] = at;
		at += counts[i];
	}
}

// sieve_compact writes the numbers of the set bits of segment blockIdx.x's
// bitmap to out, from offsets[blockIdx.x] on, in order.
extern "C" __global__ void sieve_compact(uint64_t base, uint32_t seg_words, const uint32_t *words, const uint32_t *offsets,
                                         uint64_t *out) {
	SHARED_ARRAY(uint32_t, part, SIEVE_MAX_THREADS);
	const uint32_t t = threadIdx.x, nt = blockDim.x;
	const uint32_t per = (seg_words + nt - 1) / nt;
	const uint32_t begin = t * per < seg_words ? t * per : seg_words;
	const uint32_t end = begin + per < seg_words ? begin + per : seg_words;
	const uint64_t w0 = (uint64_t)blockIdx.x * seg_words;
	uint32_t c = 0;
	for (uint32_t i = begin; i < end; i++) c += __popc(words[w0 + i]);
	part[t] = c;
	__syncthreads();
	if (t == 0) {
		uint32_t run = 0;
		for (uint32_t i = 0; i < nt; i++) {
			uint32_t v = part[i];
			part[i] = run;
			run += v;
		}
	}
	__syncthreads();
	uint64_t at = offsets[blockIdx.x] + part[t];
	for (uint32_t i = begin; i < end; i++) {
		uint32_t v = words[w0 + i];
		while (v != 0) {
			uint32_t b = __ffs(v) - 1;
			out[at++] = base + 2 * ((w0 + i) * 32 + b) + 1;
			v &= v - 1;
		}
	}
}

// sum_u8 adds the n bytes of v to *total: each thread a stride of them, the
// block's sums reduced in shared memory (blockDim.x a power of two), one
// atomic add a block.
extern "C" __global__ void sum_u8(const uint8_t *v, uint32_t n, unsigned long long *total) {
	SHARED_ARRAY(unsigned long long, part, SIEVE_MAX_THREADS);
	const uint32_t t = threadIdx.x;
	unsigned long long s = 0;
	for (uint64_t i = (uint64_t)blockIdx.x * blockDim.x + t; i < n; i += (uint64_t)gridDim.x * blockDim.x) s += v[i];
	part[t] = s;
	__syncthreads();
	for (uint32_t half = blockDim.x / 2; half > 0; half /= 2) {
		if (t < half) part[t] += part[t + half];
		__syncthreads();
	}
	if (t == 0) atomicAdd(total, part[0]);
}
