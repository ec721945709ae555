// Package sieve finds the primes of a range: a segmented sieve of
// Eratosthenes below 2^64, and a hybrid that sieves by small primes only
// and hands the survivors to the Baillie–PSW batch engine, for short ranges
// high up and for ranges above 2^64. gen_cross.py writes the crossing
// loops: in amd64 assembly (cross_amd64.s) and in Go (cross_gen.go, for
// other CPUs and -tags purego). The sieving primes above 2^22, generated
// again for each task, are read from their sieve a word (64 bits) at a
// time with AVX-512 VBMI2's byte compress (sixteen bits at a time with
// AVX-512 F alone) and started sixteen at a time (large_amd64.s: the first
// multiple's offset from j0 mod p, which a double-precision quotient
// rounded and corrected gives exactly, in 32-bit lanes),
// elsewhere one at a time with a division, and cross off through buckets
// (bucket.go).
//
// It must not import gpu/, internal/backend, bench/ or cmd/.
package sieve
