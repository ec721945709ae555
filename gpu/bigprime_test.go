package gpu_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/kernels"
)

func pow2(e int) *big.Int { return new(big.Int).Lsh(big.NewInt(1), uint(e)) }

// randomBits returns an odd number of exactly bits bits.
func randomBits(r *rand.Rand, bits int) *big.Int {
	n := new(big.Int)
	for n.BitLen() < bits {
		n.Lsh(n, 32).Or(n, big.NewInt(int64(r.Uint32())))
	}
	n.Rsh(n, uint(n.BitLen()-bits))
	n.SetBit(n, bits-1, 1)
	return n.SetBit(n, 0, 1)
}

func randomPrime(r *rand.Rand, bits int) *big.Int {
	for {
		if p := randomBits(r, bits); p.ProbablyPrime(20) {
			return p
		}
	}
}

type bigCase struct {
	what string
	n    *big.Int
}

// bigHardCases are numbers above 2^64 that reach the later passes or sit
// where the limb arithmetic changes size, up to maxBits bits:
// composite Mersenne numbers of prime exponent and Fermat numbers (strong
// base-2 pseudoprimes, which only the Lucas test rejects), Mersenne
// primes, k·2^m ± 1, Chernick's Carmichael numbers (6k+1)(12k+1)(18k+1),
// the strong pseudoprimes to the first 12 and 13 prime bases ψ12 and ψ13,
// products of two primes of equal size, squares of primes (no Lucas
// parameter at all), and both ends of every size class.
func bigHardCases(maxBits int) []bigCase {
	var cs []bigCase
	add := func(what string, n *big.Int) {
		if n.BitLen() > 64 && n.BitLen() <= maxBits {
			cs = append(cs, bigCase{what, n})
		}
	}
	one := big.NewInt(1)
	for p := 65; p <= 620; p++ {
		if big.NewInt(int64(p)).ProbablyPrime(0) {
			add(fmt.Sprintf("2^%d-1", p), new(big.Int).Sub(pow2(p), one))
		}
	}
	for _, p := range []int{1279, 2203, 2281, 3217, 4093} {
		add(fmt.Sprintf("2^%d-1", p), new(big.Int).Sub(pow2(p), one))
	}
	for m := 7; m <= 12; m++ {
		add(fmt.Sprintf("F%d", m), new(big.Int).Add(pow2(1<<m), one))
	}
	for _, m := range []int{64, 65, 127, 128, 191, 192, 255, 256, 383, 384, 511, 512, 1023, 1024} {
		for k := 1; k < 40; k += 2 {
			km := new(big.Int).Mul(big.NewInt(int64(k)), pow2(m))
			add(fmt.Sprintf("%d*2^%d+1", k, m), new(big.Int).Add(km, one))
			add(fmt.Sprintf("%d*2^%d-1", k, m), new(big.Int).Sub(km, one))
		}
	}
	for _, kbits := range []int{22, 32, 48, 64, 100} {
		k := pow2(kbits - 1)
		for found := 0; found < 3; {
			k.Add(k, one)
			f1 := new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(6)), one)
			f2 := new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(12)), one)
			f3 := new(big.Int).Add(new(big.Int).Mul(k, big.NewInt(18)), one)
			if !f1.ProbablyPrime(10) || !f2.ProbablyPrime(10) || !f3.ProbablyPrime(10) {
				continue
			}
			n := new(big.Int).Mul(f1, f2)
			add(fmt.Sprintf("Chernick k=%d", k), n.Mul(n, f3))
			found++
		}
	}
	for _, s := range []string{"318665857834031151167461", "3317044064679887385961981"} {
		n, _ := new(big.Int).SetString(s, 10)
		add("spsp to many bases "+s, n)
	}
	r := rand.New(rand.NewPCG(16, 64))
	for _, bits := range []int{66, 128, 130, 192, 256, 384, 512, 1024, 2048} {
		for range 2 {
			p := randomPrime(r, bits/2)
			add(fmt.Sprintf("p*q, %d bits", bits), new(big.Int).Mul(p, randomPrime(r, bits/2)))
			add(fmt.Sprintf("p^2, %d bits", bits), new(big.Int).Mul(p, p))
		}
	}
	prev := 64
	for _, b := range kernels.BigPrimeClasses {
		for j := int64(1); j < 60; j += 2 {
			add(fmt.Sprintf("2^%d+%d", prev, j), new(big.Int).Add(pow2(prev), big.NewInt(j)))
			add(fmt.Sprintf("2^%d-%d", b, j), new(big.Int).Sub(pow2(b), big.NewInt(j)))
		}
		prev = b
	}
	return cs
}

// bigRandom returns per random odd numbers of each size class's top size
// and of a size in between, and per primes of a few sizes.
func bigRandom(per, maxBits int) []bigCase {
	r := rand.New(rand.NewPCG(1, 16))
	var cs []bigCase
	prev := 65
	for _, b := range kernels.BigPrimeClasses {
		if b > maxBits {
			break
		}
		for range per {
			for _, bits := range []int{b, prev + r.IntN(b-prev+1)} {
				cs = append(cs, bigCase{fmt.Sprintf("random %d bits", bits), randomBits(r, bits)})
			}
		}
		if b <= 512 {
			for range 3 {
				cs = append(cs, bigCase{fmt.Sprintf("prime of %d bits", b), randomPrime(r, b)})
			}
		}
		prev = b + 1
	}
	return cs
}

func checkBig(t *testing.T, test func([]*big.Int, []bool) error, cs []bigCase) {
	t.Helper()
	ns := make([]*big.Int, len(cs))
	for i, c := range cs {
		ns[i] = c.n
	}
	got := make([]bool, len(ns))
	if err := test(ns, got); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, c := range cs {
		if want := c.n.ProbablyPrime(0); got[i] != want {
			if bad++; bad <= 10 {
				t.Errorf("%s (%d bits): GPU says %v, math/big %v", c.what, c.n.BitLen(), got[i], want)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d verdicts differ from math/big's", bad, len(cs))
	}
}

// TestBigPrimeEngineEmulated holds the kernels of every size class,
// through the engine on the emulated driver, to math/big's
// ProbablyPrime(0) on random numbers and the hard cases, in one batch of
// mixed sizes (grouping and reordering) with a device small enough that a
// class takes several chunks.
func TestBigPrimeEngineEmulated(t *testing.T) {
	maxBits := 4096
	if testing.Short() {
		maxBits = 1024
	}
	cs := append(bigHardCases(maxBits), bigRandom(6, maxBits)...)
	// Mix the sizes so that the engine's grouping by class and the
	// return to input order are exercised.
	rand.New(rand.NewPCG(2, 3)).Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	e, err := gpu.NewBigPrimeEngine(&launchLimits{Driver: &emu.Driver{Memory: 256 << 10}, t: t}, 0, 8<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	checkBig(t, e.TestBig, cs)
	if e.Timings.Chunks <= len(kernels.BigPrimeClasses) {
		t.Errorf("%d chunks: the test means to force several per class", e.Timings.Chunks)
	}
	// A square is left to the host only if it passes the base-2 test,
	// which takes a Wieferich prime squared: none of these does.
	if e.Undecided != 0 {
		t.Errorf("%d numbers left to the host", e.Undecided)
	}
}

// TestBigPrimeDevicesEmulated: two emulated devices share a batch.
func TestBigPrimeDevicesEmulated(t *testing.T) {
	cs := append(bigHardCases(512), bigRandom(20, 512)...)
	drv := newPerDevice(t, 256<<10, 256<<10)
	drv.meetAtFirstLaunch(0, 1)
	p, err := gpu.NewBigPrimeDevices(drv, nil, 4<<10)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	checkBig(t, p.TestBig, cs)
	for _, e := range p.Engines {
		if e.Timings.Chunks == 0 {
			t.Errorf("device %d took no chunk", e.Device())
		}
	}
}

func TestBigPrimeEngineRefuses(t *testing.T) {
	e, err := gpu.NewBigPrimeEngine(&emu.Driver{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, c := range []struct {
		n    *big.Int
		want string
	}{
		{new(big.Int).Sub(pow2(64), big.NewInt(1)), "below 2^64"},
		{big.NewInt(-5), "below 2^64"},
		{new(big.Int).Add(pow2(4096), big.NewInt(1)), "4097 bits"},
	} {
		err := e.TestBig([]*big.Int{pow2(70), c.n}, make([]bool, 2))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "number 2") {
			t.Errorf("%v: error %v, want one naming number 2 and %q", c.n, err, c.want)
		}
	}
	if err := e.TestBig([]*big.Int{pow2(70)}, nil); err == nil {
		t.Error("no room for verdicts: no error")
	}
	if err := e.TestBig(nil, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}
