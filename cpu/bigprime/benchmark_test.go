package bigprime

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// benchSizes are the sizes of the bench workloads and of the GMP anchor.
var benchSizes = []int{128, 256, 512, 2048}

func randomBatch(bits, count int) []*big.Int {
	r := rand.New(rand.NewPCG(uint64(bits), 7))
	ns := make([]*big.Int, count)
	for i := range ns {
		ns[i] = randomOdd(r, bits)
	}
	return ns
}

// BenchmarkRandom tests random odd numbers of each size with the top bit
// set, the anchor's workload, one at a time: ns/op is per number.
func BenchmarkRandom(b *testing.B) {
	for _, bits := range benchSizes {
		ns := randomBatch(bits, 4096)
		b.Run(fmt.Sprintf("bits=%d", bits), func(b *testing.B) {
			var t Tester
			i := 0
			for b.Loop() {
				t.ProbablyPrime(ns[i%len(ns)])
				i++
			}
		})
	}
}

// BenchmarkPrimes tests primes, which run the whole test: the cost of
// the arithmetic alone.
func BenchmarkPrimes(b *testing.B) {
	for _, bits := range benchSizes {
		r := rand.New(rand.NewPCG(uint64(bits), 8))
		ps := make([]*big.Int, 8)
		for i := range ps {
			ps[i] = randomPrime(r, bits)
		}
		b.Run(fmt.Sprintf("bits=%d", bits), func(b *testing.B) {
			var t Tester
			i := 0
			for b.Loop() {
				if !t.ProbablyPrime(ps[i%len(ps)]) {
					b.Fatal("a prime failed")
				}
				i++
			}
		})
	}
}

// BenchmarkMathBig is math/big's ProbablyPrime(0) on BenchmarkRandom's numbers.
func BenchmarkMathBig(b *testing.B) {
	for _, bits := range benchSizes {
		ns := randomBatch(bits, 4096)
		b.Run(fmt.Sprintf("bits=%d", bits), func(b *testing.B) {
			i := 0
			for b.Loop() {
				ns[i%len(ns)].ProbablyPrime(0)
				i++
			}
		})
	}
}

// BenchmarkBatch is BenchmarkRandom's numbers through Test on one and
// two workers.
func BenchmarkBatch(b *testing.B) {
	for _, bits := range benchSizes {
		ns := randomBatch(bits, 4096)
		out := make([]bool, len(ns))
		for _, workers := range []int{1, 2} {
			b.Run(fmt.Sprintf("bits=%d/workers=%d", bits, workers), func(b *testing.B) {
				for b.Loop() {
					Test(ns, out, workers)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ns)), "ns/number")
			})
		}
	}
}
