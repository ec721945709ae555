// bigprime.cu — batch Baillie–PSW on the GPU for odd numbers of 65 to 4096
// bits, the test math/big's ProbablyPrime(0), cpu/prime and prime.cu make:
// trial division, a strong probable-prime test to base 2, and the extra
// strong Lucas test with Baillie's parameters (Q = 1, D = P²−4 for the
// first P = 3, 4, … with (D/n) = −1). Composites are certain; a number that
// passes is a probable prime, as on the CPU.
//
// Numbers come in size classes of L 32-bit limbs (128, 192, 256, 384, 512,
// 1024, 2048, 4096 bits); every kernel is one template instantiated per
// class, so a 128-bit number costs 4×4 limb products per multiplication,
// not those of the largest class. Limbs are 32 bits: the GPU multiplies
// 32×32→64 natively (IMAD.WIDE.U32), where a 64-bit limb product is four of
// those and the carries. One number per thread at every size: the passes
// are independent per number, so no lane waits for another and nothing is
// exchanged through shuffles or shared memory; at 1024 bits and above a
// thread's operands (3 to 5 arrays of L limbs) live in local memory, which
// the L1 cache holds for a few warps per multiprocessor. CGBN's few threads
// per number (8 to 32 lanes cooperating through shuffles) keep operands in
// registers there; at 1024 bits and above they are the next step (make
// sass: 2 to 3.6 KB of stack a thread in the 2048- and 4096-bit passes).
//
// The passes are those of prime.cu: bigprime_trial_B settles what trial
// division settles and appends the index of every survivor (atomicAdd
// compaction, the order does not matter), bigprime_base2_B tests those and
// appends its own survivors, bigprime_lucas_B settles the rest. Survivors
// are indices into the chunk's numbers, which stay on the device: a pass
// reads only the numbers it tests, and nothing of L limbs is copied.
//
// Arithmetic: Montgomery multiplication by CIOS (coarsely integrated
// operand scanning) on 32-bit limbs with 64-bit accumulators, R = 2^(32L);
// every value stays fully reduced below n, so equality is limb equality.
// Montgomery forms of the small constants (1, 2, P) come from additions of
// R mod n, itself from doublings of 1: no R² and no division. The ladders
// start at the exponent's top bit. The Jacobi symbol (D/n) for the small D
// is by reciprocity: one remainder n mod D, then the binary algorithm on
// 64-bit words.
//
// A perfect square has no P with (D/n) = −1: math/big looks for one up to
// P = 40 and then checks for a square. The Lucas pass gives up at P = 400
// and writes 2, "undecided", which the engine settles on the host with
// math/big (no non-square n has reached P = 400 in practice: each P has
// about an even chance).
//
// The same source compiles for the host with host.h (gpu/emu, fakecuda).

#include <stdint.h>

namespace corescale_bigprime {

__device__ __forceinline__ int ctz32(uint32_t x) {
#ifdef __CUDA_ARCH__
	return __ffs((int)x) - 1;
#else
	return __builtin_ctz(x);
#endif
}

__device__ __forceinline__ int clz32(uint32_t x) {
#ifdef __CUDA_ARCH__
	return __clz((int)x);
#else
	return __builtin_clz(x);
#endif
}

template <int L>
__device__ __forceinline__ void load(uint32_t *n, const uint32_t *ns, uint32_t i) {
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) n[j] = ns[(uint64_t)i * L + j];
}

template <int L>
__device__ __forceinline__ bool equal(const uint32_t *a, const uint32_t *b) {
	uint32_t d = 0;
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) d |= a[j] ^ b[j];
	return d == 0;
}

template <int L>
__device__ __forceinline__ bool is_zero(const uint32_t *a) {
	uint32_t d = 0;
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) d |= a[j];
	return d == 0;
}

// sub_n sets r = a − b and returns the borrow.
template <int L>
__device__ __forceinline__ uint32_t sub_n(uint32_t *r, const uint32_t *a, const uint32_t *b) {
	uint64_t borrow = 0;
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) {
		uint64_t t = (uint64_t)a[j] - b[j] - borrow;
		r[j] = (uint32_t)t;
		borrow = (t >> 32) & 1;
	}
	return (uint32_t)borrow;
}

// add_mod sets r = a + b mod n for a, b < n.
template <int L>
__device__ __forceinline__ void add_mod(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *n) {
	uint32_t s[L], d[L];
	uint64_t c = 0;
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) {
		c += (uint64_t)a[j] + b[j];
		s[j] = (uint32_t)c;
		c >>= 32;
	}
	// a + b ≥ n when it carried out of L limbs or s − n does not borrow.
	uint32_t borrow = sub_n<L>(d, s, n);
	bool use_d = c != 0 || borrow == 0;
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) r[j] = use_d ? d[j] : s[j];
}

// sub_mod sets r = a − b mod n for a, b < n.
template <int L>
__device__ __forceinline__ void sub_mod(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *n) {
	uint32_t borrow = sub_n<L>(r, a, b);
	if (borrow) {
		uint64_t c = 0;
#pragma unroll (L <= 16 ? L : 4)
		for (int j = 0; j < L; j++) {
			c += (uint64_t)r[j] + n[j];
			r[j] = (uint32_t)c;
			c >>= 32;
		}
	}
}

// mont_mul sets r = a·b·R⁻¹ mod n for a, b < n (CIOS); r may alias a or b.
// ninv is −n⁻¹ mod 2^32.
template <int L>
__device__ void mont_mul(uint32_t *r, const uint32_t *a, const uint32_t *b, const uint32_t *n, uint32_t ninv) {
	uint32_t t[L + 2];
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L + 2; j++) t[j] = 0;
	for (int i = 0; i < L; i++) {
		uint64_t c = 0;
		uint32_t bi = b[i];
#pragma unroll (L <= 16 ? L : 4)
		for (int j = 0; j < L; j++) {
			c = (uint64_t)a[j] * bi + t[j] + (c >> 32);
			t[j] = (uint32_t)c;
		}
		c = (uint64_t)t[L] + (c >> 32);
		t[L] = (uint32_t)c;
		t[L + 1] = (uint32_t)(c >> 32);
		uint32_t m = t[0] * ninv;
		c = (uint64_t)m * n[0] + t[0];
#pragma unroll (L <= 16 ? L : 4)
		for (int j = 1; j < L; j++) {
			c = (uint64_t)m * n[j] + t[j] + (c >> 32);
			t[j - 1] = (uint32_t)c;
		}
		c = (uint64_t)t[L] + (c >> 32);
		t[L - 1] = (uint32_t)c;
		t[L] = t[L + 1] + (uint32_t)(c >> 32);
	}
	// t < 2n: subtract n once when t ≥ n.
	uint32_t d[L];
	uint32_t borrow = sub_n<L>(d, t, n);
	bool use_d = t[L] != 0 || borrow == 0;
#pragma unroll (L <= 16 ? L : 4)
	for (int j = 0; j < L; j++) r[j] = use_d ? d[j] : t[j];
}

// ninv returns −n⁻¹ mod 2^32 for odd n (Newton: 3, 6, 12, 24, 48 bits).
__device__ __forceinline__ uint32_t neg_inverse(uint32_t n0) {
	uint32_t x = n0;
	for (int i = 0; i < 4; i++) x *= 2 - n0 * x;
	return 0u - x;
}

// r_mod_n sets one = 2^(32L) mod n, the Montgomery form of 1, by doubling
// 1 modulo n 32L times: L² limb operations, small beside one ladder.
template <int L>
__device__ void r_mod_n(uint32_t *one, const uint32_t *n) {
	for (int j = 0; j < L; j++) one[j] = 0;
	one[0] = 1;
	for (int k = 0; k < 32 * L; k++) add_mod<L>(one, one, one, n);
}

template <int L>
__device__ __forceinline__ int bit_length(const uint32_t *a) {
	for (int j = L - 1; j >= 0; j--)
		if (a[j] != 0) return 32 * j + 32 - clz32(a[j]);
	return 0;
}

__device__ __forceinline__ int bit(const uint32_t *a, int i) { return (a[i >> 5] >> (i & 31)) & 1; }

// mod_small returns a mod m for 0 < m < 2^32.
template <int L>
__device__ __forceinline__ uint32_t mod_small(const uint32_t *a, uint32_t m) {
	uint64_t r = 0;
	for (int j = L - 1; j >= 0; j--) r = ((r << 32) | a[j]) % m;
	return (uint32_t)r;
}

// Products of the odd primes below 256, each below 2^32: one remainder of
// n per product, then the primes' remainders from that 32-bit value.
// Not const: a const table has internal linkage, which nvcc names with a
// hash of the compilation (the output's path), so make ptx-check could
// never reproduce the committed PTX.
__device__ uint32_t trial_products[] = {
	111546435u, 58642669u, 8965109u, 27433619u,
	72370439u, 135745657u, 316818391u, 575771909u,
	936039509u, 1445140189u, 2445956099u, 3368562317u,
};
__device__ uint8_t trial_primes[] = {3,   5,   7,   11,  13,  17,  19,  23,  29,  31,  37,  41,  43,  47,
                                     53,  59,  61,  67,  71,  73,  79,  83,  89,  97,  101, 103, 107, 109,
                                     113, 127, 131, 137, 139, 149, 151, 157, 163, 167, 173, 179, 181, 191,
                                     193, 197, 199, 211, 223, 227, 229, 233, 239, 241, 251};
// How many primes each product holds, in order.
__device__ uint8_t trial_group[] = {8, 5, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4};

// has_small_factor says whether n (above 2^64, so never one of the primes)
// is even or divisible by an odd prime below 256.
template <int L>
__device__ bool has_small_factor(const uint32_t *n) {
	if ((n[0] & 1) == 0) return true;
	int k = 0;
	for (int g = 0; g < 12; g++) {
		uint32_t r = mod_small<L>(n, trial_products[g]);
		for (int i = 0; i < trial_group[g]; i++, k++)
			if (r % trial_primes[k] == 0) return true;
	}
	return false;
}

// strong_base2 is the strong probable-prime test to base 2 for odd n: with
// n−1 = d·2^s, 2^d ≡ 1 or 2^(d·2^r) ≡ −1 for some r < s. The ladder starts
// from 2 at d's top bit; multiplying by the base is a doubling.
template <int L>
__device__ bool strong_base2(const uint32_t *n) {
	uint32_t ninv = neg_inverse(n[0]);
	uint32_t one[L], minus_one[L], x[L], y[L];
	r_mod_n<L>(one, n);
	sub_n<L>(minus_one, n, one);
	// n is odd, so d's bits are n's from bit s up, s = ctz(n − 1) ≥ 1.
	int s = 1;
	while (!bit(n, s)) s++;
	add_mod<L>(x, one, one, n);
	for (int i = bit_length<L>(n) - 2; i >= s; i--) {
		mont_mul<L>(y, x, x, n, ninv);
		if (bit(n, i))
			add_mod<L>(x, y, y, n);
		else
			for (int j = 0; j < L; j++) x[j] = y[j];
	}
	if (equal<L>(x, one) || equal<L>(x, minus_one)) return true;
	for (int r = 1; r < s; r++) {
		mont_mul<L>(x, x, x, n, ninv);
		if (equal<L>(x, minus_one)) return true;
		if (equal<L>(x, one)) return false;
	}
	return false;
}

// jacobi64 returns the Jacobi symbol (a/m) for odd m by the binary
// algorithm.
__device__ int jacobi64(uint64_t a, uint64_t m) {
	int t = 1;
	a %= m;
	while (a != 0) {
		while ((a & 1) == 0) {
			a >>= 1;
			uint64_t r = m & 7;
			if (r == 3 || r == 5) t = -t;
		}
		uint64_t tmp = a;
		a = m;
		m = tmp;
		if ((a & 3) == 3 && (m & 3) == 3) t = -t;
		a %= m;
	}
	return m == 1 ? t : 0;
}

// jacobi_small returns (d/n) for 0 < d < 2^32 and odd n > d, by
// reciprocity: (d/n) = ±(n mod d' / d') for d = 2^z·d'.
template <int L>
__device__ int jacobi_small(uint32_t d, const uint32_t *n) {
	int t = 1;
	int z = ctz32(d);
	d >>= z;
	uint32_t r8 = n[0] & 7;
	if ((z & 1) && (r8 == 3 || r8 == 5)) t = -t;
	if (d == 1) return t;
	if ((d & 3) == 3 && (n[0] & 3) == 3) t = -t;
	return t * jacobi64(mod_small<L>(n, d), d);
}

// The largest P the Lucas pass tries before leaving n to the host.
#define CORESCALE_BIGPRIME_MAX_P 400

// lucas_stage returns 1 when n passes the extra strong Lucas test, 0 when
// it fails, 2 when no P up to CORESCALE_BIGPRIME_MAX_P has (D/n) = −1 (a
// perfect square, or nearly impossibly unlucky): the host decides.
//
// With n+1 = d·2^s: U_d ≡ 0 and V_d ≡ ±2, or V_(d·2^r) ≡ 0 for some
// r < s−1; V by the ladder from (V_1, V_2) at d's top bit, and U_d ≡ 0 read
// as 2·V_(d+1) ≡ P·V_d.
template <int L>
__device__ int lucas_stage(const uint32_t *n) {
	uint32_t p = 3;
	for (;; p++) {
		if (p > CORESCALE_BIGPRIME_MAX_P) return 2;
		int j = jacobi_small<L>(p * p - 4, n);
		if (j == 0) return 0;  // a factor of P²−4 < n
		if (j == -1) break;
	}
	uint32_t ninv = neg_inverse(n[0]);
	uint32_t one[L], two[L], mp[L], vk[L], vk1[L], a[L], sq[L], pr[L];
	r_mod_n<L>(one, n);
	add_mod<L>(two, one, one, n);
	for (int j = 0; j < L; j++) mp[j] = 0;
	for (uint32_t i = 0; i < p; i++) add_mod<L>(mp, mp, one, n);
	// n + 1 in L+1 limbs: 2^(32L) − 1 + 1 carries out.
	uint32_t np1[L + 1];
	uint64_t c = 1;
	for (int j = 0; j < L; j++) {
		c += n[j];
		np1[j] = (uint32_t)c;
		c >>= 32;
	}
	np1[L] = (uint32_t)c;
	int s = 0;
	while (!bit(np1, s)) s++;
	int top = bit_length<L + 1>(np1) - 1;
	for (int j = 0; j < L; j++) vk[j] = mp[j];
	mont_mul<L>(vk1, mp, mp, n, ninv);
	sub_mod<L>(vk1, vk1, two, n);
	for (int i = top - 1; i >= s; i--) {
		bool b = bit(np1, i);
		for (int j = 0; j < L; j++) a[j] = b ? vk1[j] : vk[j];
		mont_mul<L>(sq, a, a, n, ninv);
		sub_mod<L>(sq, sq, two, n);
		mont_mul<L>(pr, vk, vk1, n, ninv);
		sub_mod<L>(pr, pr, mp, n);
		for (int j = 0; j < L; j++) {
			vk[j] = b ? pr[j] : sq[j];
			vk1[j] = b ? sq[j] : pr[j];
		}
	}
	uint32_t minus_two[L];
	sub_n<L>(minus_two, n, two);
	if (equal<L>(vk, two) || equal<L>(vk, minus_two)) {
		add_mod<L>(a, vk1, vk1, n);
		mont_mul<L>(pr, vk, mp, n, ninv);
		if (equal<L>(a, pr)) return 1;
	}
	for (int r = 0; r < s - 1; r++) {
		if (is_zero<L>(vk)) return 1;
		mont_mul<L>(vk, vk, vk, n, ninv);
		sub_mod<L>(vk, vk, two, n);
	}
	return 0;
}

template <int L>
__device__ void trial_pass(const uint32_t *ns, uint8_t *out, uint32_t count, uint32_t *surv, uint32_t *counts) {
	for (uint32_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += gridDim.x * blockDim.x) {
		uint32_t n[L];
		load<L>(n, ns, i);
		out[i] = 0;
		if (!has_small_factor<L>(n)) surv[atomicAdd(&counts[0], 1u)] = i;
	}
}

template <int L>
__device__ void base2_pass(const uint32_t *ns, const uint32_t *in, uint32_t *surv, uint32_t *counts) {
	uint32_t count = counts[0];
	for (uint32_t k = blockIdx.x * blockDim.x + threadIdx.x; k < count; k += gridDim.x * blockDim.x) {
		uint32_t i = in[k], n[L];
		load<L>(n, ns, i);
		if (strong_base2<L>(n)) surv[atomicAdd(&counts[1], 1u)] = i;
	}
}

template <int L>
__device__ void lucas_pass(const uint32_t *ns, const uint32_t *in, uint8_t *out, const uint32_t *counts) {
	uint32_t count = counts[1];
	for (uint32_t k = blockIdx.x * blockDim.x + threadIdx.x; k < count; k += gridDim.x * blockDim.x) {
		uint32_t i = in[k], n[L];
		load<L>(n, ns, i);
		out[i] = (uint8_t)lucas_stage<L>(n);
	}
}

}  // namespace corescale_bigprime

// Each size class of BITS bits has three entries: the numbers are count
// runs of BITS/32 little-endian 32-bit limbs, n of number i at
// ns[i·BITS/32 …]; counts[0] and counts[1] start at zero (the host zeroes
// them); surv1 and surv2 hold up to count indices.
//
//   bigprime_trial_BITS(ns, out, count, surv1, counts): out[i] = 0 for
//     every i, survivors' indices appended to surv1 at counts[0];
//   bigprime_base2_BITS(ns, surv1, surv2, counts): the strong base-2 test
//     on the counts[0] of surv1, passes appended to surv2 at counts[1];
//   bigprime_lucas_BITS(ns, surv2, out, counts): out[i] = 1 probable
//     prime, 0 composite, 2 undecided (a square?) for the counts[1] of surv2.
#define CORESCALE_BIGPRIME_CLASS(BITS)                                                                                 \
	extern "C" __global__ void bigprime_trial_##BITS(const uint32_t *ns, uint8_t *out, uint32_t count, uint32_t *surv, \
	                                                 uint32_t *counts) {                                              \
		corescale_bigprime::trial_pass<BITS / 32>(ns, out, count, surv, counts);                                   \
	}                                                                                                                 \
	extern "C" __global__ void bigprime_base2_##BITS(const uint32_t *ns, const uint32_t *in, uint32_t *surv,          \
	                                                 uint32_t *counts) {                                              \
		corescale_bigprime::base2_pass<BITS / 32>(ns, in, surv, counts);                                           \
	}                                                                                                                 \
	extern "C" __global__ void bigprime_lucas_##BITS(const uint32_t *ns, const uint32_t *in, uint8_t *out,           \
	                                                 const uint32_t *counts) {                                        \
		corescale_bigprime::lucas_pass<BITS / 32>(ns, in, out, counts);                                            \
	}

CORESCALE_BIGPRIME_CLASS(128)
CORESCALE_BIGPRIME_CLASS(192)
CORESCALE_BIGPRIME_CLASS(256)
CORESCALE_BIGPRIME_CLASS(384)
CORESCALE_BIGPRIME_CLASS(512)
CORESCALE_BIGPRIME_CLASS(1024)
CORESCALE_BIGPRIME_CLASS(2048)
CORESCALE_BIGPRIME_CLASS(4096)
