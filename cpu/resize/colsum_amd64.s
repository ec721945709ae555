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
