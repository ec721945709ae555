package prime_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/corescale/corescale/cpu/prime"
)

// factorPath is GNU coreutils factor, the first oracle of TestOracleFactor.
const factorPath = "/usr/bin/factor"

// factorBatch is how many numbers one run of factor reads from stdin.
const factorBatch = 50000

// oracleClass is one kind of number in the oracle set.
type oracleClass struct {
	name string
	ns   []uint64
}

// oracleSets builds the numbers TestOracleFactor checks, class by class, from
// fixed seeds. scale divides the sizes of the large classes (1 normally, 10
// with -short).
//
// The slow class for factor is the semiprime with two factors near 2^32
// (Pollard rho needs about 2^16 steps): about 1 ms each on this machine, as
// are squares of primes near 2^32. Everything else costs tens of
// microseconds. The sizes below keep factor's total near 12 s of CPU, which
// the test spreads over the cores.
func oracleSets(t *testing.T, scale int) []oracleClass {
	r := rand.New(rand.NewPCG(20240601, 1))
	var sets []oracleClass
	add := func(name string, ns []uint64) {
		sets = append(sets, oracleClass{name, ns})
	}

	// Every n below 100000, whatever the scale.
	small := make([]uint64, 100000)
	for i := range small {
		small[i] = uint64(i)
	}
	add("all below 100000", small)

	add("random 32-bit", fill(60000/scale, func() uint64 { return uint64(r.Uint32()) }))
	add("random 64-bit", fill(60000/scale, r.Uint64))
	add("random odd 64-bit, top bit set", fill(30000/scale, func() uint64 { return r.Uint64() | 1<<63 | 1 }))
	add("random of random length", fill(30000/scale, func() uint64 { return r.Uint64() >> r.IntN(64) }))

	near64 := make([]uint64, 0, 5000/scale)
	for i := range uint64(cap(near64)) {
		near64 = append(near64, math.MaxUint64-i)
	}
	add("2^64-1 downwards", near64)

	near63 := make([]uint64, 0, 6000/scale)
	for i := range uint64(cap(near63)) {
		near63 = append(near63, 1<<63-uint64(cap(near63)/2)+i)
	}
	add("around 2^63", near63)

	// Primes just below and just above 2^32, from a sieve of that segment.
	below, above := segmentPrimes(1<<32-1<<25, 1<<32), segmentPrimes(1<<32, 1<<32+1<<24)
	if len(below) < 100000 || len(above) < 100000 {
		t.Fatalf("segment sieve found only %d and %d primes around 2^32", len(below), len(above))
	}
	pick := func(ps []uint64) uint64 { return ps[r.IntN(len(ps))] }

	var semi []uint64
	for len(semi) < 5000/scale {
		p, q := pick(below), pick(below)
		if r.IntN(4) == 0 {
			// One factor above 2^32: the product stays below 2^64 when the
			// other is further below than this one is above.
			p = pick(above)
		}
		if hi, lo := bits.Mul64(p, q); hi == 0 {
			semi = append(semi, lo)
		}
	}
	add("p·q, both near 2^32", semi)

	var squares []uint64
	for range 2000 / scale {
		p := pick(below)
		squares = append(squares, p*p)
	}
	for range 2000 / scale {
		p := randomPrime(r, 2+r.IntN(31))
		squares = append(squares, p*p)
	}
	add("squares of primes", squares)

	var powers []uint64
	for range 1000 / scale {
		p := randomPrime(r, 2+r.IntN(20))
		for n := p * p * p; ; {
			powers = append(powers, n)
			hi, lo := bits.Mul64(n, p)
			if hi != 0 {
				break
			}
			n = lo
		}
	}
	add("prime powers", powers)

	var unbalanced []uint64
	for range 4000 / scale {
		var p uint64
		switch r.IntN(3) {
		case 0:
			p = randomPrime(r, 2+r.IntN(7)) // up to 8 bits
		case 1:
			p = randomPrime(r, 9+r.IntN(8)) // 9 to 16 bits
		default:
			p = randomPrime(r, 17+r.IntN(8)) // 17 to 24 bits
		}
		qbits := 64 - bits.Len64(p)
		q := randomPrime(r, qbits)
		if hi, lo := bits.Mul64(p, q); hi == 0 {
			unbalanced = append(unbalanced, lo)
		}
	}
	add("p·q, p small, q large", unbalanced)

	var triples []uint64
	for range 2000 / scale {
		a, b, c := randomPrime(r, 21), randomPrime(r, 21), randomPrime(r, 21)
		triples = append(triples, a*b*c)
	}
	add("p·q·r, 21 bits each", triples)

	var proth, riesel []uint64
	for k := uint64(1); k < 2000; k += 2 {
		for m := 1; m < 64 && k < 1<<(64-m); m++ {
			proth = append(proth, k<<m+1)
			riesel = append(riesel, k<<m-1)
		}
	}
	if scale > 1 {
		proth, riesel = sample(r, proth, len(proth)/scale), sample(r, riesel, len(riesel)/scale)
	}
	add("k·2^m+1, odd k < 2000", proth)
	add("k·2^m-1, odd k < 2000", riesel)

	var pow2 []uint64
	for m := 2; m <= 64; m++ {
		for d := -300; d <= 300; d++ {
			if m == 64 && d >= 0 {
				break
			}
			var base uint64 // 2^64 wraps to 0, and d < 0 brings it back
			if m < 64 {
				base = 1 << m
			}
			if d < 0 && m < 64 && uint64(-d) > base {
				continue
			}
			pow2 = append(pow2, base+uint64(int64(d)))
		}
	}
	add("2^m ± 300", pow2)

	return sets
}

func fill(n int, next func() uint64) []uint64 {
	ns := make([]uint64, n)
	for i := range ns {
		ns[i] = next()
	}
	return ns
}

// sample returns k elements of ns chosen at random.
func sample(r *rand.Rand, ns []uint64, k int) []uint64 {
	r.Shuffle(len(ns), func(i, j int) { ns[i], ns[j] = ns[j], ns[i] })
	return ns[:k]
}

// randomPrime returns a random prime of exactly b bits (2 ≤ b ≤ 64), found
// with math/big, whose ProbablyPrime(0) is exact below 2^64.
func randomPrime(r *rand.Rand, b int) uint64 {
	var x big.Int
	for {
		n := r.Uint64()>>(64-b) | 1<<(b-1)
		if b > 2 {
			n |= 1
		}
		if x.SetUint64(n).ProbablyPrime(0) {
			return n
		}
	}
}

// segmentPrimes returns the primes in [lo, hi) for hi ≤ 2^33 by a sieve of
// the segment with the primes up to √hi.
func segmentPrimes(lo, hi uint64) []uint64 {
	root := uint64(math.Sqrt(float64(hi))) + 1
	small := make([]bool, root+1)
	composite := make([]bool, hi-lo)
	for p := uint64(2); p <= root; p++ {
		if small[p] {
			continue
		}
		for m := p * p; m <= root; m += p {
			small[m] = true
		}
		start := max(p*p, (lo+p-1)/p*p)
		for m := start; m < hi; m += p {
			composite[m-lo] = true
		}
	}
	var ps []uint64
	for i, c := range composite {
		if !c && lo+uint64(i) >= 2 {
			ps = append(ps, lo+uint64(i))
		}
	}
	return ps
}

// runFactor runs GNU factor on ns through stdin and returns, for each
// number, whether factor printed exactly one factor equal to it. It checks
// that every line names its number and that the factors multiply to it, so
// a misread line cannot pass for a verdict.
func runFactor(ns []uint64) ([]bool, error) {
	var in bytes.Buffer
	in.Grow(len(ns) * 21)
	for _, n := range ns {
		in.Write(strconv.AppendUint(nil, n, 10))
		in.WriteByte('\n')
	}
	cmd := exec.Command(factorPath)
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("factor: %v: %s", err, stderr.Bytes())
	}
	verdicts := make([]bool, 0, len(ns))
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		i := len(verdicts)
		if i >= len(ns) {
			return nil, fmt.Errorf("factor printed more than %d lines", len(ns))
		}
		prime, err := parseFactorLine(sc.Text(), ns[i])
		if err != nil {
			return nil, err
		}
		verdicts = append(verdicts, prime)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(verdicts) != len(ns) {
		return nil, fmt.Errorf("factor printed %d lines for %d numbers", len(verdicts), len(ns))
	}
	return verdicts, nil
}

// parseFactorLine reads factor's "n: f1 f2 …" for n and reports whether n
// is prime: exactly one factor, equal to n.
func parseFactorLine(line string, n uint64) (bool, error) {
	head, rest, ok := strings.Cut(line, ":")
	if !ok || head != strconv.FormatUint(n, 10) {
		return false, fmt.Errorf("factor line %q, want one for %d", line, n)
	}
	fields := strings.Fields(rest)
	product := new(big.Int).SetUint64(1)
	var f big.Int
	for _, s := range fields {
		if _, ok := f.SetString(s, 10); !ok {
			return false, fmt.Errorf("factor line %q: bad factor %q", line, s)
		}
		product.Mul(product, &f)
	}
	if n >= 2 && (!product.IsUint64() || product.Uint64() != n) {
		return false, fmt.Errorf("factor line %q: factors multiply to %v", line, product)
	}
	return len(fields) == 1 && fields[0] == head, nil
}

// TestOracleFactor checks every verdict of the engines against GNU factor and
// against math/big's ProbablyPrime(0) (Baillie–PSW, documented exact below
// 2^64) on a few hundred thousand numbers of every kind. factor runs in
// batches on all cores while the engines and math/big work.
func TestOracleFactor(t *testing.T) {
	if _, err := os.Stat(factorPath); err != nil {
		t.Skipf("GNU factor is not installed: %v", err)
	}
	t.Parallel()
	scale := 1
	if testing.Short() {
		scale = 10
	}
	start := time.Now()
	sets := oracleSets(t, scale)
	sets = append(sets, oracleClass{"published pseudoprimes", listedPseudoprimes(t)})

	var all []uint64
	var class []int // index into sets of each number of all
	for c, s := range sets {
		all = append(all, s.ns...)
		for range s.ns {
			class = append(class, c)
		}
	}

	built := time.Now()

	// Batches take every nb-th number, so each holds its share of the slow
	// classes and the runs of factor take about as long as each other.
	nb := (len(all) + factorBatch - 1) / factorBatch
	factorSays := make([]bool, len(all))
	errs := make([]error, nb)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for b := range nb {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var batch []uint64
			for i := b; i < len(all); i += nb {
				batch = append(batch, all[i])
			}
			v, err := runFactor(batch)
			if err != nil {
				errs[b] = err
				return
			}
			for j, i := 0, b; i < len(all); j, i = j+1, i+nb {
				factorSays[i] = v[j]
			}
		})
	}

	// Meanwhile: the engines and math/big.
	isPrime := make([]bool, len(all))
	for i, n := range all {
		isPrime[i] = prime.IsPrime(n)
	}
	serial := make([]bool, len(all))
	if err := (prime.Serial{}).TestPrimes(all, serial); err != nil {
		t.Fatal(err)
	}
	parallel := make([]bool, len(all))
	if err := (prime.Parallel{Workers: 2}).TestPrimes(all, parallel); err != nil {
		t.Fatal(err)
	}
	bigSays := make([]bool, len(all))
	var x big.Int
	for i, n := range all {
		bigSays[i] = x.SetUint64(n).ProbablyPrime(0)
	}
	computed := time.Now()
	wg.Wait()
	t.Logf("sets built in %v; engines and math/big took %v; factor finished %v later",
		built.Sub(start).Round(time.Millisecond), computed.Sub(built).Round(time.Millisecond),
		time.Since(computed).Round(time.Millisecond))
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	bad := make([]int, len(sets))
	primes := make([]int, len(sets))
	for i, n := range all {
		c := class[i]
		if factorSays[i] {
			primes[c]++
		}
		if isPrime[i] == factorSays[i] && serial[i] == factorSays[i] &&
			parallel[i] == factorSays[i] && bigSays[i] == factorSays[i] {
			continue
		}
		if bad[c]++; bad[c] <= 10 {
			t.Errorf("%s: %d: factor says prime=%v, IsPrime %v, Serial %v, Parallel %v, math/big %v",
				sets[c].name, n, factorSays[i], isPrime[i], serial[i], parallel[i], bigSays[i])
		}
	}
	for c, s := range sets {
		t.Logf("%-32s %7d numbers, %6d prime, %d wrong", s.name, len(s.ns), primes[c], bad[c])
	}
	t.Logf("%d numbers in %d runs of factor", len(all), nb)

	// Sanity of the sets themselves: the classes that are composite by
	// construction must be, and the others must hold primes to test.
	for c, s := range sets {
		composite := strings.HasPrefix(s.name, "p·q") || strings.HasPrefix(s.name, "squares") ||
			strings.HasPrefix(s.name, "prime powers") || strings.HasPrefix(s.name, "published")
		switch {
		case composite && primes[c] != 0:
			t.Errorf("%s: %d primes in a class of composites", s.name, primes[c])
		case !composite && primes[c] == 0:
			t.Errorf("%s: no primes among %d numbers", s.name, len(s.ns))
		}
	}
}
