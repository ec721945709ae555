//go:build amd64 && !purego

#include "textflag.h"

// func largeStarts8(ps *uint32, groups int, c *largeConsts, ks, idxs, wis *uint32) int
//
// starts' float path (largeStart) in eight 64-bit lanes. The remainders of
// q and p by 30 come from a multiply (a double's for q < 2^43, 0x88888889
// >> 36 for p < 2^32), corrected; wheel[firstT[r]], firstT[r] and bitOf[r]
// from two 32-entry tables (VPERMI2D). The lanes that hit the task are
// compressed to the front of a vector, and all eight stored at the count
// kept so far: a compress to memory is microcoded on AMD's Zen 4.
TEXT ·largeStarts8(SB), NOSPLIT, $0-56
	MOVQ ps+0(FP), SI
	MOVQ groups+8(FP), CX
	MOVQ c+16(FP), DX
	MOVQ ks+24(FP), R8
	MOVQ idxs+32(FP), R9
	MOVQ wis+40(FP), R10
	XORQ R11, R11

	VPBROADCASTQ 0(DX), Z16  // s = 30·j0
	VPBROADCASTQ 8(DX), Z17  // s as a double
	VPBROADCASTQ 16(DX), Z18 // j0
	VPBROADCASTQ 24(DX), Z19 // the task's bytes
	MOVQ         32(DX), BX
	VMOVDQU32    0(BX), Z25  // wheel[firstT[r]] | firstT[r]<<8, r < 16
	VMOVDQU32    64(BX), Z26 // r from 16
	VMOVDQU32    128(BX), Z27 // bitOf[r], r < 16
	VMOVDQU32    192(BX), Z28 // r from 16
	MOVQ         $1, AX
	VPBROADCASTQ AX, Z20
	MOVQ         $30, AX
	VPBROADCASTQ AX, Z21
	MOVQ         $0x3FA1111111111111, AX // 1/30
	VPBROADCASTQ AX, Z22
	MOVQ         $0x88888889, AX
	VPBROADCASTQ AX, Z23
	MOVQ         $34953, AX // ⌈2^20/30⌉: x·34953>>20 = x/30 for x < 74,000
	VPBROADCASTQ AX, Z24
	MOVQ         $0xff, AX
	VPBROADCASTQ AX, Z30

loop:
	VPMOVZXDQ   (SI), Z0 // p
	VCVTUQQ2PD  Z0, Z1
	VDIVPD      Z1, Z17, Z2
	VCVTTPD2UQQ Z2, Z3       // ⌊s/p⌋, or one off
	VPMULLQ     Z0, Z3, Z4
	VPSUBQ      Z4, Z16, Z4  // r = s - q·p, in (-p, 2p)
	VPMOVQ2M    Z4, K1       // r < 0: q one too high
	VPCMPQ      $5, Z0, Z4, K2 // r ≥ p: one too low
	VPADDQ      Z20, Z3, Z3  // then the least q with p·q ≥ s, as largeStart
	VPSUBQ      Z20, Z3, K1, Z3
	VPADDQ      Z20, Z3, K2, Z3

	// j = ⌊q/30⌋ and m = q mod 30, exactly for q < 2^43: the double
	// 1/30 is (1/30)(1 - 2^-56), so q = 30j + m times it is j exactly for
	// m = 0 (j·2^-56 is under a quarter of j's last place), and more than
	// j + 1/30 - 2^-18, less than j + 1, for m from 1 to 29.
	VCVTUQQ2PD  Z3, Z5
	VMULPD      Z22, Z5, Z5
	VCVTTPD2UQQ Z5, Z6
	VPMULLQ     Z21, Z6, Z7
	VPSUBQ      Z7, Z3, Z7

	// W = wheel[t], t = firstT[m]; the high half of each lane looked up
	// entry 0, masked off.
	VPERMI2D Z26, Z25, Z7
	VPANDQ   Z30, Z7, Z8
	VPSRLQ   $8, Z7, Z7
	VPANDQ   Z30, Z7, Z7

	// k = ⌊p/30⌋, pm = p mod 30
	VPMULUDQ Z23, Z0, Z9
	VPSRLQ   $36, Z9, Z9
	VPMULLQ  Z21, Z9, Z10
	VPSUBQ   Z10, Z0, Z10

	// The byte of p·(30j + W), counted from j0: p·j + k·W + pm·W/30.
	VPMULLQ  Z6, Z0, Z12
	VPMULUDQ Z8, Z9, Z13
	VPADDQ   Z13, Z12, Z12
	VPMULUDQ Z8, Z10, Z13
	VPMULUDQ Z24, Z13, Z13
	VPSRLQ   $20, Z13, Z13
	VPADDQ   Z13, Z12, Z12
	VPSUBQ   Z18, Z12, Z12
	VPCMPUQ  $1, Z19, Z12, K4 // it hits the task

	// wi = 8·bitOf[pm] + t
	VPERMI2D Z28, Z27, Z10
	VPANDQ   Z30, Z10, Z10
	VPSLLQ   $3, Z10, Z10
	VPADDQ   Z7, Z10, Z10

	VPCOMPRESSQ Z9, K4, Z9
	VPMOVQD     Z9, (R8)(R11*4)
	VPCOMPRESSQ Z12, K4, Z12
	VPMOVQD     Z12, (R9)(R11*4)
	VPCOMPRESSQ Z10, K4, Z10
	VPMOVQD     Z10, (R10)(R11*4)
	KMOVB       K4, AX
	POPCNTL     AX, AX
	ADDQ        AX, R11

	ADDQ $32, SI
	DECQ CX
	JNZ  loop

	VZEROUPPER
	MOVQ R11, ret+48(FP)
	RET

// func bitsToNumbers16(dst *uint32, bs *byte, words int, base uint32, wheel *[16]uint32) int
//
// appendPrimes32's words with AVX-512: each 16 bits (two bytes, 60
// numbers) select among the 16 numbers base + 1, 7, …, 59 by VPCOMPRESSD,
// whose 16 lanes are all stored at the count so far; dst must hold 16
// past the count returned.
TEXT ·bitsToNumbers16(SB), NOSPLIT, $0-48
	MOVQ  dst+0(FP), DI
	MOVQ  bs+8(FP), SI
	MOVQ  words+16(FP), CX
	MOVL  base+24(FP), AX
	VPBROADCASTD AX, Z1
	MOVQ  wheel+32(FP), DX
	VPADDD (DX), Z1, Z1 // base + the 16 residues of two bytes
	MOVL  $60, AX
	VPBROADCASTD AX, Z2
	XORQ  R11, R11
	TESTQ CX, CX
	JZ    done

word:
	MOVQ (SI), BX

	KMOVW       BX, K1
	VPCOMPRESSD Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1
	SHRQ        $16, BX

	KMOVW       BX, K1
	VPCOMPRESSD Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1
	SHRQ        $16, BX

	KMOVW       BX, K1
	VPCOMPRESSD Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1
	SHRQ        $16, BX

	KMOVW       BX, K1
	VPCOMPRESSD Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1

	ADDQ $8, SI
	DECQ CX
	JNZ  word

done:
	VZEROUPPER
	MOVQ R11, ret+40(FP)
	RET
