//go:build amd64 && !purego

#include "textflag.h"

// func largeStarts16(ps *uint32, n int, c *largeConsts, ks, idxs, wis *uint32) int
//
// starts' float path in sixteen 32-bit lanes, the quotients in two halves
// of eight doubles. For j0 = a·p + b (0 ≤ b < p) and c = ⌊30·b/p⌋, the
// first multiple p·q ≥ 30·j0 with q coprime to 30 has q = 30a + W, W the
// least of 1, 7, …, 29, 31 above c, and its byte counted from j0 is
// ⌊p·W/30⌋ − b = k·W + ⌊pm·W/30⌋ − b (p = 30k + pm), at most p/5: so every
// value is kept mod 2^32, and neither a nor j0/p is needed beyond its low
// 32 bits.
//
// b: the doubles J = j0/30 and 30/p (each rounded once, j0 before too)
// give Q = J·(30/p) = (j0/p)(1 + e), |e| < 4.01·2^-53, so |p·Q − j0| <
// j0·2^-50.99 < 274 for j0 < 2^64/30. Rounded to the nearest integer a (by
// adding 1.5·2^52, which leaves a mod 2^32 in the low half), j0 − a·p lies
// within p/2 + 274 of 0: below 2^31 in size for p < 2^32 − 548 (starts
// sends larger ones to start), so its low 32 bits read as a signed number
// are it, and b is that, plus p when negative.
//
// c: 30/p times b is 30·b/p (1 + e), |e| < 2.01·2^-53, within 2^-47 of
// it. For b = 0 both are 0. Otherwise 30·b/p is no whole number (p is
// coprime to 30 and does not divide b), at least 1/p > 2^-32 from the next
// one, so truncating gives c exactly.
//
// k = ⌊p/30⌋ from p times the double 1/30, which is (1/30)(1 − 2^-56):
// p = 30k + m times it is k exactly for m = 0 (k·2^-56 is under a quarter
// of k's last place), and more than k + 1/30 − 2^-18, less than k + 1, for
// m from 1 to 29 (p < 2^43).
//
// The lanes that hit the task are compressed to the front of a register
// and stored whole at the count kept so far: a compress to memory is
// microcoded on AMD's Zen 4, and the narrowing stores (VPMOVQD) of an
// earlier eight-lane version were as slow. The last n mod 16 primes go
// through the loop once more, loaded under a mask (K5, all ones before)
// whose other lanes are zeros and never kept.
TEXT ·largeStarts16(SB), NOSPLIT, $0-56
	MOVQ ps+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ CX, R12
	ANDQ $15, R12 // the last primes, after the groups
	SHRQ $4, CX   // the groups of sixteen
	MOVQ c+16(FP), DX
	MOVQ ks+24(FP), R8
	MOVQ idxs+32(FP), R9
	MOVQ wis+40(FP), R10
	XORQ R11, R11

	VPBROADCASTD 0(DX), Z19  // j0 mod 2^32
	VPBROADCASTD 4(DX), Z20  // the task's bytes
	VPBROADCASTQ 8(DX), Z17  // J = j0/30, a double
	MOVQ         16(DX), BX
	VMOVDQU32    0(BX), Z25  // W | t<<8 by c, c < 16
	VMOVDQU32    64(BX), Z26 // c from 16
	VMOVDQU32    128(BX), Z27 // 8·bitOf[pm], pm < 16
	VMOVDQU32    192(BX), Z28 // pm from 16
	VMOVDQU32    256(BX), Z22 // 0, 2, …, 30: the low halves of two vectors of eight
	MOVQ         $0x403E000000000000, AX // 30.0
	VPBROADCASTQ AX, Z16
	MOVQ         $0x4338000000000000, AX // 1.5·2^52
	VPBROADCASTQ AX, Z18
	MOVQ         $0x3FA1111111111111, AX // 1/30
	VPBROADCASTQ AX, Z21
	MOVL         $30, AX
	VPBROADCASTD AX, Z23
	MOVL         $34953, AX // ⌈2^20/30⌉: x·34953>>20 = x/30 for x < 74,000
	VPBROADCASTD AX, Z24
	MOVL         $0xff, AX
	VPBROADCASTD AX, Z29
	KXNORW       K5, K5, K5
	TESTQ        CX, CX
	JZ           last

loop:
	VMOVDQU32  (SI), Z0 // p
	VCVTUDQ2PD (SI), Z1
	VCVTUDQ2PD 32(SI), Z2

lanes:
	VDIVPD     Z1, Z16, Z3 // 30/p
	VDIVPD     Z2, Z16, Z4

	// k = ⌊p/30⌋, pm = p mod 30
	VMULPD       Z21, Z1, Z1
	VMULPD       Z21, Z2, Z2
	VCVTTPD2UDQ  Z1, Y1
	VCVTTPD2UDQ  Z2, Y2
	VINSERTI64X4 $1, Y2, Z1, Z1
	VPMULLD      Z23, Z1, Z2
	VPSUBD       Z2, Z0, Z2

	// b = j0 mod p
	VMULPD   Z3, Z17, Z5
	VMULPD   Z4, Z17, Z6
	VADDPD   Z18, Z5, Z5
	VADDPD   Z18, Z6, Z6
	VPERMT2D Z6, Z22, Z5 // a mod 2^32
	VPMULLD  Z0, Z5, Z5
	VPSUBD   Z5, Z19, Z5 // j0 − a·p
	VPMOVD2M Z5, K1
	VPADDD   Z0, Z5, K1, Z5

	// c = ⌊30·b/p⌋, then W and t
	VCVTUDQ2PD    Y5, Z6
	VEXTRACTI64X4 $1, Z5, Y7
	VCVTUDQ2PD    Y7, Z7
	VMULPD        Z3, Z6, Z6
	VMULPD        Z4, Z7, Z7
	VCVTTPD2UDQ   Z6, Y6
	VCVTTPD2UDQ   Z7, Y7
	VINSERTI64X4  $1, Y7, Z6, Z6
	VPERMI2D      Z26, Z25, Z6
	VPANDD        Z29, Z6, Z7 // W
	VPSRLD        $8, Z6, Z6  // t

	// The byte from j0: k·W + ⌊pm·W/30⌋ − b.
	VPMULLD Z7, Z1, Z8
	VPMULLD Z7, Z2, Z9
	VPMULLD Z24, Z9, Z9
	VPSRLD  $20, Z9, Z9
	VPADDD  Z9, Z8, Z8
	VPSUBD  Z5, Z8, Z8
	VPCMPUD $1, Z20, Z8, K5, K4 // it hits the task

	// wi = 8·bitOf[pm] + t
	VPERMI2D Z28, Z27, Z2
	VPADDD   Z6, Z2, Z2

	VPCOMPRESSD Z1, K4, Z1
	VMOVDQU32   Z1, (R8)(R11*4)
	VPCOMPRESSD Z8, K4, Z8
	VMOVDQU32   Z8, (R9)(R11*4)
	VPCOMPRESSD Z2, K4, Z2
	VMOVDQU32   Z2, (R10)(R11*4)
	KMOVW       K4, AX
	POPCNTL     AX, AX
	ADDQ        AX, R11

	ADDQ $64, SI
	DECQ CX
	JNZ  loop

last:
	TESTQ R12, R12
	JZ    done
	MOVQ  $1, AX
	MOVQ  R12, CX
	SHLQ  CX, AX
	DECQ  AX
	KMOVW AX, K5
	XORQ  R12, R12
	MOVQ  $1, CX // the loop's DECQ ends it after these
	VMOVDQU32.Z   (SI), K5, Z0
	VCVTUDQ2PD    Y0, Z1
	VEXTRACTI64X4 $1, Z0, Y2
	VCVTUDQ2PD    Y2, Z2
	JMP           lanes

done:
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
	VPCOMPRESSD.Z Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1
	SHRQ        $16, BX

	KMOVW       BX, K1
	VPCOMPRESSD.Z Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1
	SHRQ        $16, BX

	KMOVW       BX, K1
	VPCOMPRESSD.Z Z1, K1, Z0
	VMOVDQU32   Z0, (DI)(R11*4)
	POPCNTW     BX, DX
	MOVWQZX     DX, DX
	ADDQ        DX, R11
	VPADDD      Z2, Z1, Z1
	SHRQ        $16, BX

	KMOVW       BX, K1
	VPCOMPRESSD.Z Z1, K1, Z0
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

// func bitsToNumbers64(dst *uint32, bs *byte, words int, base uint32, offsets *[64]byte) int
//
// appendPrimes32's words with AVX-512 VBMI2: each 64 bits (eight bytes,
// 240 numbers) select among the offsets of their numbers from the word's
// start, bytes all (30·(i>>3) + wheel[i&7] < 240), by one VPCOMPRESSB;
// the first 32 are widened, added to the base and stored, all 32 lanes, at
// the count so far, and the rest only when there are more than 32 (a
// word holds eleven primes on average near 2^30); dst must
// hold 64 past the count returned. The compress zeroes the lanes it does
// not fill, which keeps each word's compress from waiting on the last.
TEXT ·bitsToNumbers64(SB), NOSPLIT, $0-48
	MOVQ  dst+0(FP), DI
	MOVQ  bs+8(FP), SI
	MOVQ  words+16(FP), CX
	MOVL  base+24(FP), AX
	VPBROADCASTD AX, Z1
	MOVQ  offsets+32(FP), DX
	VMOVDQU8 (DX), Z3
	MOVL  $240, AX
	VPBROADCASTD AX, Z2
	XORQ  R11, R11
	TESTQ CX, CX
	JZ    done64

word64:
	KMOVQ         (SI), K1
	POPCNTQ       (SI), BX
	VPCOMPRESSB.Z Z3, K1, Z0
	VPMOVZXBD     X0, Z4
	VPADDD        Z1, Z4, Z4
	VMOVDQU32     Z4, (DI)(R11*4)
	VEXTRACTI32X4 $1, Z0, X5
	VPMOVZXBD     X5, Z5
	VPADDD        Z1, Z5, Z5
	VMOVDQU32     Z5, 64(DI)(R11*4)
	CMPQ          BX, $32
	JA            more64

next64:
	ADDQ   BX, R11
	VPADDD Z2, Z1, Z1
	ADDQ   $8, SI
	DECQ   CX
	JNZ    word64

done64:
	VZEROUPPER
	MOVQ R11, ret+40(FP)
	RET

more64:
	VEXTRACTI32X4 $2, Z0, X5
	VPMOVZXBD     X5, Z5
	VPADDD        Z1, Z5, Z5
	VMOVDQU32     Z5, 128(DI)(R11*4)
	VEXTRACTI32X4 $3, Z0, X5
	VPMOVZXBD     X5, Z5
	VPADDD        Z1, Z5, Z5
	VMOVDQU32     Z5, 192(DI)(R11*4)
	JMP           next64
