// prime.cu — batch primality on the GPU: the exact verdict for every n < 2^64,
// by the same method as cpu/prime (Baillie–PSW: trial division by the odd
// primes up to 61, a strong probable-prime test to base 2, an extra strong
// Lucas test with Baillie's parameters; no composite below 2^64 passes it),
// so the GPU's verdicts equal the CPU's.
//
// The engine runs the three stages as separate passes (prime_trial_* →
// prime_base2 → prime_lucas), each writing its survivors, compacted, for
// the next: a warp of the base-2 pass then holds 32 numbers that all need
// it, where one thread per number for every stage would run the full test
// on nearly every warp (one lane of 32 needing it is enough) and the Lucas
// test on about half. Compaction is an atomicAdd on a counter in global
// memory (nvcc aggregates same-address atomics per warp); the order of the
// survivors does not matter, since each carries its index. The counts stay
// on the device: the later passes stride over however many there are, so
// the host never waits between stages.
//
// Arithmetic: Montgomery multiplication with __umul64hi; a squaring forms
// its 64×64 product from three 32×32 products, not four (the cross term
// once, doubled); the ladders start at the exponent's top bit, so a 40-bit
// n costs 40 steps, not 64; the Jacobi symbol is the binary
// (division-free) algorithm; 2^64 mod n comes from a double-precision
// quotient corrected, not a 64-bit %.
//
// The same source compiles for the host with host.h (gpu/emu, fakecuda),
// so every CI run executes this code and compares it with the CPU engine.

#include <stdint.h>

namespace corescale_prime {

__device__ __forceinline__ int ctz64(uint64_t x) {
#ifdef __CUDA_ARCH__
	return __ffsll((long long)x) - 1;
#else
	return __builtin_ctzll(x);
#endif
}

// bit_length returns the position of the top set bit plus one (x > 0).
__device__ __forceinline__ int bit_length(uint64_t x) {
#ifdef __CUDA_ARCH__
	return 64 - __clzll((long long)x);
#else
	return 64 - __builtin_clzll(x);
#endif
}

// redc returns hi:lo · 2^-64 mod n for hi < n.
__device__ __forceinline__ uint64_t redc(uint64_t lo, uint64_t hi, uint64_t n, uint64_t inv) {
	uint64_t mh = __umul64hi(lo * inv, n);
	uint64_t r = hi - mh;
	return hi < mh ? r + n : r;
}

__device__ __forceinline__ uint64_t mont_mul(uint64_t a, uint64_t b, uint64_t n, uint64_t inv) {
	return redc(a * b, __umul64hi(a, b), n, inv);
}

// mont_sqr is mont_mul(a, a): a² = a1²·2^64 + 2·a0·a1·2^32 + a0², three
// 32×32 products where a general product needs four.
__device__ __forceinline__ uint64_t mont_sqr(uint64_t a, uint64_t n, uint64_t inv) {
	uint32_t a0 = (uint32_t)a, a1 = (uint32_t)(a >> 32);
	uint64_t p00 = (uint64_t)a0 * a0, p01 = (uint64_t)a0 * a1, p11 = (uint64_t)a1 * a1;
	uint64_t lo = p00 + (p01 << 33);
	uint64_t hi = p11 + (p01 >> 31) + (lo < p00 ? 1 : 0);
	return redc(lo, hi, n, inv);
}

// add_mod returns a+b mod n for a, b < n, also when a+b overflows.
__device__ __forceinline__ uint64_t add_mod(uint64_t a, uint64_t b, uint64_t n) {
	uint64_t room = n - a;
	return b >= room ? b - room : a + b;
}

__device__ __forceinline__ uint64_t sub_mod(uint64_t a, uint64_t b, uint64_t n) {
	return a >= b ? a - b : a - b + n;
}

// inverse returns n⁻¹ mod 2^64 for odd n (Newton: 3, 6, 12, … 96 bits).
__device__ __forceinline__ uint64_t inverse(uint64_t n) {
	uint64_t x = n;
	for (int i = 0; i < 5; i++) x *= 2 - n * x;
	return x;
}

// r_mod_n returns 2^64 mod n (odd n > 1), the Montgomery form of 1. The
// quotient from a double is within 2 of the true one; starting below it,
// at most a few subtractions finish the job, where a 64-bit % is a
// ~65-instruction routine on the GPU.
__device__ __forceinline__ uint64_t r_mod_n(uint64_t n) {
	if (n > (1ull << 63)) return 0 - n;
	uint64_t q = (uint64_t)(18446744073709551616.0 / (double)n);
	q = q > 3 ? q - 2 : 1;  // at most the true quotient, and at least 1
	uint64_t r = 0 - q * n;  // 2^64 − q·n: below 2^64 as 1 ≤ q ≤ 2^64/n
	while (r >= n) r -= n;
	return r;
}

// Divisibility by an odd prime p with one multiplication: n·p⁻¹ mod 2^64
// maps the multiples of p onto 0 … ⌊(2^64−1)/p⌋.
__device__ __forceinline__ bool divisible(uint64_t n, uint64_t p) {
	return n * inverse(p) <= ~0ull / p;
}

// trial returns 1 or 0 when trial division settles n, −1 when n goes on
// to the probable-prime tests.
__device__ __forceinline__ int trial(uint64_t n) {
	if (n < 2) return 0;
	if ((n & 1) == 0) return n == 2;
	const uint64_t primes[] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61};
#pragma unroll
	for (int i = 0; i < 17; i++) {
		if (divisible(n, primes[i])) return n == primes[i];
	}
	if (n < 67 * 67) return 1;
	return -1;
}

// strong_base2 is the strong probable-prime test to base 2 for odd n > 61²;
// the ladder starts from 2 at d's top bit, and a step's multiplication by
// the base is an addition.
__device__ bool strong_base2(uint64_t n) {
	uint64_t inv = inverse(n), one = r_mod_n(n), minus_one = n - one;
	uint64_t d = n - 1;
	int s = ctz64(d);
	d >>= s;
	uint64_t x = add_mod(one, one, n);
	for (int i = bit_length(d) - 2; i >= 0; i--) {
		uint64_t y = mont_sqr(x, n, inv);
		x = add_mod(y, ((d >> i) & 1) ? y : 0, n);
	}
	if (x == one || x == minus_one) return true;
	for (int r = 1; r < s; r++) {
		x = mont_sqr(x, n, inv);
		if (x == minus_one) return true;
		if (x == one) return false;
	}
	return false;
}

// mod_small returns a mod m for 0 < m < 2^32 with 32-bit remainders
// where m < 2^16 (three of them, 16 bits of a at a time), which the GPU
// does in a few instructions, where a 64-bit % is a ~65-instruction routine.
__device__ __forceinline__ uint64_t mod_small(uint64_t a, uint64_t m) {
	if (m >= 65536) return a % m;
	uint32_t m32 = (uint32_t)m, lo = (uint32_t)a;
	uint32_t r = (uint32_t)(a >> 32) % m32;
	r = ((r << 16) | (lo >> 16)) % m32;
	return ((r << 16) | (lo & 0xffff)) % m32;
}

// jacobi returns the Jacobi symbol (a/n) for odd n by the binary
// algorithm: shifts, subtractions and swaps, no 64-bit division. Once
// reciprocity has swapped a small P²−4 under a 64-bit n, one reduction
// by mod_small replaces the ~64 halving steps that would bring n down.
__device__ int jacobi(uint64_t a, uint64_t n) {
	if (a >= n) a %= n;  // never for P²−4 < 67² ≤ n, which is every n here
	int t = 1;
	while (a != 0) {
		int z = ctz64(a);
		a >>= z;
		uint64_t r = n & 7;
		if ((z & 1) && (r == 3 || r == 5)) t = -t;
		if (a < n) {
			uint64_t tmp = a; a = n; n = tmp;
			if ((a & 3) == 3 && (n & 3) == 3) t = -t;
			if (n >> 32 == 0 && a >> 32 != 0) {
				a = mod_small(a, n);
				continue;
			}
		}
		a -= n;
	}
	return n == 1 ? t : 0;
}

__device__ bool is_square(uint64_t n) {
	uint64_t r = (uint64_t)sqrt((double)n);
	while (r > 0xffffffffull || r * r > n) r--;
	while (r < 0xffffffffull && (r + 1) * (r + 1) <= n) r++;
	return r * r == n;
}

// extra_strong_lucas: Q = 1, D = P²−4, n+1 = d·2^s: U_d ≡ 0 and V_d ≡ ±2,
// or V_(d·2^r) ≡ 0 for some r < s−1, with V computed by the ladder from
// (V_1, V_2) at d's top bit and U_d ≡ 0 read as 2·V_(d+1) ≡ P·V_d.
__device__ bool extra_strong_lucas(uint64_t n, uint64_t p) {
	uint64_t inv = inverse(n), one = r_mod_n(n);
	uint64_t two = add_mod(one, one, n);
	uint64_t mp = 0;
	for (uint64_t i = 0; i < p; i++) mp = add_mod(mp, one, n);
	uint64_t d = n + 1;
	int s = ctz64(d);
	d >>= s;
	uint64_t vk = mp, vk1 = sub_mod(mont_sqr(mp, n, inv), two, n);
	for (int i = bit_length(d) - 2; i >= 0; i--) {
		bool bit = (d >> i) & 1;
		uint64_t a = bit ? vk1 : vk;
		uint64_t sq = sub_mod(mont_sqr(a, n, inv), two, n);
		uint64_t pr = sub_mod(mont_mul(vk, vk1, n, inv), mp, n);
		vk = bit ? pr : sq;
		vk1 = bit ? sq : pr;
	}
	if (add_mod(vk1, vk1, n) == mont_mul(vk, mp, n, inv) && (vk == two || vk == n - two)) return true;
	for (int r = 0; r < s - 1; r++) {
		if (vk == 0) return true;
		vk = sub_mod(mont_sqr(vk, n, inv), two, n);
	}
	return false;
}

// lucas_stage settles an n that passed trial division and the base-2 test.
__device__ bool lucas_stage(uint64_t n) {
	if (is_square(n)) return false;
	for (uint64_t p = 3;; p++) {
		int j = jacobi(p * p - 4, n);
		if (j == 0) return false;  // a common factor with P²−4 < n
		if (j == -1) return extra_strong_lucas(n, p);
	}
}

__device__ bool is_prime(uint64_t n) {
	int t = trial(n);
	if (t >= 0) return t == 1;
	return strong_base2(n) && lucas_stage(n);
}

// trial_pass writes n's verdict when trial division settles it, else a
// provisional 0, and appends n and its index to the survivors.
__device__ __forceinline__ void trial_pass(uint64_t n, uint32_t i, uint8_t *out, uint64_t *surv_n, uint32_t *surv_i,
                                           uint32_t *counts) {
	int t = trial(n);
	out[i] = t == 1 ? 1 : 0;
	if (t < 0) {
		uint32_t k = atomicAdd(&counts[0], 1u);
		surv_n[k] = n;
		surv_i[k] = i;
	}
}


// The 128-bit state of math/rand/v2's PCG (its pcg.go): before each draw
// the state steps to s·mul + inc mod 2^128, and the draw is the DXSM
// output of the new state. A thread draws the same numbers as the CPU's
// rand.Rand over a rand.PCG from the same state.
struct pcg_state {
	uint64_t hi, lo;
};

__device__ __forceinline__ pcg_state pcg_mul_add(pcg_state a, pcg_state m, pcg_state c) {
	uint64_t lo = a.lo * m.lo;
	uint64_t hi = __umul64hi(a.lo, m.lo) + a.hi * m.lo + a.lo * m.hi;
	uint64_t sum = lo + c.lo;
	return pcg_state{hi + c.hi + (sum < lo ? 1 : 0), sum};
}

__device__ __forceinline__ pcg_state pcg_step(pcg_state s) {
	const pcg_state mul = {2549297995355413924ull, 4865540595714422341ull};
	const pcg_state inc = {6364136223846793005ull, 1442695040888963407ull};
	return pcg_mul_add(s, mul, inc);
}

// pcg_advance returns the state k steps after s in O(log k): k steps of an
// LCG are one LCG step (m^k, c·(m^k−1)/(m−1)), squared up bit by bit.
__device__ pcg_state pcg_advance(pcg_state s, uint64_t k) {
	pcg_state acc_m = {0, 1}, acc_c = {0, 0};
	pcg_state m = {2549297995355413924ull, 4865540595714422341ull};
	pcg_state c = {6364136223846793005ull, 1442695040888963407ull};
	const pcg_state zero = {0, 0};
	for (; k != 0; k >>= 1) {
		if (k & 1) {
			acc_m = pcg_mul_add(acc_m, m, zero);
			acc_c = pcg_mul_add(acc_c, m, c);
		}
		pcg_state m1 = m;
		m1.lo += 1;
		if (m1.lo == 0) m1.hi += 1;
		c = pcg_mul_add(c, m1, zero);  // two steps of (m, c) are one of (m², (m+1)·c)
		m = pcg_mul_add(m, m, zero);
	}
	return pcg_mul_add(s, acc_m, acc_c);
}

// pcg_output is DXSM, "double xorshift multiply", of the state just stepped.
__device__ __forceinline__ uint64_t pcg_output(pcg_state s) {
	uint64_t hi = s.hi;
	hi ^= hi >> 32;
	hi *= 0xda942042e4dd58b5ull;
	hi ^= hi >> 48;
	return hi * (s.lo | 1);
}

}  // namespace corescale_prime

// is_prime_u64 sets out[i] to 1 when ns[i] is prime, else 0, for i < count:
// every stage in one thread, the reference the staged passes are checked
// against.
extern "C" __global__ void is_prime_u64(const uint64_t *ns, uint8_t *out, uint32_t count) {
	uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < count) out[i] = corescale_prime::is_prime(ns[i]) ? 1 : 0;
}

// prime_trial_u64 is the first pass over ns[0 … count): verdicts for what
// trial division settles, survivors (number, index) appended at
// counts[0], which the host zeroes first.
extern "C" __global__ void prime_trial_u64(const uint64_t *ns, uint8_t *out, uint32_t count, uint64_t *surv_n,
                                           uint32_t *surv_i, uint32_t *counts) {
	for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x)
		corescale_prime::trial_pass(ns[i], i, out, surv_n, surv_i, counts);
}

// prime_trial_range is prime_trial_u64 for the numbers first … first+count−1,
// made on the device: nothing crosses PCIe but the verdicts.
extern "C" __global__ void prime_trial_range(uint64_t first, uint8_t *out, uint32_t count, uint64_t *surv_n,
                                             uint32_t *surv_i, uint32_t *counts) {
	for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x)
		corescale_prime::trial_pass(first + i, i, out, surv_n, surv_i, counts);
}

// prime_base2 runs the strong base-2 test on the counts[0] survivors of
// trial division and appends its own survivors at counts[1].
extern "C" __global__ void prime_base2(const uint64_t *in_n, const uint32_t *in_i, uint64_t *surv_n, uint32_t *surv_i,
                                       uint32_t *counts) {
	uint32_t count = counts[0];
	for (uint32_t k = blockIdx.x * blockDim.x + threadIdx.x; k < count; k += gridDim.x * blockDim.x) {
		uint64_t n = in_n[k];
		if (corescale_prime::strong_base2(n)) {
			uint32_t j = atomicAdd(&counts[1], 1u);
			surv_n[j] = n;
			surv_i[j] = in_i[k];
		}
	}
}

// prime_lucas settles the counts[1] base-2 probable primes: out[index] is 1
// for the primes among them.
extern "C" __global__ void prime_lucas(const uint64_t *in_n, const uint32_t *in_i, uint8_t *out, const uint32_t *counts) {
	uint32_t count = counts[1];
	for (uint32_t k = blockIdx.x * blockDim.x + threadIdx.x; k < count; k += gridDim.x * blockDim.x) {
		if (corescale_prime::lucas_stage(in_n[k])) out[in_i[k]] = 1;
	}
}

// random_run is how many consecutive draws a thread of prime_trial_random
// makes: one O(log i) jump to its first, then a single LCG step a number,
// so the jump costs a sixteenth of a number's share.
#define CORESCALE_RANDOM_RUN 16

// prime_trial_random is prime_trial_u64 for count numbers drawn on the
// device as cmd/corescale draws --random: number i is the (i+1)-th Uint64
// of math/rand/v2's PCG from state hi:lo, shifted to bits (≤ 64) bits with
// the top bit and the last set. Only the state crosses PCIe, and the
// verdicts back. Thread t draws numbers t·16 … t·16+15.
extern "C" __global__ void prime_trial_random(uint64_t state_hi, uint64_t state_lo, uint32_t bits, uint8_t *out,
                                              uint32_t count, uint64_t *surv_n, uint32_t *surv_i, uint32_t *counts) {
	using namespace corescale_prime;
	uint64_t first = (uint64_t)(blockIdx.x * blockDim.x + threadIdx.x) * CORESCALE_RANDOM_RUN;
	if (first >= count) return;
	uint32_t end = (uint32_t)(first + CORESCALE_RANDOM_RUN < count ? first + CORESCALE_RANDOM_RUN : count);
	pcg_state s = pcg_advance(pcg_state{state_hi, state_lo}, first);
	uint64_t top = 1ull << (bits - 1);
	for (uint32_t i = (uint32_t)first; i < end; i++) {
		s = pcg_step(s);
		uint64_t n = pcg_output(s) >> (64 - bits) | top | 1;
		trial_pass(n, i, out, surv_n, surv_i, counts);
	}
}
