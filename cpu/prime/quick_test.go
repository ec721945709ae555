package prime

import (
	"math/big"
	"math/rand/v2"
	"testing"
)

func TestAgainstBigQuick(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ns := make([]uint64, 0, 300000)
	for i := uint64(0); i < 100000; i++ {
		ns = append(ns, i)
	}
	for range 100000 {
		ns = append(ns, r.Uint64()|1)
	}
	for range 100000 {
		ns = append(ns, r.Uint64()>>r.IntN(64))
	}
	out := make([]bool, len(ns))
	Serial{}.TestPrimes(ns, out)
	var b big.Int
	bad := 0
	for i, n := range ns {
		want := b.SetUint64(n).ProbablyPrime(0)
		if out[i] != want {
			t.Errorf("%d: got %v want %v", n, out[i], want)
			bad++
			if bad > 20 {
				t.FailNow()
			}
		}
	}
}
