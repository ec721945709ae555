//go:build amd64 && !purego

#include "textflag.h"

// The exponent loops of the four-lane tests. Each lane keeps its running
// value in a register and reads its modulus, inverse and constants from the
// argument frame; the exponent bits are shifted out of the frame word into
// the carry flag. Montgomery multiplication is MULQ, IMULQ, MULQ and a
// borrow-masked correction, with no branch anywhere in a step. The
// generic Go loops in lanes.go compute the same and are the reference.

// func base2Loop4(x, e, n, inv [4]uint64, steps int) (r [4]uint64)
TEXT ·base2Loop4(SB), NOSPLIT, $0-168
	MOVQ x_0+0(FP), BX
	MOVQ x_1+8(FP), SI
	MOVQ x_2+16(FP), DI
	MOVQ x_3+24(FP), R8
	MOVQ steps+128(FP), CX
	TESTQ CX, CX
	JZ base2done

base2loop:
	// lane 0: y = x² (Montgomery)
	MOVQ BX, AX
	MULQ BX
	MOVQ DX, R13
	IMULQ inv_0+96(FP), AX
	MULQ n_0+64(FP)
	SUBQ DX, R13
	SBBQ R14, R14
	ANDQ n_0+64(FP), R14
	ADDQ R14, R13
	// t = y if the exponent bit is set; x = y+t mod n, by comparing t with n−y
	SHLQ $1, e_0+32(FP)
	SBBQ R14, R14
	ANDQ R13, R14
	MOVQ n_0+64(FP), R15
	SUBQ R13, R15
	LEAQ (R13)(R14*1), BX
	SUBQ R15, R14
	CMOVQCC R14, BX

	// lane 1: y = x² (Montgomery)
	MOVQ SI, AX
	MULQ SI
	MOVQ DX, R13
	IMULQ inv_1+104(FP), AX
	MULQ n_1+72(FP)
	SUBQ DX, R13
	SBBQ R14, R14
	ANDQ n_1+72(FP), R14
	ADDQ R14, R13
	// t = y if the exponent bit is set; x = y+t mod n, by comparing t with n−y
	SHLQ $1, e_1+40(FP)
	SBBQ R14, R14
	ANDQ R13, R14
	MOVQ n_1+72(FP), R15
	SUBQ R13, R15
	LEAQ (R13)(R14*1), SI
	SUBQ R15, R14
	CMOVQCC R14, SI

	// lane 2: y = x² (Montgomery)
	MOVQ DI, AX
	MULQ DI
	MOVQ DX, R13
	IMULQ inv_2+112(FP), AX
	MULQ n_2+80(FP)
	SUBQ DX, R13
	SBBQ R14, R14
	ANDQ n_2+80(FP), R14
	ADDQ R14, R13
	// t = y if the exponent bit is set; x = y+t mod n, by comparing t with n−y
	SHLQ $1, e_2+48(FP)
	SBBQ R14, R14
	ANDQ R13, R14
	MOVQ n_2+80(FP), R15
	SUBQ R13, R15
	LEAQ (R13)(R14*1), DI
	SUBQ R15, R14
	CMOVQCC R14, DI

	// lane 3: y = x² (Montgomery)
	MOVQ R8, AX
	MULQ R8
	MOVQ DX, R13
	IMULQ inv_3+120(FP), AX
	MULQ n_3+88(FP)
	SUBQ DX, R13
	SBBQ R14, R14
	ANDQ n_3+88(FP), R14
	ADDQ R14, R13
	// t = y if the exponent bit is set; x = y+t mod n, by comparing t with n−y
	SHLQ $1, e_3+56(FP)
	SBBQ R14, R14
	ANDQ R13, R14
	MOVQ n_3+88(FP), R15
	SUBQ R13, R15
	LEAQ (R13)(R14*1), R8
	SUBQ R15, R14
	CMOVQCC R14, R8

	DECQ CX
	JNZ base2loop

base2done:
	MOVQ BX, r_0+136(FP)
	MOVQ SI, r_1+144(FP)
	MOVQ DI, r_2+152(FP)
	MOVQ R8, r_3+160(FP)
	RET

// func lucasLoop4(a, b, g, n, inv, two, p [4]uint64, steps int) (ra, rb [4]uint64)
TEXT ·lucasLoop4(SB), NOSPLIT, $0-296
	MOVQ a_0+0(FP), BX
	MOVQ b_0+32(FP), R9
	MOVQ a_1+8(FP), SI
	MOVQ b_1+40(FP), R10
	MOVQ a_2+16(FP), DI
	MOVQ b_2+48(FP), R11
	MOVQ a_3+24(FP), R8
	MOVQ b_3+56(FP), R12
	MOVQ steps+224(FP), CX
	TESTQ CX, CX
	JZ lucasdone

lucasloop:
	// lane 0: swap a and b when the order bit says so
	SHLQ $1, g_0+64(FP)
	MOVQ BX, R13
	CMOVQCS R9, BX
	CMOVQCS R13, R9
	// b = a·b − P
	MOVQ BX, AX
	MULQ R9
	MOVQ DX, R9
	IMULQ inv_0+128(FP), AX
	MULQ n_0+96(FP)
	SUBQ DX, R9
	SBBQ R14, R14
	ANDQ n_0+96(FP), R14
	ADDQ R14, R9
	SUBQ p_0+192(FP), R9
	SBBQ R14, R14
	ANDQ n_0+96(FP), R14
	ADDQ R14, R9
	// a = a² − 2
	MOVQ BX, AX
	MULQ BX
	MOVQ DX, BX
	IMULQ inv_0+128(FP), AX
	MULQ n_0+96(FP)
	SUBQ DX, BX
	SBBQ R14, R14
	ANDQ n_0+96(FP), R14
	ADDQ R14, BX
	SUBQ two_0+160(FP), BX
	SBBQ R14, R14
	ANDQ n_0+96(FP), R14
	ADDQ R14, BX

	// lane 1: swap a and b when the order bit says so
	SHLQ $1, g_1+72(FP)
	MOVQ SI, R13
	CMOVQCS R10, SI
	CMOVQCS R13, R10
	// b = a·b − P
	MOVQ SI, AX
	MULQ R10
	MOVQ DX, R10
	IMULQ inv_1+136(FP), AX
	MULQ n_1+104(FP)
	SUBQ DX, R10
	SBBQ R14, R14
	ANDQ n_1+104(FP), R14
	ADDQ R14, R10
	SUBQ p_1+200(FP), R10
	SBBQ R14, R14
	ANDQ n_1+104(FP), R14
	ADDQ R14, R10
	// a = a² − 2
	MOVQ SI, AX
	MULQ SI
	MOVQ DX, SI
	IMULQ inv_1+136(FP), AX
	MULQ n_1+104(FP)
	SUBQ DX, SI
	SBBQ R14, R14
	ANDQ n_1+104(FP), R14
	ADDQ R14, SI
	SUBQ two_1+168(FP), SI
	SBBQ R14, R14
	ANDQ n_1+104(FP), R14
	ADDQ R14, SI

	// lane 2: swap a and b when the order bit says so
	SHLQ $1, g_2+80(FP)
	MOVQ DI, R13
	CMOVQCS R11, DI
	CMOVQCS R13, R11
	// b = a·b − P
	MOVQ DI, AX
	MULQ R11
	MOVQ DX, R11
	IMULQ inv_2+144(FP), AX
	MULQ n_2+112(FP)
	SUBQ DX, R11
	SBBQ R14, R14
	ANDQ n_2+112(FP), R14
	ADDQ R14, R11
	SUBQ p_2+208(FP), R11
	SBBQ R14, R14
	ANDQ n_2+112(FP), R14
	ADDQ R14, R11
	// a = a² − 2
	MOVQ DI, AX
	MULQ DI
	MOVQ DX, DI
	IMULQ inv_2+144(FP), AX
	MULQ n_2+112(FP)
	SUBQ DX, DI
	SBBQ R14, R14
	ANDQ n_2+112(FP), R14
	ADDQ R14, DI
	SUBQ two_2+176(FP), DI
	SBBQ R14, R14
	ANDQ n_2+112(FP), R14
	ADDQ R14, DI

	// lane 3: swap a and b when the order bit says so
	SHLQ $1, g_3+88(FP)
	MOVQ R8, R13
	CMOVQCS R12, R8
	CMOVQCS R13, R12
	// b = a·b − P
	MOVQ R8, AX
	MULQ R12
	MOVQ DX, R12
	IMULQ inv_3+152(FP), AX
	MULQ n_3+120(FP)
	SUBQ DX, R12
	SBBQ R14, R14
	ANDQ n_3+120(FP), R14
	ADDQ R14, R12
	SUBQ p_3+216(FP), R12
	SBBQ R14, R14
	ANDQ n_3+120(FP), R14
	ADDQ R14, R12
	// a = a² − 2
	MOVQ R8, AX
	MULQ R8
	MOVQ DX, R8
	IMULQ inv_3+152(FP), AX
	MULQ n_3+120(FP)
	SUBQ DX, R8
	SBBQ R14, R14
	ANDQ n_3+120(FP), R14
	ADDQ R14, R8
	SUBQ two_3+184(FP), R8
	SBBQ R14, R14
	ANDQ n_3+120(FP), R14
	ADDQ R14, R8

	DECQ CX
	JNZ lucasloop

lucasdone:
	MOVQ BX, ra_0+232(FP)
	MOVQ R9, rb_0+264(FP)
	MOVQ SI, ra_1+240(FP)
	MOVQ R10, rb_1+272(FP)
	MOVQ DI, ra_2+248(FP)
	MOVQ R11, rb_2+280(FP)
	MOVQ R8, ra_3+256(FP)
	MOVQ R12, rb_3+288(FP)
	RET
