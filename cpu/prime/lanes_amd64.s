//go:build amd64 && !purego

#include "textflag.h"

// The exponent loops of the four-lane tests. Each lane keeps its running
// value in a register and reads its modulus, inverse and constants from the
// argument frame; the exponent bits are shifted out of the frame word into
// the carry flag. Montgomery multiplication is MULQ, IMULQ, MULQ and a
// borrow-masked correction, with no branch anywhere in a step. The Go loops
// in lanes_other.go compute the same and are the reference.

// MONTMUL sets r to a·b·R⁻¹ mod n for r, a in registers: the high word of
// a·b minus that of (low word·n⁻¹)·n, plus n where that borrows.
#define MONTMUL(a, b, n, inv, r) \
	MOVQ a, AX; \
	MULQ b; \
	MOVQ DX, r; \
	IMULQ inv, AX; \
	MULQ n; \
	SUBQ DX, r; \
	SBBQ R14, R14; \
	ANDQ n, R14; \
	ADDQ R14, r

// SUBMOD sets r to r−c mod n.
#define SUBMOD(c, n, r) \
	SUBQ c, r; \
	SBBQ R14, R14; \
	ANDQ n, R14; \
	ADDQ R14, r

// BASE2STEP squares x and doubles it when the bit shifted out of e is set:
// with t = y or 0, y+t mod n comes from comparing t with the room n−y.
#define BASE2STEP(x, e, n, inv) \
	MONTMUL(x, x, n, inv, R13); \
	SHLQ $1, e; \
	SBBQ R14, R14; \
	ANDQ R13, R14; \
	MOVQ n, R15; \
	SUBQ R13, R15; \
	LEAQ (R13)(R14*1), x; \
	SUBQ R15, R14; \
	CMOVQCC R14, x

// LUCASSTEP swaps a and b when the bit shifted out of g is set, then sets
// (a, b) = (a²−2, a·b−P).
#define LUCASSTEP(a, b, g, n, inv, two, p) \
	SHLQ $1, g; \
	MOVQ a, R13; \
	CMOVQCS b, a; \
	CMOVQCS R13, b; \
	MONTMUL(a, b, n, inv, b); \
	SUBMOD(p, n, b); \
	MONTMUL(a, a, n, inv, a); \
	SUBMOD(two, n, a)

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
	BASE2STEP(BX, e_0+32(FP), n_0+64(FP), inv_0+96(FP))
	BASE2STEP(SI, e_1+40(FP), n_1+72(FP), inv_1+104(FP))
	BASE2STEP(DI, e_2+48(FP), n_2+80(FP), inv_2+112(FP))
	BASE2STEP(R8, e_3+56(FP), n_3+88(FP), inv_3+120(FP))
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
	LUCASSTEP(BX, R9, g_0+64(FP), n_0+96(FP), inv_0+128(FP), two_0+160(FP), p_0+192(FP))
	LUCASSTEP(SI, R10, g_1+72(FP), n_1+104(FP), inv_1+136(FP), two_1+168(FP), p_1+200(FP))
	LUCASSTEP(DI, R11, g_2+80(FP), n_2+112(FP), inv_2+144(FP), two_2+176(FP), p_2+208(FP))
	LUCASSTEP(R8, R12, g_3+88(FP), n_3+120(FP), inv_3+152(FP), two_3+184(FP), p_3+216(FP))
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
