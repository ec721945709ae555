//go:build amd64 && !purego

#include "textflag.h"

// The one-limb IFMA loops, for moduli below 2^48 (see narrow_amd64.go):
// Montgomery form with R = 2^52, every value in one 52-bit limb. A product
// is lo and hi of a·b, m = lo(lo(a·b)·(−n⁻¹)), and the result
// hi(a·b) + hi(m·n) + min(lo(a·b), 1): the low halves cancel to 0 or 2^52,
// so they carry one exactly when lo(a·b) is not zero.
//
// Values stay below 2^50 with no subtraction of n: for x, y < 2^50 and
// n < 2^48, x·y/R + n < 2^49, so a doubling, or the addition of n−c that
// subtracts c, stays below 2^50, within the multiplier's 52 bits.
//
// Registers: Z30 = 1 in every lane; Z20 and Z21 scratch for TOPLAIN1; the
// others hold lanes and temporaries, as each loop says, and K1 the Lucas
// order bits. Lane arrays of 24 lanes, 192 bytes each, laid out as in
// narrow_amd64.go.

// Offsets into narrowBase2.
#define NB_X 0
#define NB_E 192
#define NB_N 384
#define NB_NINV 576

// Offsets into narrowLucas.
#define NL_A 0
#define NL_B 192
#define NL_G 384
#define NL_N 576
#define NL_NINV 768
#define NL_K2 960
#define NL_KP 1152

// LOW sets P0 to lo(a·b) and M to lo(P0·(−n⁻¹)).
#define LOW(A, B, P0, M, NINV) \
	VPXORQ P0, P0, P0; \
	VPMADD52LUQ B, A, P0; \
	VPXORQ M, M, M; \
	VPMADD52LUQ NINV, P0, M

// HIGH sets P1 to a·b/R mod n, not reduced: min(P0, 1) + hi(a·b) + hi(m·n).
#define HIGH(A, B, P0, M, P1, N) \
	VPMINUQ Z30, P0, P1; \
	VPMADD52HUQ B, A, P1; \
	VPMADD52HUQ N, M, P1

// NB2STEP squares x, doubling where the top bit of E is set (a shift by
// that bit), then shifts E. T, P0, M, P1 are temporaries.
#define NB2A(X, P0, M, NINV) LOW(X, X, P0, M, NINV)
#define NB2B(X, E, T, P0, M, P1, N) \
	HIGH(X, X, P0, M, P1, N); \
	VPSRLQ $63, E, T; \
	VPADDQ E, E, E; \
	VPSLLVQ T, P1, X

// TOPLAIN1 sets X to x/R mod n, in [0, n].
#define TOPLAIN1(X, N, NINV) \
	VPXORQ Z20, Z20, Z20; \
	VPMADD52LUQ NINV, X, Z20; \
	VPMINUQ Z30, X, Z21; \
	VPMADD52HUQ N, Z20, Z21; \
	VMOVDQA64 Z21, X

#define ONES \
	MOVQ $1, AX; \
	VPBROADCASTQ AX, Z30

// func base2LoopNarrow(s *narrowBase2, steps int)
TEXT ·base2LoopNarrow(SB), NOSPLIT, $0-16
	MOVQ s+0(FP), DI
	MOVQ steps+8(FP), CX
	ONES
	VMOVDQU64 NB_X+0(DI), Z0
	VMOVDQU64 NB_E+0(DI), Z1
	VMOVDQU64 NB_X+64(DI), Z2
	VMOVDQU64 NB_E+64(DI), Z3
	VMOVDQU64 NB_X+128(DI), Z4
	VMOVDQU64 NB_E+128(DI), Z5
	TESTQ CX, CX
	JZ nb2done

nb2loop:
	// Phase by phase across the three groups, so that their chains overlap.
	NB2A(Z0, Z6, Z7, NB_NINV+0(DI))
	NB2A(Z2, Z10, Z11, NB_NINV+64(DI))
	NB2A(Z4, Z14, Z15, NB_NINV+128(DI))
	NB2B(Z0, Z1, Z9, Z6, Z7, Z8, NB_N+0(DI))
	NB2B(Z2, Z3, Z13, Z10, Z11, Z12, NB_N+64(DI))
	NB2B(Z4, Z5, Z17, Z14, Z15, Z16, NB_N+128(DI))
	DECQ CX
	JNZ nb2loop

nb2done:
	TOPLAIN1(Z0, NB_N+0(DI), NB_NINV+0(DI))
	TOPLAIN1(Z2, NB_N+64(DI), NB_NINV+64(DI))
	TOPLAIN1(Z4, NB_N+128(DI), NB_NINV+128(DI))
	VMOVDQU64 Z0, NB_X+0(DI)
	VMOVDQU64 Z2, NB_X+64(DI)
	VMOVDQU64 Z4, NB_X+128(DI)
	VZEROUPPER
	RET

// NLSTEP sets (A, B) to (S²−2, A·B−P), S being B where the top bit of G is
// set and A elsewhere, then shifts G; the subtractions add n−2 and n−P in
// Montgomery form (K2, KP). The product's and the square's phases alternate.
#define NLSTEP(A, B, G, N, NINV, K2, KP) \
	VPMOVQ2M G, K1; \
	VPADDQ G, G, G; \
	VPBLENDMQ B, A, K1, Z9; \
	LOW(A, B, Z10, Z11, NINV); \
	LOW(Z9, Z9, Z13, Z14, NINV); \
	HIGH(A, B, Z10, Z11, Z12, N); \
	HIGH(Z9, Z9, Z13, Z14, Z15, N); \
	VPADDQ KP, Z12, B; \
	VPADDQ K2, Z15, A

// func lucasLoopNarrow(s *narrowLucas, steps int)
TEXT ·lucasLoopNarrow(SB), NOSPLIT, $0-16
	MOVQ s+0(FP), DI
	MOVQ steps+8(FP), CX
	ONES
	VMOVDQU64 NL_A+0(DI), Z0
	VMOVDQU64 NL_B+0(DI), Z1
	VMOVDQU64 NL_G+0(DI), Z2
	VMOVDQU64 NL_A+64(DI), Z3
	VMOVDQU64 NL_B+64(DI), Z4
	VMOVDQU64 NL_G+64(DI), Z5
	VMOVDQU64 NL_A+128(DI), Z6
	VMOVDQU64 NL_B+128(DI), Z7
	VMOVDQU64 NL_G+128(DI), Z8
	TESTQ CX, CX
	JZ nldone

nlloop:
	NLSTEP(Z0, Z1, Z2, NL_N+0(DI), NL_NINV+0(DI), NL_K2+0(DI), NL_KP+0(DI))
	NLSTEP(Z3, Z4, Z5, NL_N+64(DI), NL_NINV+64(DI), NL_K2+64(DI), NL_KP+64(DI))
	NLSTEP(Z6, Z7, Z8, NL_N+128(DI), NL_NINV+128(DI), NL_K2+128(DI), NL_KP+128(DI))
	DECQ CX
	JNZ nlloop

nldone:
	TOPLAIN1(Z0, NL_N+0(DI), NL_NINV+0(DI))
	TOPLAIN1(Z1, NL_N+0(DI), NL_NINV+0(DI))
	TOPLAIN1(Z3, NL_N+64(DI), NL_NINV+64(DI))
	TOPLAIN1(Z4, NL_N+64(DI), NL_NINV+64(DI))
	TOPLAIN1(Z6, NL_N+128(DI), NL_NINV+128(DI))
	TOPLAIN1(Z7, NL_N+128(DI), NL_NINV+128(DI))
	VMOVDQU64 Z0, NL_A+0(DI)
	VMOVDQU64 Z1, NL_B+0(DI)
	VMOVDQU64 Z3, NL_A+64(DI)
	VMOVDQU64 Z4, NL_B+64(DI)
	VMOVDQU64 Z6, NL_A+128(DI)
	VMOVDQU64 Z7, NL_B+128(DI)
	VZEROUPPER
	RET
