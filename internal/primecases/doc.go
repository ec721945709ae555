// Package primecases generates the numbers above 2^64 that are hard for a
// probable-prime test, so that the tests of every engine (cpu/bigprime, the
// GPU kernels through gpu/emu, the CLI through the fake driver) hold it to
// the same set: composites that pass the strong test to base 2 or to many
// bases (composite Mersenne numbers, Fermat numbers, Chernick's Carmichael
// numbers, Arnault's strong pseudoprimes to every prime base up to 101),
// primes of special forms, products and squares of primes, and the numbers
// at both ends of each size class where an engine's arithmetic changes
// size. Every case is a pure function of its arguments (seeded).
//
// It imports nothing of corescale, and is meant for tests and benchmarks.
package primecases
