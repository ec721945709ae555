package sieve

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"testing"
)

// firstMultiple is the reference for largeStarts, in plain % and 128-bit
// products: the byte, counted from j0, and the bit of the first multiple
// p·q ≥ max(p², 30·j0) with q coprime to 30.
func firstMultiple(p, j0 uint64) (rel uint64, bit uint8) {
	s := max(p*p, 30*j0)
	q := s / p
	if s%p != 0 {
		q++
	}
	for q%2 == 0 || q%3 == 0 || q%5 == 0 {
		q++
	}
	hi, lo := bits.Mul64(p, q)
	byteOf, r := bits.Div64(hi, lo, 30)
	return byteOf - j0, bitOf[r]
}

// randomCoprime returns a number from lo to hi coprime to 30.
func randomCoprime(rng *rand.Rand, lo, hi uint64) uint64 {
	for {
		if p := lo + rng.Uint64N(hi-lo+1); p%2 != 0 && p%3 != 0 && p%5 != 0 {
			return p
		}
	}
}

// lowQuotients are numbers p coprime to 30 and tasks j0, found by search,
// whose quotient 30·j0/p the float division truncates one too low (30·j0,
// rounded to double, lies below p·⌊30·j0/p⌋), where ⌊30·j0/p⌋ is coprime to
// 30: uncorrected, the first multiple would be one before the task.
var lowQuotients = [][2]uint64{
	{1591311449, 446171511387998102}, {2052730577, 457192332940726647},
	{3033642559, 333213610660718754}, {831154603, 412933114259046700},
	{3390807173, 390692344397206011}, {3198024151, 398507409042140872},
}

// largeStarts against the plain remainder, for sieving primes (any number
// coprime to 30 does for the arithmetic) from above mediumMax to 2^32 and
// tasks from low (where p² is the first multiple) to the top of 2^64, the
// quotient's float estimate off in both directions among them; and the
// states it keeps are exactly start's that hit the task.
func TestLargeStarts(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 64))
	top := uint64(math.MaxUint64) / 30
	for round := range 2000 {
		var ps []uint32
		for range 64 {
			var p uint64
			switch rng.IntN(4) {
			case 0:
				p = randomCoprime(rng, 1<<32-1000, 1<<32-1)
			case 1:
				p = randomCoprime(rng, mediumMax-100, mediumMax+1000)
			default:
				p = randomCoprime(rng, mediumMax-100, 1<<32-1)
			}
			ps = append(ps, uint32(p))
		}
		var j0 uint64
		switch round % 4 {
		case 0:
			j0 = top - rng.Uint64N(1<<36)
		case 1:
			j0 = rng.Uint64N(1 << 60)
		case 2:
			j0 = rng.Uint64N(1 << 40) // p² above 30·j0 for many
		default:
			j0 = top - rng.Uint64N(4)
		}
		if round%5 == 4 {
			// 30·j0 just above or below a multiple of ps[0]: its quotient
			// within 2^-20 of a whole number, where the float division
			// rounds it to the wrong side.
			p := uint64(ps[0])
			j0 = (top/p-rng.Uint64N(1<<20))*p + rng.Uint64N(3) - 1
		}
		n := 1 + rng.IntN(1<<24)
		if round%7 == 0 {
			n = 1 << 31
		}
		if round < len(lowQuotients) {
			ps[0], j0 = uint32(lowQuotients[round][0]), lowQuotients[round][1]
		}
		got := largeStarts(nil, ps, j0, n)
		var want []sprime
		for _, p := range ps {
			st := start(uint64(p), j0, n)
			rel, bit := firstMultiple(uint64(p), j0)
			if rel >= uint64(n) {
				continue
			}
			if uint64(st.idx) != rel || hitBit[st.wi] != bit {
				t.Fatalf("p %d, j0 %d: start gives byte %d bit %d, the remainder %d bit %d", p, j0, st.idx, hitBit[st.wi], rel, bit)
			}
			want = append(want, st)
		}
		if len(got) != len(want) {
			t.Fatalf("j0 %d, %d bytes: %d states, want %d", j0, n, len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("j0 %d, %d bytes, p = 30·%d + …: state %+v, want %+v", j0, n, want[i].k, got[i], want[i])
			}
		}
	}
}

// largePrimes returns the primes generated from lo, up to n of them.
func largePrimes(lo uint64, n int) []uint32 {
	var ps []uint32
	var w worker
	w.generateBatches(lo, min(lo+uint64(n)*64, 1<<32-1), func(b []uint32) {
		ps = append(ps, b[:min(len(b), n-len(ps))]...)
	})
	return ps
}

// BenchmarkLargeStarts is the start of each large prime on a task at the
// top, where most do not hit it: ns/prime.
func BenchmarkLargeStarts(b *testing.B) {
	ps := largePrimes(1<<31, 1<<16)
	j0 := uint64(math.MaxUint64-1e9) / 30
	out := make([]sprime, 0, len(ps))
	for b.Loop() {
		out = largeStarts(out[:0], ps, j0, 1<<24)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ps)), "ns/prime")
}

func BenchmarkStartDiv(b *testing.B) {
	ps := largePrimes(1<<31, 1<<16)
	j0 := uint64(math.MaxUint64-1e9) / 30
	out := make([]sprime, 0, len(ps))
	for b.Loop() {
		out = out[:0]
		for _, p := range ps {
			if st := start(uint64(p), j0, 1<<24); st.idx < 1<<24 {
				out = append(out, st)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ps)), "ns/prime")
}
