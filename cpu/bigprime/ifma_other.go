//go:build !amd64 || purego

package bigprime

import "math/big"

// testBatch sets isPrime[i] to ProbablyPrime's verdict on ns[i], i in idx.
func (t *Tester) testBatch(ns []*big.Int, idx []int32, isPrime []bool) {
	for _, i := range idx {
		isPrime[i] = t.ProbablyPrime(ns[i])
	}
}

// testBatchLimbs sets isPrime[i] to ProbablyPrimeLimbs's verdict on
// ns[i], i in idx.
func (t *Tester) testBatchLimbs(ns [][]uint64, idx []int32, isPrime []bool) {
	for _, i := range idx {
		isPrime[i] = t.ProbablyPrimeLimbs(ns[i])
	}
}

// laneChunk returns size: there are no lanes to fill.
func laneChunk(size, _ int) int { return size }

// laneTester is the lanes' state, which there are none of.
type laneTester struct{}
