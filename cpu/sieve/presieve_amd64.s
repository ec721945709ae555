//go:build amd64 && !purego

#include "textflag.h"

// func andPatterns(dst *byte, src *[16]*byte, n int)
//
// Two passes over dst, each ANDing eight streams 32 bytes at a time: eight
// pointers is what the free registers hold, and the second pass reads dst
// back from the L1 cache.
TEXT ·andPatterns(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ n+16(FP), CX

	MOVQ 0(SI), BX
	MOVQ 8(SI), DX
	MOVQ 16(SI), R8
	MOVQ 24(SI), R9
	MOVQ 32(SI), R10
	MOVQ 40(SI), R11
	MOVQ 48(SI), R12
	MOVQ 56(SI), R13
	XORQ AX, AX

first:
	VMOVDQU (BX)(AX*1), Y0
	VPAND   (DX)(AX*1), Y0, Y0
	VMOVDQU (R8)(AX*1), Y1
	VPAND   (R9)(AX*1), Y1, Y1
	VMOVDQU (R10)(AX*1), Y2
	VPAND   (R11)(AX*1), Y2, Y2
	VMOVDQU (R12)(AX*1), Y3
	VPAND   (R13)(AX*1), Y3, Y3
	VPAND   Y1, Y0, Y0
	VPAND   Y3, Y2, Y2
	VPAND   Y2, Y0, Y0
	VMOVDQU Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JB      first

	MOVQ 64(SI), BX
	MOVQ 72(SI), DX
	MOVQ 80(SI), R8
	MOVQ 88(SI), R9
	MOVQ 96(SI), R10
	MOVQ 104(SI), R11
	MOVQ 112(SI), R12
	MOVQ 120(SI), R13
	XORQ AX, AX

second:
	VMOVDQU (BX)(AX*1), Y0
	VPAND   (DX)(AX*1), Y0, Y0
	VMOVDQU (R8)(AX*1), Y1
	VPAND   (R9)(AX*1), Y1, Y1
	VMOVDQU (R10)(AX*1), Y2
	VPAND   (R11)(AX*1), Y2, Y2
	VMOVDQU (R12)(AX*1), Y3
	VPAND   (R13)(AX*1), Y3, Y3
	VPAND   Y1, Y0, Y0
	VPAND   Y3, Y2, Y2
	VPAND   (DI)(AX*1), Y0, Y0
	VPAND   Y2, Y0, Y0
	VMOVDQU Y0, (DI)(AX*1)
	ADDQ    $32, AX
	CMPQ    AX, CX
	JB      second

	VZEROUPPER
	RET
