//go:build amd64 && !purego

#include "textflag.h"

// The horizontal pass over one row of 4-byte pixels with AVX2: two taps per
// step, each pixel's four samples zero-extended to 32-bit lanes and
// multiplied by the tap's weight broadcast to four lanes (VPMULLD, the same
// 22-bit fixed point as the Go loop, so the results are the same bytes),
// then the rounding, the shift and saturating packs that clamp to 0…255.

DATA pairIndex<>+0(SB)/4, $0
DATA pairIndex<>+4(SB)/4, $0
DATA pairIndex<>+8(SB)/4, $0
DATA pairIndex<>+12(SB)/4, $0
DATA pairIndex<>+16(SB)/4, $1
DATA pairIndex<>+20(SB)/4, $1
DATA pairIndex<>+24(SB)/4, $1
DATA pairIndex<>+28(SB)/4, $1
GLOBL pairIndex<>(SB), RODATA|NOPTR, $32

// func hrow4(out, in []uint8, start, count, weights []int32, stride int)
TEXT ·hrow4(SB), NOSPLIT, $0-128
	MOVQ out_base+0(FP), DI
	MOVQ in_base+24(FP), SI
	MOVQ start_base+48(FP), R8
	MOVQ start_len+56(FP), CX
	MOVQ count_base+72(FP), R9
	MOVQ weights_base+96(FP), R10
	MOVQ stride+120(FP), R11
	SHLQ $2, R11
	VMOVDQU pairIndex<>(SB), Y15
	MOVL $0x200000, AX
	VMOVD AX, X14
	VPBROADCASTD X14, X14
	TESTQ CX, CX
	JZ done

pixel:
	MOVLQSX (R8), AX
	MOVLQSX (R9), BX
	LEAQ (SI)(AX*4), R12
	MOVQ R10, R13
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	CMPQ BX, $4
	JL pair

quad:
	VMOVQ (R13), X2
	VPERMD Y2, Y15, Y2
	VPMOVZXBD (R12), Y3
	VPMULLD Y3, Y2, Y3
	VPADDD Y3, Y0, Y0
	VMOVQ 8(R13), X4
	VPERMD Y4, Y15, Y4
	VPMOVZXBD 8(R12), Y5
	VPMULLD Y5, Y4, Y5
	VPADDD Y5, Y1, Y1
	ADDQ $16, R12
	ADDQ $16, R13
	SUBQ $4, BX
	CMPQ BX, $4
	JGE quad

pair:
	CMPQ BX, $2
	JL single
	VMOVQ (R13), X2
	VPERMD Y2, Y15, Y2
	VPMOVZXBD (R12), Y3
	VPMULLD Y3, Y2, Y3
	VPADDD Y3, Y0, Y0
	ADDQ $8, R12
	ADDQ $8, R13
	SUBQ $2, BX

single:
	TESTQ BX, BX
	JZ sum
	VPBROADCASTD (R13), X2
	VPMOVZXBD (R12), X3
	VPMULLD X3, X2, X3
	VPADDD Y3, Y0, Y0

sum:
	VPADDD Y1, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPADDD X1, X0, X0
	VPADDD X14, X0, X0
	VPSRAD $22, X0, X0
	VPACKSSDW X0, X0, X0
	VPACKUSWB X0, X0, X0
	VMOVD X0, (DI)
	ADDQ $4, DI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ R11, R10
	DECQ CX
	JNZ pixel

done:
	VZEROUPPER
	RET

// func hrow1(out, in []uint8, start, count, weights []int32, stride int)
//
// hrow4 for one channel: eight taps per step, VPMOVZXBD widening eight
// samples against eight consecutive weights; the last taps one by one.
TEXT ·hrow1(SB), NOSPLIT, $0-128
	MOVQ out_base+0(FP), DI
	MOVQ in_base+24(FP), SI
	MOVQ start_base+48(FP), R8
	MOVQ start_len+56(FP), CX
	MOVQ count_base+72(FP), R9
	MOVQ weights_base+96(FP), R10
	MOVQ stride+120(FP), R11
	SHLQ $2, R11
	TESTQ CX, CX
	JZ done1

pixel1:
	MOVLQSX (R8), AX
	MOVLQSX (R9), BX
	LEAQ (SI)(AX*1), R12
	MOVQ R10, R13
	VPXOR Y0, Y0, Y0
	CMPQ BX, $8
	JL tail1

eight:
	VPMOVZXBD (R12), Y1
	VPMULLD (R13), Y1, Y1
	VPADDD Y1, Y0, Y0
	ADDQ $8, R12
	ADDQ $32, R13
	SUBQ $8, BX
	CMPQ BX, $8
	JGE eight

tail1:
	VEXTRACTI128 $1, Y0, X1
	VPADDD X1, X0, X0
	VPSHUFD $0x4e, X0, X1
	VPADDD X1, X0, X0
	VPSHUFD $0xb1, X0, X1
	VPADDD X1, X0, X0
	VMOVD X0, DX
	ADDL $0x200000, DX
	TESTQ BX, BX
	JZ clip1

one:
	MOVBLZX (R12), AX
	IMULL (R13), AX
	ADDL AX, DX
	INCQ R12
	ADDQ $4, R13
	DECQ BX
	JNZ one

clip1:
	XORL AX, AX
	TESTL DX, DX
	CMOVLLT AX, DX
	SARL $22, DX
	MOVL $255, AX
	CMPL DX, AX
	CMOVLGT AX, DX
	MOVB DX, (DI)
	INCQ DI
	ADDQ $4, R8
	ADDQ $4, R9
	ADDQ R11, R10
	DECQ CX
	JNZ pixel1

done1:
	VZEROUPPER
	RET

// The byte order that spreads four RGB pixels (12 bytes) over four 4-byte
// pixels, the fourth byte of each zero (0x80 in a PSHUFB index clears).
DATA padIndex<>+0(SB)/8, $0x8005040380020100
DATA padIndex<>+8(SB)/8, $0x800b0a0980080706
GLOBL padIndex<>(SB), RODATA|NOPTR, $16

// func padRGB16(out, in []uint8) int
//
// Pads sixteen RGB pixels at a time to RGBX while at least 52 bytes of in
// remain (each 16-byte load uses 12), and returns how many pixels it did.
TEXT ·padRGB16(SB), NOSPLIT, $0-56
	MOVQ out_base+0(FP), DI
	MOVQ in_base+24(FP), SI
	MOVQ in_len+32(FP), CX
	MOVQ out_len+8(FP), R8
	XORQ AX, AX
	MOVOU padIndex<>(SB), X7

pad16:
	CMPQ CX, $52
	JL padded
	CMPQ R8, $64
	JL padded
	MOVOU (SI), X0
	MOVOU 12(SI), X1
	MOVOU 24(SI), X2
	MOVOU 36(SI), X3
	PSHUFB X7, X0
	PSHUFB X7, X1
	PSHUFB X7, X2
	PSHUFB X7, X3
	MOVOU X0, (DI)
	MOVOU X1, 16(DI)
	MOVOU X2, 32(DI)
	MOVOU X3, 48(DI)
	ADDQ $48, SI
	ADDQ $64, DI
	SUBQ $48, CX
	SUBQ $64, R8
	ADDQ $16, AX
	JMP pad16

padded:
	MOVQ AX, ret+48(FP)
	RET
