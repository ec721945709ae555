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
	// Where the row has room, round the taps up to whole steps of eight:
	// the table's rows are padded with zero weights to a multiple of 8.
	LEAQ 7(BX), R14
	ANDQ $-8, R14
	LEAQ (AX)(R14*1), R15
	CMPQ R15, in_len+32(FP)
	JGT uneven1
	MOVQ R14, BX

uneven1:
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

// func vstrip(out, src []uint8, stride int, weights []int32)
//
// The vertical pass for 32 samples at a time: out[i] = the clamped, rounded
// Σ_k src[k·stride + i]·weights[k], for i below len(out) rounded down to 32.
// Four registers hold 32 sums over all the taps, then the shift and the
// saturating packs (VPERMQ undoes their lane interleaving) clamp to bytes.
TEXT ·vstrip(SB), NOSPLIT, $0-80
	MOVQ out_base+0(FP), DI
	MOVQ out_len+8(FP), CX
	MOVQ src_base+24(FP), SI
	MOVQ stride+48(FP), R8
	MOVQ weights_base+56(FP), R9
	MOVQ weights_len+64(FP), R10
	SHRQ $5, CX
	JZ vdone
	MOVL $0x200000, AX
	VMOVD AX, X15
	VPBROADCASTD X15, Y15

vstrip32:
	VMOVDQA Y15, Y0
	VMOVDQA Y15, Y1
	VMOVDQA Y15, Y2
	VMOVDQA Y15, Y3
	MOVQ SI, R11
	MOVQ R9, R12
	MOVQ R10, R13
	TESTQ R13, R13
	JZ vpack

vtap:
	VPBROADCASTD (R12), Y8
	VPMOVZXBD (R11), Y4
	VPMOVZXBD 8(R11), Y5
	VPMOVZXBD 16(R11), Y6
	VPMOVZXBD 24(R11), Y7
	VPMULLD Y8, Y4, Y4
	VPMULLD Y8, Y5, Y5
	VPMULLD Y8, Y6, Y6
	VPMULLD Y8, Y7, Y7
	VPADDD Y4, Y0, Y0
	VPADDD Y5, Y1, Y1
	VPADDD Y6, Y2, Y2
	VPADDD Y7, Y3, Y3
	ADDQ R8, R11
	ADDQ $4, R12
	DECQ R13
	JNZ vtap

vpack:
	VPSRAD $22, Y0, Y0
	VPSRAD $22, Y1, Y1
	VPSRAD $22, Y2, Y2
	VPSRAD $22, Y3, Y3
	VPACKSSDW Y1, Y0, Y0
	VPACKSSDW Y3, Y2, Y2
	VPACKUSWB Y2, Y0, Y0
	// The packs worked within 128-bit lanes: the dwords are now in the
	// order 0, 2, 4, 6, 1, 3, 5, 7 of their 4-sample groups.
	VMOVDQU vpermIndex<>(SB), Y9
	VPERMD Y0, Y9, Y0
	VMOVDQU Y0, (DI)
	ADDQ $32, DI
	ADDQ $32, SI
	DECQ CX
	JNZ vstrip32

vdone:
	VZEROUPPER
	RET

DATA vpermIndex<>+0(SB)/4, $0
DATA vpermIndex<>+4(SB)/4, $4
DATA vpermIndex<>+8(SB)/4, $1
DATA vpermIndex<>+12(SB)/4, $5
DATA vpermIndex<>+16(SB)/4, $2
DATA vpermIndex<>+20(SB)/4, $6
DATA vpermIndex<>+24(SB)/4, $3
DATA vpermIndex<>+28(SB)/4, $7
GLOBL vpermIndex<>(SB), RODATA|NOPTR, $32
