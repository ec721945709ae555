package gpu_test

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/primecases"
	"github.com/corescale/corescale/kernels"
)

type bigCase = primecases.Case

// bigHardCases are primecases.Hard up to maxBits bits, with the numbers
// around 2^64 and each size class's top, where the kernels change limb
// counts.
func bigHardCases(maxBits int) []bigCase {
	return primecases.Hard(maxBits, append([]int{64}, kernels.BigPrimeClasses...))
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
				cs = append(cs, bigCase{What: fmt.Sprintf("random %d bits", bits), N: primecases.RandomOdd(r, bits)})
			}
		}
		if b <= 512 {
			for range 3 {
				cs = append(cs, bigCase{What: fmt.Sprintf("prime of %d bits", b), N: primecases.RandomPrime(r, b)})
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
		ns[i] = c.N
	}
	got := make([]bool, len(ns))
	if err := test(ns, got); err != nil {
		t.Fatal(err)
	}
	bad := 0
	for i, c := range cs {
		if want := c.N.ProbablyPrime(0); got[i] != want {
			if bad++; bad <= 10 {
				t.Errorf("%s (%d bits): GPU says %v, math/big %v", c.What, c.N.BitLen(), got[i], want)
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
		{new(big.Int).Sub(primecases.Pow2(64), big.NewInt(1)), "below 2^64"},
		{big.NewInt(-5), "below 2^64"},
		{new(big.Int).Add(primecases.Pow2(4096), big.NewInt(1)), "4097 bits"},
	} {
		err := e.TestBig([]*big.Int{primecases.Pow2(70), c.n}, make([]bool, 2))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "number 2") {
			t.Errorf("%v: error %v, want one naming number 2 and %q", c.n, err, c.want)
		}
	}
	if err := e.TestBig([]*big.Int{primecases.Pow2(70)}, nil); err == nil {
		t.Error("no room for verdicts: no error")
	}
	if err := e.TestBig(nil, nil); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}
