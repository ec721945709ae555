//go:build amd64 && !purego

#include "textflag.h"

// The exponent loops of the IFMA path (see ifma_amd64.go): eight numbers per
// ZMM register, three registers per loop, in Montgomery form with R = 2^104
// over two 52-bit limbs. VPMADD52LUQ and VPMADD52HUQ add the low and high 52
// bits of a 52×52-bit product to an accumulator, so a product is a handful of
// them with no carry chain until the end.
//
// Values stay lazily reduced, so no step ever subtracts n: for a, b below
// 2^66 the reduced product (a·b + m·n)/R is below a·b/R + n < n + 2^28. The
// base-2 loop doubles it (below 2n + 2^29); the Lucas loop adds n−c (below
// 2n + 2^28). Either way values stay below 2^66, the high limb below 2^14,
// and a1·b1 below 2^28, with no high half. Limbs are renormalised to 52 bits
// after each product because the multiplier reads only the low 52 bits of
// its inputs.
//
// Registers: Z31 = 2^52−1, Z30 = 1 and Z29 = 0 in every lane; the others
// hold lanes and temporaries, as each loop says. The lane arrays are laid
// out as in ifma_amd64.go, 24 lanes (192 bytes) each.

// Offsets into base2Lanes.
#define B2_X0 0
#define B2_X1 192
#define B2_E 384
#define B2_N0 576
#define B2_N1 768
#define B2_NINV 960

// Offsets into lucasLanes.
#define LU_A0 0
#define LU_A1 192
#define LU_B0 384
#define LU_B1 576
#define LU_G 768
#define LU_N0 960
#define LU_N1 1152
#define LU_NINV 1344
#define LU_K20 1536
#define LU_K21 1728
#define LU_KP0 1920
#define LU_KP1 2112

// A product is written in phases, so that a loop can interleave the phases
// of independent products: issued one after the other, each product's chain
// of dependent multiply-adds would fill the scheduler and starve the others.

// PRODUCT sets P0…P2 to the low limbs of a·b, a = A0 + A1·2^52 and b likewise,
// with P2 starting from C2, a constant to add as C2·R (or zero). A1 and B1
// are below 2^14, so A1·B1 has no high half.
#define PRODUCT(A0, A1, B0, B1, P0, P1, P2, C2) \
	VPXORQ P0, P0, P0; \
	VPXORQ P1, P1, P1; \
	VMOVDQU64 C2, P2; \
	VPMADD52LUQ B0, A0, P0; \
	VPMADD52HUQ B0, A0, P1; \
	VPMADD52LUQ B1, A0, P1; \
	VPMADD52LUQ B0, A1, P1; \
	VPMADD52HUQ B1, A0, P2; \
	VPMADD52HUQ B0, A1, P2; \
	VPMADD52LUQ B1, A1, P2

// SQUARE is PRODUCT for a = b, with T = 2·A1 computed on the way.
#define SQUARE(A0, A1, T, P0, P1, P2, C2) \
	VPADDQ A1, A1, T; \
	VPXORQ P0, P0, P0; \
	VPXORQ P1, P1, P1; \
	VMOVDQU64 C2, P2; \
	VPMADD52LUQ A0, A0, P0; \
	VPMADD52HUQ A0, A0, P1; \
	VPMADD52LUQ T, A0, P1; \
	VPMADD52HUQ T, A0, P2; \
	VPMADD52LUQ A1, A1, P2

// REDC1 and REDC2 are the two rounds of Montgomery reduction: each adds
// m·n·2^(52i) so that limb i vanishes. The vanishing limbs' sums are never
// formed: P0 + lo(m0·n0) is 0 or 2^52, so it carries min(P0, 1), and
// P1 + lo(m1·n0) carries ⌈P1/2^52⌉. Afterwards P2 + P3·2^52 is the product
// divided by R mod n, not normalised; P3 starts from C3, as P2 from C2 in
// PRODUCT. M is a temporary; P0 and P1 are clobbered.
#define REDC1(P0, P1, P2, M, N0, N1, NINV) \
	VPXORQ M, M, M; \
	VPMADD52LUQ NINV, P0, M; \
	VPMINUQ Z30, P0, P0; \
	VPADDQ P0, P1, P1; \
	VPMADD52HUQ N0, M, P1; \
	VPMADD52LUQ N1, M, P1; \
	VPMADD52HUQ N1, M, P2

#define REDC2(P1, P2, P3, M, N0, N1, NINV, C3) \
	VPXORQ M, M, M; \
	VMOVDQU64 C3, P3; \
	VPMADD52LUQ NINV, P1, M; \
	VPADDQ Z31, P1, P1; \
	VPSRLQ $52, P1, P1; \
	VPADDQ P1, P2, P2; \
	VPMADD52HUQ N0, M, P2; \
	VPMADD52LUQ N1, M, P2; \
	VPMADD52HUQ N1, M, P3

// NORM sets R0, R1 to the 52-bit limbs of P2 + P3·2^52. Clobbers P2.
#define NORM(P2, P3, R0, R1) \
	VPANDQ Z31, P2, R0; \
	VPSRLQ $52, P2, P2; \
	VPADDQ P2, P3, R1

// DOUBLE doubles P2 + P3·2^52 in the lanes whose exponent bit, the top bit
// of E, is set, and shifts E.
#define DOUBLE(E, P2, P3, K) \
	VPMOVQ2M E, K; \
	VPADDQ E, E, E; \
	VPADDQ P2, P2, K, P2; \
	VPADDQ P3, P3, K, P3

// TOPLAIN sets X0, X1 to the limbs of x/R mod n, in [0, n]: the exit from
// Montgomery form.
#define TOPLAIN(X0, X1, N0, N1, NINV) \
	VMOVDQA64 X0, Z15; \
	VMOVDQA64 X1, Z16; \
	VPXORQ Z17, Z17, Z17; \
	REDC1(Z15, Z16, Z17, Z20, N0, N1, NINV); \
	REDC2(Z16, Z17, Z18, Z20, N0, N1, NINV, Z29); \
	NORM(Z17, Z18, X0, X1)

#define CONSTANTS \
	MOVQ $0xfffffffffffff, AX; \
	VPBROADCASTQ AX, Z31; \
	MOVQ $1, AX; \
	VPBROADCASTQ AX, Z30; \
	VPXORQ Z29, Z29, Z29

// The base-2 loop's lanes: group g in Z(3g), Z(3g+1), Z(3g+2) = x0, x1, e,
// with temporaries T, P0…P3 in Z9–Z13, Z14–Z18, Z19–Z23.
#define N0G0 B2_N0+0(DI)
#define N1G0 B2_N1+0(DI)
#define NINVG0 B2_NINV+0(DI)
#define N0G1 B2_N0+64(DI)
#define N1G1 B2_N1+64(DI)
#define NINVG1 B2_NINV+64(DI)
#define N0G2 B2_N0+128(DI)
#define N1G2 B2_N1+128(DI)
#define NINVG2 B2_NINV+128(DI)

// LUCASSTEP sets (A, B) to (S²−2, A·B−P), where S is B in the lanes whose
// order bit, the top bit of G, is set and A in the others; then shifts G.
// The subtractions add n−2 and n−P in Montgomery form (K2, KP) as the
// constants of the two products, so they cost nothing. The square's and
// the product's phases alternate.
#define LUCASSTEP(A0, A1, B0, B1, G, N0, N1, NINV, K20, K21, KP0, KP1) \
	VPMOVQ2M G, K1; \
	VPADDQ G, G, G; \
	VPBLENDMQ B0, A0, K1, Z15; \
	VPBLENDMQ B1, A1, K1, Z16; \
	PRODUCT(A0, A1, B0, B1, Z17, Z18, Z19, KP0); \
	SQUARE(Z15, Z16, Z27, Z22, Z23, Z24, K20); \
	REDC1(Z17, Z18, Z19, Z21, N0, N1, NINV); \
	REDC1(Z22, Z23, Z24, Z26, N0, N1, NINV); \
	REDC2(Z18, Z19, Z20, Z21, N0, N1, NINV, KP1); \
	REDC2(Z23, Z24, Z25, Z26, N0, N1, NINV, K21); \
	NORM(Z19, Z20, B0, B1); \
	NORM(Z24, Z25, A0, A1)

// func base2LoopIFMA(s *base2Lanes, steps int)
TEXT ·base2LoopIFMA(SB), NOSPLIT, $0-16
	MOVQ s+0(FP), DI
	MOVQ steps+8(FP), CX
	CONSTANTS
	VMOVDQU64 B2_X0+0(DI), Z0
	VMOVDQU64 B2_X1+0(DI), Z1
	VMOVDQU64 B2_E+0(DI), Z2
	VMOVDQU64 B2_X0+64(DI), Z3
	VMOVDQU64 B2_X1+64(DI), Z4
	VMOVDQU64 B2_E+64(DI), Z5
	VMOVDQU64 B2_X0+128(DI), Z6
	VMOVDQU64 B2_X1+128(DI), Z7
	VMOVDQU64 B2_E+128(DI), Z8
	TESTQ CX, CX
	JZ base2done

base2loop:
	// Square, then double where the bit is set, phase by phase across the
	// three groups.
	SQUARE(Z0, Z1, Z9, Z10, Z11, Z12, Z29)
	SQUARE(Z3, Z4, Z14, Z15, Z16, Z17, Z29)
	SQUARE(Z6, Z7, Z19, Z20, Z21, Z22, Z29)
	REDC1(Z10, Z11, Z12, Z9, N0G0, N1G0, NINVG0)
	REDC1(Z15, Z16, Z17, Z14, N0G1, N1G1, NINVG1)
	REDC1(Z20, Z21, Z22, Z19, N0G2, N1G2, NINVG2)
	REDC2(Z11, Z12, Z13, Z9, N0G0, N1G0, NINVG0, Z29)
	REDC2(Z16, Z17, Z18, Z14, N0G1, N1G1, NINVG1, Z29)
	REDC2(Z21, Z22, Z23, Z19, N0G2, N1G2, NINVG2, Z29)
	DOUBLE(Z2, Z12, Z13, K1)
	DOUBLE(Z5, Z17, Z18, K2)
	DOUBLE(Z8, Z22, Z23, K3)
	NORM(Z12, Z13, Z0, Z1)
	NORM(Z17, Z18, Z3, Z4)
	NORM(Z22, Z23, Z6, Z7)
	DECQ CX
	JNZ base2loop

base2done:
	TOPLAIN(Z0, Z1, N0G0, N1G0, NINVG0)
	TOPLAIN(Z3, Z4, N0G1, N1G1, NINVG1)
	TOPLAIN(Z6, Z7, N0G2, N1G2, NINVG2)
	VMOVDQU64 Z0, B2_X0+0(DI)
	VMOVDQU64 Z1, B2_X1+0(DI)
	VMOVDQU64 Z3, B2_X0+64(DI)
	VMOVDQU64 Z4, B2_X1+64(DI)
	VMOVDQU64 Z6, B2_X0+128(DI)
	VMOVDQU64 Z7, B2_X1+128(DI)
	VZEROUPPER
	RET

// func lucasLoopIFMA(s *lucasLanes, steps int)
TEXT ·lucasLoopIFMA(SB), NOSPLIT, $0-16
	MOVQ s+0(FP), DI
	MOVQ steps+8(FP), CX
	CONSTANTS
	VMOVDQU64 LU_A0+0(DI), Z0
	VMOVDQU64 LU_A1+0(DI), Z1
	VMOVDQU64 LU_B0+0(DI), Z2
	VMOVDQU64 LU_B1+0(DI), Z3
	VMOVDQU64 LU_G+0(DI), Z4
	VMOVDQU64 LU_A0+64(DI), Z5
	VMOVDQU64 LU_A1+64(DI), Z6
	VMOVDQU64 LU_B0+64(DI), Z7
	VMOVDQU64 LU_B1+64(DI), Z8
	VMOVDQU64 LU_G+64(DI), Z9
	VMOVDQU64 LU_A0+128(DI), Z10
	VMOVDQU64 LU_A1+128(DI), Z11
	VMOVDQU64 LU_B0+128(DI), Z12
	VMOVDQU64 LU_B1+128(DI), Z13
	VMOVDQU64 LU_G+128(DI), Z14
	TESTQ CX, CX
	JZ lucasdone

lucasloop:
	LUCASSTEP(Z0, Z1, Z2, Z3, Z4, LU_N0+0(DI), LU_N1+0(DI), LU_NINV+0(DI), LU_K20+0(DI), LU_K21+0(DI), LU_KP0+0(DI), LU_KP1+0(DI))
	LUCASSTEP(Z5, Z6, Z7, Z8, Z9, LU_N0+64(DI), LU_N1+64(DI), LU_NINV+64(DI), LU_K20+64(DI), LU_K21+64(DI), LU_KP0+64(DI), LU_KP1+64(DI))
	LUCASSTEP(Z10, Z11, Z12, Z13, Z14, LU_N0+128(DI), LU_N1+128(DI), LU_NINV+128(DI), LU_K20+128(DI), LU_K21+128(DI), LU_KP0+128(DI), LU_KP1+128(DI))
	DECQ CX
	JNZ lucasloop

lucasdone:
	TOPLAIN(Z0, Z1, LU_N0+0(DI), LU_N1+0(DI), LU_NINV+0(DI))
	TOPLAIN(Z2, Z3, LU_N0+0(DI), LU_N1+0(DI), LU_NINV+0(DI))
	TOPLAIN(Z5, Z6, LU_N0+64(DI), LU_N1+64(DI), LU_NINV+64(DI))
	TOPLAIN(Z7, Z8, LU_N0+64(DI), LU_N1+64(DI), LU_NINV+64(DI))
	TOPLAIN(Z10, Z11, LU_N0+128(DI), LU_N1+128(DI), LU_NINV+128(DI))
	TOPLAIN(Z12, Z13, LU_N0+128(DI), LU_N1+128(DI), LU_NINV+128(DI))
	VMOVDQU64 Z0, LU_A0+0(DI)
	VMOVDQU64 Z1, LU_A1+0(DI)
	VMOVDQU64 Z2, LU_B0+0(DI)
	VMOVDQU64 Z3, LU_B1+0(DI)
	VMOVDQU64 Z5, LU_A0+64(DI)
	VMOVDQU64 Z6, LU_A1+64(DI)
	VMOVDQU64 Z7, LU_B0+64(DI)
	VMOVDQU64 Z8, LU_B1+64(DI)
	VMOVDQU64 Z10, LU_A0+128(DI)
	VMOVDQU64 Z11, LU_A1+128(DI)
	VMOVDQU64 Z12, LU_B0+128(DI)
	VMOVDQU64 Z13, LU_B1+128(DI)
	VZEROUPPER
	RET

// func screen8(ns *[8]uint64, divs []divisor) (cand, small uint8)
//
// Trial division of eight numbers at once: n·p⁻¹ ≤ ⌊(2^64−1)/p⌋ for each
// divisor {p, inv, max}, as screen does, with VPMULLQ and a compare into a
// mask. cand has the lanes that are odd, at least trialSquare and free of
// every divisor; small has the lanes below trialSquare.
TEXT ·screen8(SB), NOSPLIT, $0-34
	MOVQ ns+0(FP), SI
	MOVQ divs_base+8(FP), R8
	MOVQ divs_len+16(FP), CX
	VMOVDQU64 (SI), Z0
	MOVQ ·trialSquare(SB), AX
	VPBROADCASTQ AX, Z1
	VPCMPUQ $1, Z1, Z0, K1 // n < trialSquare
	MOVQ $1, AX
	VPBROADCASTQ AX, Z1
	VPTESTNMQ Z1, Z0, K2   // even
	KORW K1, K2, K2
	TESTQ CX, CX
	JZ screendone

screenloop:
	VPMULLQ.BCST 8(R8), Z0, Z2
	VPCMPUQ.BCST $2, 16(R8), Z2, K3 // divisible: n·p⁻¹ ≤ max
	KORW K3, K2, K2
	ADDQ $24, R8
	DECQ CX
	JNZ screenloop

screendone:
	KNOTW K2, K2
	KMOVW K2, AX
	MOVB AX, cand+32(FP)
	KMOVW K1, AX
	MOVB AX, small+33(FP)
	VZEROUPPER
	RET
