// Package bigprime tests numbers of 65 to 4096 bits for primality in
// batches on the CPU: Baillie–PSW, the test cpu/prime runs below 2^64 —
// trial division, a strong probable-prime test to base 2, then the extra
// strong Lucas test with Baillie's parameters (P = 3, 4, 5, … with Q = 1,
// the first D = P²−4 with Jacobi symbol (D/n) = −1). No composite is known
// to pass it, none below 2^64 does, but above 2^64 that is not proven:
// its verdicts are probable, as math/big's ProbablyPrime(0), which runs the
// same test and agrees with this package on every number the tests try.
//
// Arithmetic is Montgomery's, on a fixed number of 64-bit limbs per size
// class: for 2 to 8 limbs (up to 512 bits) gen.go writes mont_gen.go,
// straight-line multiplication, squaring, addition and subtraction for
// each size and the test over them, with no loops, slices or bounds checks
// between the multiplications; above, modG runs the same template over
// loops of up to 64 limbs. On amd64 with BMI2 and ADX (checked at run
// time), 2 and 4 limbs multiply and square in assembly that gen_amd64.go
// writes (MULX with the two carry chains of ADCX/ADOX), and the base-2
// exponentiation runs as one assembly loop; the purego tag keeps the Go
// code, which the tests also hold the assembly to. Trial division packs the small primes into
// word-sized products and reduces n against each with GMP's exact-division
// remainder, two multiplications per limb and no division; the bound
// grows with the size, where an exponentiation costs more, and is lower
// for the numbers bound for the IFMA lanes, whose exponentiation is
// cheaper.
//
// On amd64 with AVX-512 IFMA (checked at run time), Test runs both
// probable-prime tests of numbers of 65 to 512 bits eight at a time, one
// per 64-bit lane of a ZMM register, in Montgomery form over 52-bit limbs
// (3 up to 128 bits, 5 up to 256, 10 up to 512, where the 20 columns of a
// product fill the registers and the values are read as memory operands),
// as the multi-buffer exponentiation of cryptographic libraries does: the
// survivors of trial division of each size class are gathered eight at a time (sixteen at 128 bits for the
// base-2 test: two groups whose ladders run interleaved in one loop,
// base2LanesIFMA3x2, since one group's chain of multiply-adds leaves the
// IFMA units idle about half the time), lanes with shorter exponents
// start with steps that keep their value, and lanes decided early ride
// along unread. gen_ifma.go writes the kernels (ifma_amd64.s); the purego
// tag, a CPU without IFMA and ProbablyPrime on one number keep the scalar
// code, which the tests hold the lanes to.
//
// Test takes a batch of *big.Int; TestLimbs takes the same batch as
// 64-bit limbs, the form a caller that reads numbers from text parses them
// into without math/big (at 128 bits a *big.Int per number cost as much as
// the test, in allocation, copying and garbage collection).
//
// Numbers above 4096 bits stay with math/big, whose Karatsuba
// multiplication pays there.
//
// It must not import gpu/, bench/, cmd/, internal/backend or any package
// but cpu/prime and internal/chunk of this module.
package bigprime

//go:generate go run gen.go
//go:generate go run gen_amd64.go
