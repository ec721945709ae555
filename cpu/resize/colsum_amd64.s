//go:build amd64 && !purego

#include "textflag.h"

// func sumRows16(acc []uint16, src []uint8, stride, rows int)
//
// acc[i] = Σ_r src[r·stride + i] for i < len(acc) rounded down to 32, 16
// columns per register: each strip of 32 columns is summed over all rows
// in two registers, then stored once.
TEXT ·sumRows16(SB), NOSPLIT, $0-64
	MOVQ acc_base+0(FP), DI
	MOVQ acc_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ stride+48(FP), R8
	MOVQ rows+56(FP), R9
	SHRQ $5, CX
	JZ done

strip:
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	MOVQ SI, R10
	MOVQ R9, R11

row:
	VPMOVZXBW (R10), Y2
	VPMOVZXBW 16(R10), Y3
	VPADDW Y2, Y0, Y0
	VPADDW Y3, Y1, Y1
	ADDQ R8, R10
	DECQ R11
	JNZ row

	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	ADDQ $64, DI
	ADDQ $32, SI
	DECQ CX
	JNZ strip

done:
	VZEROUPPER
	RET

// func avgPairs16(out []uint8, cols []uint16, half int32, inv float32) int
//
// The fast mode's 2-column blocks of one channel: out[i] is the rounded
// average (cols[2i] + cols[2i+1] + half)·inv, truncated, for i up to
// len(out) rounded down to 16; it returns how many it wrote. The pair sums
// must fit 16 bits. The caller's inv is 1/n nudged up, so the truncation
// is the exact integer division (see pairDivisor).
TEXT ·avgPairs16(SB), NOSPLIT, $0-64
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ cols_base+24(FP), SI
	MOVQ cols_len+32(FP), DX
	SHRQ $1, DX
	CMPQ DX, CX
	CMOVQLT DX, CX
	SHRQ $4, CX
	MOVQ CX, AX
	SHLQ $4, AX
	MOVQ AX, ret+56(FP)
	MOVL half+48(FP), AX
	VMOVD AX, X14
	VPBROADCASTD X14, Y14
	MOVL inv+52(FP), AX
	VMOVD AX, X15
	VBROADCASTSS X15, Y15
	TESTQ CX, CX
	JZ done

step:
	// Sixteen pair sums, in the order of the outputs once the 64-bit
	// quarters are put back in place (VPHADDW works within 128-bit lanes).
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VPHADDW Y1, Y0, Y2
	VPERMQ $0xD8, Y2, Y2
	VPMOVZXWD X2, Y3
	VEXTRACTI128 $1, Y2, X4
	VPMOVZXWD X4, Y4
	VPADDD Y14, Y3, Y3
	VPADDD Y14, Y4, Y4
	VCVTDQ2PS Y3, Y3
	VCVTDQ2PS Y4, Y4
	VMULPS Y15, Y3, Y3
	VMULPS Y15, Y4, Y4
	VCVTTPS2DQ Y3, Y3
	VCVTTPS2DQ Y4, Y4
	VPACKUSDW Y4, Y3, Y5
	VPERMQ $0xD8, Y5, Y5
	VEXTRACTI128 $1, Y5, X6
	VPACKUSWB X6, X5, X5
	VMOVDQU X5, (DI)
	ADDQ $64, SI
	ADDQ $16, DI
	DECQ CX
	JNZ step

done:
	VZEROUPPER
	RET
