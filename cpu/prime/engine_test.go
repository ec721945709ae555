package prime

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"sync"
	"testing"
)

// enginePrimes holds, for each bit length b = 2…64 at index b, up to 64
// primes of exactly b bits, found with math/big (exact below 2^64) from a
// fixed seed. The mixes draw from it, which is far cheaper than a fresh
// prime search per number.
var enginePrimes = sync.OnceValue(func() [][]uint64 {
	r := rand.New(rand.NewPCG(1, 1))
	var x big.Int
	pool := make([][]uint64, 65)
	for b := 2; b <= 64; b++ {
		seen := map[uint64]bool{}
		for tries := 0; len(pool[b]) < 64 && tries < 10000; tries++ {
			c := r.Uint64()>>(64-b) | 1<<(b-1) | 1
			if !seen[c] && x.SetUint64(c).ProbablyPrime(0) {
				seen[c] = true
				pool[b] = append(pool[b], c)
			}
		}
	}
	return pool
})

// engineMix returns n numbers of every kind, from a fixed seed: small, even,
// primes, products of two primes, squares, base-2 strong pseudoprimes and
// numbers near 2^64, shuffled so that neighbours differ.
func engineMix(n int, seed uint64) []uint64 {
	r := rand.New(rand.NewPCG(seed, 7))
	pool := enginePrimes()
	randPrime := func(bits int) uint64 {
		ps := pool[bits]
		return ps[r.IntN(len(ps))]
	}
	spsp := []uint64{2047, 3277, 4033, 4681, 8321, 1373653, 25326001, 3215031751,
		2152302898747, 3474749660383, 341550071728321, 3825123056546413051,
		4294967297, 9007199254740991, 576460752303423487}
	ns := make([]uint64, n)
	for i := range ns {
		switch r.IntN(9) {
		case 0:
			ns[i] = r.Uint64N(200)
		case 1:
			ns[i] = r.Uint64() &^ 1
		case 2:
			ns[i] = randPrime(2 + r.IntN(63))
		case 3:
			ns[i] = randPrime(64)
		case 4:
			ns[i] = randPrime(32) * randPrime(32)
		case 5:
			p := randPrime(2 + r.IntN(31))
			ns[i] = p * p
		case 6:
			ns[i] = spsp[r.IntN(len(spsp))]
		case 7:
			ns[i] = math.MaxUint64 - r.Uint64N(1000)
		default:
			ns[i] = r.Uint64() | 1
		}
	}
	return ns
}

// bigVerdicts returns math/big's ProbablyPrime(0) for each number (exact
// below 2^64).
func bigVerdicts(ns []uint64) []bool {
	out := make([]bool, len(ns))
	var x big.Int
	for i, n := range ns {
		out[i] = x.SetUint64(n).ProbablyPrime(0)
	}
	return out
}

// TestEnginesAgree runs Serial and Parallel with 1, 2, 3 and 8 workers (and
// the default) on batches of sizes around the window, lane and chunk
// boundaries, and checks every verdict, in place, against math/big. The
// output slice is one longer than the batch, and the extra element must be
// left alone; the input must not change.
func TestEnginesAgree(t *testing.T) {
	t.Parallel()
	sizes := []int{0, 1, 3, 4, 5, 511, 512, 513, 4095, 4096, 4097, 100003}
	type engine struct {
		name string
		e    interface {
			TestPrimes([]uint64, []bool) error
		}
	}
	engines := []engine{{"Serial", Serial{}}}
	for _, w := range []int{0, 1, 2, 3, 8} {
		engines = append(engines, engine{fmt.Sprintf("Parallel{%d}", w), Parallel{Workers: w}})
	}
	for _, size := range sizes {
		ns := engineMix(size, uint64(size))
		orig := append([]uint64(nil), ns...)
		want := bigVerdicts(ns)
		for _, e := range engines {
			t.Run(fmt.Sprintf("%s/%d", e.name, size), func(t *testing.T) {
				out := make([]bool, size+1)
				for i := range out {
					out[i] = i%2 == 0 // garbage the engine must overwrite
				}
				sentinel := out[size]
				if err := e.e.TestPrimes(ns, out); err != nil {
					t.Fatal(err)
				}
				bad := 0
				for i, n := range ns {
					if out[i] != want[i] {
						if bad++; bad <= 10 {
							t.Errorf("element %d = %d: got %v, want %v", i, n, out[i], want[i])
						}
					}
				}
				if out[size] != sentinel {
					t.Errorf("wrote past len(ns) in a longer out")
				}
				for i := range ns {
					if ns[i] != orig[i] {
						t.Fatalf("input changed at %d: %d, was %d", i, ns[i], orig[i])
					}
				}
			})
		}
	}
}

// TestEngineOrder checks that a batch whose verdicts follow a known pattern
// comes back in the same pattern: primes at the multiples of 3, composites
// elsewhere, on batches large enough to split into many parallel chunks.
func TestEngineOrder(t *testing.T) {
	t.Parallel()
	const size = 50000
	r := rand.New(rand.NewPCG(99, 100))
	pool := enginePrimes()
	var x big.Int
	ns := make([]uint64, size)
	for i := range ns {
		if i%3 == 0 {
			ps := pool[2+r.IntN(63)]
			ns[i] = ps[r.IntN(len(ps))]
			continue
		}
		for ns[i] == 0 || x.SetUint64(ns[i]).ProbablyPrime(0) {
			ns[i] = r.Uint64() | 1
		}
	}
	for _, w := range []int{1, 2, 3, 8} {
		out := make([]bool, size)
		if err := (Parallel{Workers: w}).TestPrimes(ns, out); err != nil {
			t.Fatal(err)
		}
		for i := range out {
			if out[i] != (i%3 == 0) {
				t.Fatalf("Parallel{%d}: element %d = %d: got %v, want %v", w, i, ns[i], out[i], i%3 == 0)
			}
		}
	}
}

// TestShortOut checks that every engine refuses an out shorter than the
// batch, and accepts empty and nil batches.
func TestShortOut(t *testing.T) {
	type tester interface {
		TestPrimes([]uint64, []bool) error
	}
	engines := map[string]tester{
		"Serial": Serial{}, "Parallel{0}": Parallel{}, "Parallel{1}": Parallel{Workers: 1},
		"Parallel{2}": Parallel{Workers: 2}, "Parallel{8}": Parallel{Workers: 8},
	}
	for name, e := range engines {
		for _, size := range []int{1, 2, 4097, 20000} {
			ns := make([]uint64, size)
			for _, outLen := range []int{0, size - 1} {
				if err := e.TestPrimes(ns, make([]bool, outLen)); err == nil {
					t.Errorf("%s: %d numbers, %d verdicts: no error", name, size, outLen)
				}
			}
		}
		if err := e.TestPrimes(nil, nil); err != nil {
			t.Errorf("%s: nil batch: %v", name, err)
		}
		if err := e.TestPrimes([]uint64{}, make([]bool, 3)); err != nil {
			t.Errorf("%s: empty batch: %v", name, err)
		}
	}
}

// TestBatchWidths checks that testBatch gives the same verdicts with every
// method — the scalar loops at every interleaving width 1…maxLanes, and
// the IFMA loops where the CPU has them, with and without the scalar loops
// for small groups — as the engines' method, and that those are right.
func TestBatchWidths(t *testing.T) {
	t.Parallel()
	ns := engineMix(20011, 3)
	// Then a run of numbers that all reach the Lucas stage (primes above the
	// trial bound), so the interleaved loops run full as well as partial.
	for _, ps := range enginePrimes()[16:] {
		ns = append(ns, ps...)
	}
	want := bigVerdicts(ns)
	ref := make([]bool, len(ns))
	testBatch(ns, ref, fastest)
	methods := map[string]method{}
	for width := 1; width <= maxLanes; width++ {
		methods[fmt.Sprintf("scalar width %d", width)] = scalarMethod(width)
	}
	if m, ok := ifmaMethod(); ok {
		methods["ifma"] = m
		m.fill = 0
		methods["ifma, no scalar groups"] = m
		m.narrow = nil
		methods["ifma, two limbs only"] = m
	}
	for name, m := range methods {
		out := make([]bool, len(ns))
		testBatch(ns, out, m)
		bad := 0
		for i, n := range ns {
			if out[i] != ref[i] || out[i] != want[i] {
				if bad++; bad <= 10 {
					t.Errorf("%s: %d: got %v, the engines' method says %v, math/big %v", name, n, out[i], ref[i], want[i])
				}
			}
		}
	}
}

// TestJacobi pins the Jacobi symbol against math/big.Jacobi for odd n, on
// small values exhaustively and on random and extreme 64-bit ones.
func TestJacobi(t *testing.T) {
	var ba, bn big.Int
	check := func(a, n uint64) {
		want := big.Jacobi(ba.SetUint64(a), bn.SetUint64(n))
		if got := jacobi(a, n); got != want {
			t.Fatalf("jacobi(%d, %d) = %d, math/big says %d", a, n, got, want)
		}
	}
	for n := uint64(1); n < 600; n += 2 {
		for a := range uint64(1300) {
			check(a, n)
		}
	}
	r := rand.New(rand.NewPCG(11, 12))
	edges := []uint64{0, 1, 2, 3, 4, 5, 1<<32 - 1, 1 << 32, 1 << 63, math.MaxUint64 - 1, math.MaxUint64}
	for range 100000 {
		n := r.Uint64() | 1
		check(r.Uint64(), n)
		check(r.Uint64N(1000), n)
		check(edges[r.IntN(len(edges))], n)
		check(r.Uint64(), edges[r.IntN(len(edges))]|1)
	}
	for _, n := range edges {
		for _, a := range edges {
			check(a, n|1)
		}
	}
}

// TestIsqrt pins the integer square root against math/big's Sqrt around
// every perfect square that matters: small ones, squares of numbers near
// 2^32 (where float64 rounding bites) and random values.
func TestIsqrt(t *testing.T) {
	var b big.Int
	check := func(n uint64) {
		want := b.Sqrt(b.SetUint64(n)).Uint64()
		if got := isqrt(n); got != want {
			t.Fatalf("isqrt(%d) = %d, want %d", n, got, want)
		}
	}
	for n := range uint64(100000) {
		check(n)
	}
	for r := uint64(1<<32 - 1); r > 1<<32-100000; r-- {
		s := r * r
		check(s)
		check(s - 1)
		check(s + 1)
	}
	for r := uint64(1 << 26); r < 1<<26+10000; r++ { // where float64 stops being exact for squares
		s := r * r
		check(s - 1)
		check(s)
		check(s + 1)
	}
	check(math.MaxUint64)
	check(math.MaxUint64 - 1)
	rng := rand.New(rand.NewPCG(13, 14))
	for range 200000 {
		n := rng.Uint64() >> rng.IntN(64)
		check(n)
		r := isqrt(n)
		check(r * r)
	}
}
