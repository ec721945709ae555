package sieve

import (
	"math/rand/v2"
	"testing"
)

// presieve against the definition, byte by byte: a bit stays set when its
// number has no prime factor up to presieveMax or is one of those primes.
// The lengths are not multiples of 32 and the starts fall anywhere in the
// patterns' periods, so both the assembly and the byte loop after it run.
func TestPresieve(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	starts := []uint64{0, 1, 5, 6, 323323 - 3, 4087*20677 - 1, 1 << 40}
	for range 20 {
		starts = append(starts, rng.Uint64N(1<<50))
	}
	for _, j0 := range starts {
		for _, n := range []int{1, 31, 32, 33, 1000, segBytes} {
			seg := make([]byte, n)
			presieve(seg, j0)
			for j := range n {
				for t8 := range 8 {
					x := 30*(j0+uint64(j)) + wheel[t8]
					want := x != 1
					for p := uint64(7); p <= presieveMax && want; p += 2 {
						if x%p == 0 && x != p {
							want = false
						}
					}
					if got := seg[j]>>t8&1 == 1; got != want {
						t.Fatalf("presieve from byte %d, %d bytes: %d is %v, want %v", j0, n, x, got, want)
					}
				}
			}
		}
	}
}
