// Package numbers makes seeded streams of numbers for primality testing:
// odd numbers of a given bit length (OddNumbers, Odd64), uniform numbers
// below a power of two (Uniform) and primes drawn by rejection (Primes64).
// Every sequence is a pure function of its seed, from a PCG generator, so
// every run, machine and Go version sees the same numbers: the CLI's
// --random source, the benchmarks and the bench harness depend on that, and
// a change to any sequence changes what they print and time.
//
// It imports only the standard library, and must import nothing of bench,
// cmd, cpu, gpu or any image package (golang.org/x/image above all): the
// CLI's number parser depends on it, and should not drag a font rasterizer
// in with it.
package numbers
