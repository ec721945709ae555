package prime

import (
	"bufio"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testdataNumbers returns the numbers below 2^64 that open the lines of the
// testdata lists: base-2 strong pseudoprimes and Carmichael numbers.
func testdataNumbers(t *testing.T) []uint64 {
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata lists: %v (%d files)", err, len(files))
	}
	var ns []uint64
	for _, f := range files {
		file, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(file)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) == 0 || strings.HasPrefix(fields[0], "#") {
				continue
			}
			if n, err := strconv.ParseUint(fields[0], 10, 64); err == nil && n > trialBound {
				ns = append(ns, n)
			}
		}
		file.Close()
	}
	return ns
}

// survivorMethods returns every method testSurvivors can run: the scalar
// loops at each width, and the IFMA method with and without its scalar
// groups and one-limb loops where the CPU has it.
func survivorMethods() map[string]method {
	ms := map[string]method{"fastest": fastest}
	for width := 1; width <= maxLanes; width++ {
		ms[fmt.Sprintf("scalar width %d", width)] = scalarMethod(width)
	}
	if m, ok := ifmaMethod(); ok {
		m.fill = 0
		ms["ifma, no scalar groups"] = m
		m.narrow = nil
		ms["ifma, two limbs only"] = m
	}
	return ms
}

// checkSurvivors runs TestSurvivors and testSurvivors under every method on
// ns and compares each verdict with math/big's ProbablyPrime(20).
func checkSurvivors(t *testing.T, ns []uint64) {
	t.Helper()
	want := make([]bool, len(ns))
	var x big.Int
	for i, n := range ns {
		want[i] = x.SetUint64(n).ProbablyPrime(20)
	}
	out := make([]bool, len(ns)+1)
	out[len(ns)] = true
	if err := TestSurvivors(ns, out); err != nil {
		t.Fatal(err)
	}
	if !out[len(ns)] {
		t.Errorf("TestSurvivors wrote past the batch")
	}
	check := func(name string, got []bool) {
		bad := 0
		for i, n := range ns {
			if got[i] != want[i] {
				if bad++; bad <= 10 {
					t.Errorf("%s: %d: got %v, math/big says %v", name, n, got[i], want[i])
				}
			}
		}
	}
	check("TestSurvivors", out)
	for name, m := range survivorMethods() {
		got := make([]bool, len(ns))
		testSurvivors(ns, got, m)
		check(name, got)
	}
}

// sieveSurvivors returns the numbers of [lo, lo+length) with no prime
// factor up to bound, as the range hybrid hands them over (the primes up to
// bound included), by a sieve of its own.
func sieveSurvivors(lo, length, bound uint64) []uint64 {
	keep := make([]bool, length)
	for i := range keep {
		keep[i] = lo+uint64(i) > 1
	}
	for p := uint64(2); p <= bound; p++ {
		if p > 3 && !IsPrime(p) {
			continue
		}
		first := (lo + p - 1) / p * p
		if first == p {
			first += p // p itself stays
		}
		for m := first; m >= first && m-lo < length; m += p {
			keep[m-lo] = false
		}
	}
	var ns []uint64
	for i, k := range keep {
		if k {
			ns = append(ns, lo+uint64(i))
		}
	}
	return ns
}

// TestSurvivorsRanges checks TestSurvivors on the survivors of real ranges:
// at 0 (where the sieving primes themselves survive), at the limb and
// narrow boundaries of the IFMA loops, at 10^18 and at the top of 2^64.
func TestSurvivorsRanges(t *testing.T) {
	t.Parallel()
	for _, r := range []struct {
		lo, length, bound uint64
	}{
		{0, 20000, 1 << 10},
		{narrowLimit - 30000, 60000, 1 << 10},
		{1<<52 - 30000, 60000, 1 << 12},
		{1e18, 200000, 1 << 12},
		{1e18 + 1e8, 100000, 1 << 16},
		{math.MaxUint64 - 199999, 200000, 1 << 12},
	} {
		t.Run(fmt.Sprint(r.lo), func(t *testing.T) {
			checkSurvivors(t, sieveSurvivors(r.lo, r.length, r.bound))
		})
	}
}

// extraStrongLucasPlain is the extra strong Lucas test with Baillie's
// parameters for odd n below 2^32 that are not squares, in plain uint64
// arithmetic (a·b % n is exact there), sharing no code with the engine.
func extraStrongLucasPlain(n uint64) bool {
	var p uint64
	for p = 3; ; p++ {
		switch big.Jacobi(new(big.Int).SetUint64(p*p-4), new(big.Int).SetUint64(n)) {
		case 0:
			return n == p*p-4
		case -1:
		default:
			continue
		}
		break
	}
	s := 0
	d := n + 1
	for d%2 == 0 {
		d, s = d/2, s+1
	}
	sub := func(a, b uint64) uint64 { return (a + n - b%n) % n }
	// V_0 = 2, V_1 = P; (V_k, V_(k+1)) → (V_2k, V_(2k+1)) or (V_(2k+1), V_(2k+2)).
	vk, vk1 := uint64(2), p%n
	for i := 63; i >= 0; i-- {
		if d>>i&1 == 1 {
			vk, vk1 = sub(vk*vk1%n, p), sub(vk1*vk1%n, 2)
		} else {
			vk, vk1 = sub(vk*vk%n, 2), sub(vk*vk1%n, p)
		}
	}
	// U_d ≡ 0 exactly when 2·V_(d+1) ≡ P·V_d (D is prime to n).
	if (2*vk1)%n == p*vk%n && (vk == 2 || vk == n-2) {
		return true
	}
	for range s - 1 {
		if vk == 0 {
			return true
		}
		vk = sub(vk*vk%n, 2)
	}
	return false
}

// TestSurvivorsPseudoprimes checks TestSurvivors on every base-2 strong
// pseudoprime and Carmichael number of the testdata lists, and on every
// extra strong Lucas pseudoprime below 2·10^6 (OEIS A217719), which a
// plain generator finds here and checks against the published start.
func TestSurvivorsPseudoprimes(t *testing.T) {
	t.Parallel()
	var lucas []uint64
	for n := uint64(5); n < 2e6; n += 2 {
		if r := isqrt(n); r*r != n && extraStrongLucasPlain(n) && !new(big.Int).SetUint64(n).ProbablyPrime(20) {
			lucas = append(lucas, n)
		}
	}
	published := []uint64{989, 3239, 5777, 10877, 27971, 29681, 30739, 31631, 39059, 72389}
	if len(lucas) < len(published) {
		t.Fatalf("found %d extra strong Lucas pseudoprimes, want more than %d", len(lucas), len(published))
	}
	for i, n := range published {
		if lucas[i] != n {
			t.Fatalf("extra strong Lucas pseudoprime %d is %d, OEIS A217719 says %d", i+1, lucas[i], n)
		}
	}
	ns := append(testdataNumbers(t), lucas...)
	checkSurvivors(t, ns)
}

// TestSurvivorsAnyInput checks that TestSurvivors is exact on numbers a
// sieve would never hand over: every number below 20000 (evens, multiples
// of the trial primes, the primes themselves), the top of 2^64 and the
// engines' mix of every kind.
func TestSurvivorsAnyInput(t *testing.T) {
	t.Parallel()
	var ns []uint64
	for n := range uint64(20000) {
		ns = append(ns, n)
	}
	for n := uint64(math.MaxUint64); n > math.MaxUint64-3000; n-- {
		ns = append(ns, n)
	}
	ns = append(ns, engineMix(20000, 5)...)
	checkSurvivors(t, ns)
	if err := TestSurvivors(ns, make([]bool, len(ns)-1)); err == nil {
		t.Errorf("TestSurvivors with a short output: no error")
	}
}

// TestLucasParameter checks lucasParameter, with its table of the first
// symbols, against the search written out with math/big's Jacobi: every
// odd number below 300000 (every residue of the table many times over),
// random odd 64-bit numbers, the top of 2^64 and odd squares.
func TestLucasParameter(t *testing.T) {
	t.Parallel()
	reference := func(n uint64) (uint64, bool) {
		if r := isqrt(n); r*r == n {
			return 0, false
		}
		var d, m big.Int
		m.SetUint64(n)
		for p := uint64(3); ; p++ {
			switch big.Jacobi(d.SetUint64(p*p-4), &m) {
			case -1:
				return p, true
			case 0:
				return 0, false
			}
		}
	}
	var ns []uint64
	for n := uint64(5); n < 300000; n += 2 {
		ns = append(ns, n)
	}
	r := rand.New(rand.NewPCG(13, 13))
	for range 200000 {
		ns = append(ns, r.Uint64()|1)
	}
	for n := uint64(math.MaxUint64); n > math.MaxUint64-20000; n -= 2 {
		ns = append(ns, n)
	}
	for range 2000 {
		q := r.Uint64N(1<<32) | 1
		ns = append(ns, q*q)
	}
	bad := 0
	for _, n := range ns {
		p, ok := lucasParameter(n)
		if wp, wok := reference(n); p != wp || ok != wok {
			if bad++; bad <= 10 {
				t.Errorf("lucasParameter(%d) = %d, %v; the search with math/big gives %d, %v", n, p, ok, wp, wok)
			}
		}
	}
}
