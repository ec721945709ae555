//go:build amd64 && !purego

#include "go_asm.h"
#include "textflag.h"

// func pushRoundAsm(r *pushArgs) (i, kept int, full uint32)
//
// pushRoundGo in assembly: the compiled loop kept most of its values on
// the stack, which its fourteen live ones do not need. A hit reads the
// prime's three fields and one table entry (pushTable: dq, dc and the bit
// by wheel index), and writes its record, its bucket's position and the
// prime's three fields at the count kept.
TEXT ·pushRoundAsm(SB), NOSPLIT, $16-28
	// R15 is not used: in the GPU plugin's build (-dynlink) a global's
	// address may be loaded through it.
	MOVQ r+0(FP), R8
	MOVQ pushArgs_pos(R8), AX
	MOVQ pushArgs_arena(R8), BX
	MOVQ pushArgs_ks(R8), CX
	MOVQ pushArgs_idxs(R8), DX
	MOVQ pushArgs_wis(R8), SI
	MOVQ pushArgs_i(R8), DI
	MOVQ pushArgs_kept(R8), R9
	MOVQ pushArgs_end(R8), R10
	MOVQ R10, end-8(SP)
	MOVL pushArgs_n(R8), R10
	MOVQ R10, n-16(SP)
	LEAQ ·pushTable(SB), R11
	CMPQ DI, end-8(SP)
	JGE  done

loop:
	MOVL  (DX)(DI*4), R8   // idx
	MOVL  R8, R10
	SHRL  $const_bucketShift, R10 // its area, a
	MOVL  (AX)(R10*4), R12 // j = pos[a]
	TESTL $(const_bucketLen-1), R12
	JZ    full
	LEAL  1(R12), R13
	MOVL  R13, (AX)(R10*4)
	MOVL  (SI)(DI*4), R13  // wi
	MOVL  R13, R10
	ANDL  $63, R10
	SHLL  $4, R10          // pushTable[wi&63]
	MOVL  R8, R14
	ANDL  $(const_bucketSpan-1), R14
	SHLL  $3, R14
	ORL   8(R11)(R10*1), R14
	MOVL  R14, (BX)(R12*4) // arena[j] = the record
	PREFETCHT0 128(BX)(R12*4)
	MOVL  (CX)(DI*4), R12  // k
	MOVL  0(R11)(R10*1), R14
	IMULL R12, R14
	ADDL  4(R11)(R10*1), R14
	ADDL  R14, R8          // the next multiple's byte
	LEAL  1(R13), R14
	ANDL  $7, R14
	ANDL  $-8, R13
	ORL   R14, R13         // and its wheel index
	MOVL  R8, (DX)(R9*4)
	MOVL  R13, (SI)(R9*4)
	MOVL  R12, (CX)(R9*4)
	SUBL  n-16(SP), R8
	SHRL  $31, R8          // kept when still in the task
	ADDQ  R8, R9
	INCQ  DI
	CMPQ  DI, end-8(SP)
	JLT   loop

done:
	MOVQ DI, i+8(FP)
	MOVQ R9, kept+16(FP)
	MOVL $0, full+24(FP)
	RET

full:
	MOVQ DI, i+8(FP)
	MOVQ R9, kept+16(FP)
	MOVL R10, full+24(FP)
	RET
