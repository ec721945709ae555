// Package prime tests integers below 2^64 for primality, exactly, on the CPU.
//
// The method is Baillie–PSW: trial division by the small primes, a strong
// probable-prime test to base 2, then an extra strong Lucas test with
// parameters chosen by Baillie's method (P = 3, 4, 5, … with Q = 1 and the
// first D = P²−4 whose Jacobi symbol (D/n) is −1). No composite below 2^64
// passes it: Feitsma and Galway enumerated every base-2 strong pseudoprime
// below 2^64 (2013), and that list has been checked against the Lucas half of
// the test, standard, strong and extra strong variants alike, with no number
// passing (J. Feitsma, "Pseudoprimes", and D. Jacobsen's verification of
// BPSW variants against it). The tests in this package check the engine
// against GNU factor and math/big on hundreds of thousands of numbers, and on
// published strong pseudoprimes and Carmichael numbers.
//
// Arithmetic is in Montgomery form with math/bits. What makes it fast is
// keeping the multiplier busy: the batch engine runs the exponentiations of
// several numbers interleaved in one loop (see lanes), so the out-of-order
// core overlaps their independent multiplications instead of waiting on one
// dependency chain at a time. On CPUs with AVX-512 IFMA the loops carry 24
// numbers in vector registers instead, in two 52-bit limbs with R = 2^104
// (ifma_amd64.go), or in one with R = 2^52 below 2^48 (narrow_amd64.go);
// the scalar loops remain for the last few numbers of a stage and for other
// CPUs.
//
// Serial and Parallel implement corescale.PrimeTester. TestSurvivors is the
// entry for numbers a sieve has already cleared of small factors (the range
// hybrid of cpu/sieve): no trial division, straight to the base-2 stage. Numbers of 2^64 and
// above are outside this package: math/big's ProbablyPrime(0) is the
// Baillie–PSW test for them, and its verdict is probable, not proven.
//
// It must not import gpu/, bench/, cmd/ or internal/backend: the GPU path
// and the choice between paths sit beside and above it.
package prime
