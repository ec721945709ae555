// prime.cu — batch primality on the GPU: the exact verdict for every n < 2^64,
// by the same method as cpu/prime (Baillie–PSW: trial division by the odd
// primes up to 61, a strong probable-prime test to base 2, an extra strong
// Lucas test with Baillie's parameters; no composite below 2^64 passes it),
// so the GPU's verdicts equal the CPU's. One thread tests one number.
//
// Montgomery arithmetic with __umul64hi. The exponent loops run a fixed 64
// steps over the exponent's bits (leading zeros leave the value unchanged)
// with branch-free steps, so the threads of a warp that reach them stay in
// step; only the early exits of trial division diverge.
//
// The same source compiles for the host with host.h (gpu/emu), so every CI
// run executes this code and compares it with the CPU engine.

#include <stdint.h>

namespace corescale_prime {

__device__ __forceinline__ uint64_t mont_mul(uint64_t a, uint64_t b, uint64_t n, uint64_t inv) {
	uint64_t lo = a * b, hi = __umul64hi(a, b);
	uint64_t mh = __umul64hi(lo * inv, n);
	uint64_t r = hi - mh;
	return hi < mh ? r + n : r;
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

// r_mod_n returns 2^64 mod n, the Montgomery form of 1.
__device__ __forceinline__ uint64_t r_mod_n(uint64_t n) {
	return n > (1ull << 63) ? 0 - n : (0 - n) % n;
}

// Divisibility by an odd prime p with one multiplication: n·p⁻¹ mod 2^64
// maps the multiples of p onto 0 … ⌊(2^64−1)/p⌋.
__device__ __forceinline__ bool divisible(uint64_t n, uint64_t p) {
	return n * inverse(p) <= ~0ull / p;
}

__device__ bool strong_base2(uint64_t n) {
	uint64_t inv = inverse(n), one = r_mod_n(n), minus_one = n - one;
	uint64_t d = n - 1;
	int s = 0;
	while ((d & 1) == 0) { d >>= 1; s++; }
	uint64_t x = one;
	for (int i = 63; i >= 0; i--) {
		uint64_t y = mont_mul(x, x, n, inv);
		x = add_mod(y, ((d >> i) & 1) ? y : 0, n);
	}
	if (x == one || x == minus_one) return true;
	for (int r = 1; r < s; r++) {
		x = mont_mul(x, x, n, inv);
		if (x == minus_one) return true;
		if (x == one) return false;
	}
	return false;
}

__device__ int jacobi(uint64_t a, uint64_t n) {
	a %= n;
	int t = 1;
	while (a != 0) {
		while ((a & 1) == 0) {
			a >>= 1;
			uint64_t r = n & 7;
			if (r == 3 || r == 5) t = -t;
		}
		uint64_t tmp = a; a = n; n = tmp;
		if ((a & 3) == 3 && (n & 3) == 3) t = -t;
		a %= n;
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
// or V_(d·2^r) ≡ 0 for some r < s−1, with V computed by the ladder and
// U_d ≡ 0 read as 2·V_(d+1) ≡ P·V_d.
__device__ bool extra_strong_lucas(uint64_t n, uint64_t p) {
	uint64_t inv = inverse(n), one = r_mod_n(n);
	uint64_t two = add_mod(one, one, n);
	uint64_t mp = 0;
	for (uint64_t i = 0; i < p; i++) mp = add_mod(mp, one, n);
	uint64_t d = n + 1;
	int s = 0;
	while ((d & 1) == 0) { d >>= 1; s++; }
	uint64_t vk = two, vk1 = mp;
	for (int i = 63; i >= 0; i--) {
		bool bit = (d >> i) & 1;
		uint64_t a = bit ? vk1 : vk;
		uint64_t sq = sub_mod(mont_mul(a, a, n, inv), two, n);
		uint64_t pr = sub_mod(mont_mul(vk, vk1, n, inv), mp, n);
		vk = bit ? pr : sq;
		vk1 = bit ? sq : pr;
	}
	if (add_mod(vk1, vk1, n) == mont_mul(vk, mp, n, inv) && (vk == two || vk == n - two)) return true;
	for (int r = 0; r < s - 1; r++) {
		if (vk == 0) return true;
		vk = sub_mod(mont_mul(vk, vk, n, inv), two, n);
	}
	return false;
}

__device__ bool is_prime(uint64_t n) {
	if (n < 2) return false;
	if ((n & 1) == 0) return n == 2;
	const uint64_t primes[] = {3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61};
#pragma unroll
	for (int i = 0; i < 17; i++) {
		if (divisible(n, primes[i])) return n == primes[i];
	}
	if (n < 67 * 67) return true;
	if (!strong_base2(n)) return false;
	if (is_square(n)) return false;
	for (uint64_t p = 3;; p++) {
		int j = jacobi(p * p - 4, n);
		if (j == 0) return false;  // a common factor with P²−4 < n
		if (j == -1) return extra_strong_lucas(n, p);
	}
}

}  // namespace corescale_prime

// is_prime_u64 sets out[i] to 1 when ns[i] is prime, else 0, for i < count.
extern "C" __global__ void is_prime_u64(const uint64_t *ns, uint8_t *out, uint32_t count) {
	uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < count) out[i] = corescale_prime::is_prime(ns[i]) ? 1 : 0;
}
