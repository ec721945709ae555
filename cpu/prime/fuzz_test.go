package prime_test

import (
	"encoding/binary"
	"math"
	"math/big"
	"testing"

	"github.com/corescale/corescale/cpu/prime"
)

// fuzzSeeds are the values every fuzz target starts from: the edges of the
// range and the published pseudoprimes of testdata.
func fuzzSeeds(f *testing.F) []uint64 {
	seeds := []uint64{
		0, 1, 2, 3, 4, 5, 9, 25,
		math.MaxUint64, math.MaxUint64 - 1, math.MaxUint64 - 58, // 2^64−59, the largest 64-bit prime
		1<<63 - 1, 1 << 63, 1<<63 + 1, 1<<63 - 25, // 2^63−25 is prime
		1<<32 - 5, 1 << 32, 1<<32 + 1, 1<<32 + 15,
		4294967291 * 4294967279, 4294967291 * 4294967291,
	}
	// Around every trial-division bound an engine might choose: small
	// primes, their squares and the odd numbers next to those.
	for p := uint64(3); p < 256; p += 2 {
		if new(big.Int).SetUint64(p).ProbablyPrime(0) {
			seeds = append(seeds, p, p*p-2, p*p, p*p+2)
		}
	}
	return append(seeds, listedPseudoprimes(f)...)
}

// FuzzIsPrime compares IsPrime with math/big's ProbablyPrime(0), which is
// Baillie–PSW and documented exact below 2^64.
func FuzzIsPrime(f *testing.F) {
	for _, n := range fuzzSeeds(f) {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n uint64) {
		want := new(big.Int).SetUint64(n).ProbablyPrime(0)
		if got := prime.IsPrime(n); got != want {
			t.Errorf("IsPrime(%d) = %v, math/big says %v", n, got, want)
		}
	})
}

// FuzzBatch decodes the bytes as a batch of little-endian uint64s (a trailing
// partial word is dropped) and compares Serial, Parallel{Workers: 2},
// TestSurvivors (exact on any input too) and IsPrime element by element,
// and IsPrime with math/big. When the byte count is not a multiple of 8,
// the batch is repeated until it spans three chunks of the parallel engine,
// so the split and the order of its output are fuzzed too.
func FuzzBatch(f *testing.F) {
	seeds := fuzzSeeds(f)
	for i := 0; i < len(seeds); i += 7 {
		var b []byte
		for _, n := range seeds[i:min(i+7, len(seeds))] {
			b = binary.LittleEndian.AppendUint64(b, n)
		}
		f.Add(b)
		f.Add(append(b, 0))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ns := make([]uint64, 0, len(data)/8)
		for i := 0; i+8 <= len(data); i += 8 {
			ns = append(ns, binary.LittleEndian.Uint64(data[i:]))
		}
		want := make([]bool, len(ns))
		var x big.Int
		for i, n := range ns {
			want[i] = prime.IsPrime(n)
			if b := x.SetUint64(n).ProbablyPrime(0); b != want[i] {
				t.Errorf("IsPrime(%d) = %v, math/big says %v", n, want[i], b)
			}
		}
		batch := ns
		if len(data)%8 == 1 && len(ns) > 0 {
			for len(batch) < 3*4096+1 {
				batch = append(batch, ns...)
			}
		}
		serial := make([]bool, len(batch))
		parallel := make([]bool, len(batch))
		if err := (prime.Serial{}).TestPrimes(batch, serial); err != nil {
			t.Fatal(err)
		}
		if err := (prime.Parallel{Workers: 2}).TestPrimes(batch, parallel); err != nil {
			t.Fatal(err)
		}
		survivors := make([]bool, len(batch))
		if err := prime.TestSurvivors(batch, survivors); err != nil {
			t.Fatal(err)
		}
		for i, n := range batch {
			w := want[i%max(len(ns), 1)]
			if serial[i] != w || parallel[i] != w || survivors[i] != w {
				t.Fatalf("batch of %d, element %d = %d: Serial %v, Parallel{2} %v, TestSurvivors %v, IsPrime %v",
					len(batch), i, n, serial[i], parallel[i], survivors[i], w)
			}
		}
	})
}
