package gpu_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/numbers"
	"github.com/corescale/corescale/internal/shard"
)

// oddNumbersStream is numbers.NewOddNumbers' second PCG seed.
const oddNumbersStream = 0x636f72657363616c

// randomRun returns the run of --random numbers of bits bits and seed
// from its skip-th on, and those numbers as the CPU draws them.
func randomRun(t *testing.T, bits int, seed, skip uint64, n int) (gpu.RandomRun, []uint64) {
	t.Helper()
	p := rand.NewPCG(seed, oddNumbersStream)
	if err := shard.Skip(p, skip, 1); err != nil {
		t.Fatal(err)
	}
	hi, lo, err := shard.PCGState(p)
	if err != nil {
		t.Fatal(err)
	}
	ns := make([]uint64, n)
	if skip > 1<<20 {
		// Too far to draw up to: the jumped PCG (shard.Skip is tested to
		// equal drawing) drawn as numbers.OddNumbers draws.
		r := rand.New(p)
		for i := range ns {
			ns[i] = r.Uint64()>>(64-bits) | 1<<(bits-1) | 1
		}
		return gpu.RandomRun{Hi: hi, Lo: lo, Bits: bits}, ns
	}
	g, err := numbers.NewOddNumbers(bits, seed)
	if err != nil {
		t.Fatal(err)
	}
	for range skip {
		g.Uint64()
	}
	for i := range ns {
		ns[i] = g.Uint64()
	}
	return gpu.RandomRun{Hi: hi, Lo: lo, Bits: bits}, ns
}

// TestRandomRunNumber: the host's reference of the device's draw is the
// CPU's --random sequence, number by number.
func TestRandomRunNumber(t *testing.T) {
	for _, bits := range []int{2, 3, 17, 33, 63, 64} {
		run, ns := randomRun(t, bits, 9, 1000, 300)
		for i, want := range ns {
			if got := run.Number(uint64(i)); got != want {
				t.Fatalf("%d bits: number %d is %#x, the CPU draws %#x", bits, i, got, want)
			}
		}
	}
}

// TestPrimeDevicesRandom: random numbers drawn on 1, 2 and 4 emulated
// devices get the CPU's verdicts for the CPU's numbers, from the first
// number or from the middle of the sequence (a shard's part). A number
// drawn wrongly would put primes where the CPU has none: among 30,000
// 64-bit draws about 1,400 are prime.
func TestPrimeDevicesRandom(t *testing.T) {
	sizes := []int64{64 << 10, 128 << 10, 48 << 10, 256 << 10}
	for _, k := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("%d devices", k), func(t *testing.T) {
			drv := newPerDevice(t, sizes[:k]...)
			drv.meetAtFirstLaunch(allDevices(k)...)
			p, err := gpu.NewPrimeDevices(drv, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			for _, c := range []struct {
				bits       int
				seed, skip uint64
				n          int
			}{{64, 1, 0, 30000}, {64, 7, 123457, 20001}, {40, 3, 5, 10000}, {12, 2, 0, 5000}, {2, 4, 0, 33}, {63, 5, 1 << 40, 1000}} {
				run, ns := randomRun(t, c.bits, c.seed, c.skip, c.n)
				got := make([]bool, c.n)
				if err := p.TestRandom(run, got); err != nil {
					t.Fatal(err)
				}
				checkVerdicts(t, fmt.Sprintf("%d random %d-bit numbers, seed %d, from %d", c.n, c.bits, c.seed, c.skip), ns, got)
			}
			for d := range k {
				if drv.launches[d] == 0 {
					t.Errorf("device %d ran nothing: %v", d, drv.launches)
				}
			}
		})
	}
}

// TestPrimeDevicesRandomLoseOne: the chunks of a random run that a lost
// device had not delivered are drawn again, from their own place in the
// sequence, on the others.
func TestPrimeDevicesRandomLoseOne(t *testing.T) {
	drv := newPerDevice(t, 64<<10, 128<<10, 48<<10)
	drv.lose.device, drv.lose.after = 1, 1
	p, err := gpu.NewPrimeDevices(drv, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	run, ns := randomRun(t, 64, 11, 77, 40000)
	got := make([]bool, len(ns))
	if err := p.TestRandom(run, got); err != nil {
		t.Fatal(err)
	}
	checkVerdicts(t, "random numbers, a device lost", ns, got)
}

func TestPrimeRandomBits(t *testing.T) {
	e, err := gpu.NewPrimeEngine(&emu.Driver{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, bits := range []int{0, 1, 65} {
		if err := e.TestRandom(gpu.RandomRun{Bits: bits}, make([]bool, 3)); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d bits", bits)) {
			t.Errorf("%d bits: %v", bits, err)
		}
	}
}

// TestPrimeDevicesEachTimings: each device's timings count the numbers it
// tested, which add up to the batch, and ClearTimings starts them again.
func TestPrimeDevicesEachTimings(t *testing.T) {
	drv := newPerDevice(t, 64<<10, 128<<10, 48<<10)
	p, err := gpu.NewPrimeDevices(drv, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ns := numbers.Odd64(50000, 1)
	if err := p.TestPrimes(ns, make([]bool, len(ns))); err != nil {
		t.Fatal(err)
	}
	devices, each := p.EachDevice()
	if fmt.Sprint(devices) != "[0 1 2]" || len(each) != 3 {
		t.Fatalf("devices %v, %d timings", devices, len(each))
	}
	items := 0
	for d, tm := range each {
		if tm.Items == 0 || tm.Chunks == 0 || tm.Kernel <= 0 {
			t.Errorf("device %d: %+v", d, tm)
		}
		items += tm.Items
	}
	if items != len(ns) || p.Timings.Items != len(ns) {
		t.Errorf("the devices' numbers add up to %d (sum %d), the batch held %d", items, p.Timings.Items, len(ns))
	}
	p.ClearTimings()
	if _, each := p.EachDevice(); each[0] != (gpu.Timings{}) || p.Timings != (gpu.Timings{}) {
		t.Errorf("after ClearTimings: %+v, %+v", each[0], p.Timings)
	}
}
