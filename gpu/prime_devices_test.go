package gpu_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/numbers"
)

// perDevice is a gpu.Driver that passes everything to another, counts each
// device's launches, and can lose a device: after lose.after launches on
// device lose.device, every launch and synchronisation there fails, as on
// a GPU that fell off the bus.
type perDevice struct {
	gpu.Driver
	lose struct{ device, after int }

	mu       sync.Mutex
	launches map[int]int

	// With meet set, each device of it waits at its first launch until
	// all have reached theirs (a minute at most), so that a test that
	// every device takes chunks does not hang on the scheduler of a loaded
	// machine, where one device could drain the queue before another
	// starts.
	meet    map[int]bool
	arrived map[int]bool
	met     chan struct{}
}

func allDevices(k int) []int {
	ds := make([]int, k)
	for i := range ds {
		ds[i] = i
	}
	return ds
}

// meetAtFirstLaunch makes devices wait for each other at their first launch.
func (d *perDevice) meetAtFirstLaunch(devices ...int) {
	d.meet, d.arrived, d.met = map[int]bool{}, map[int]bool{}, make(chan struct{})
	for _, dev := range devices {
		d.meet[dev] = true
	}
}

func (d *perDevice) meetAt(device int) {
	d.mu.Lock()
	if !d.meet[device] || d.arrived[device] {
		d.mu.Unlock()
		return
	}
	d.arrived[device] = true
	if len(d.arrived) == len(d.meet) {
		close(d.met)
	}
	d.mu.Unlock()
	select {
	case <-d.met:
	case <-time.After(time.Minute):
	}
}

func newPerDevice(t *testing.T, memories ...int64) *perDevice {
	d := &perDevice{Driver: &launchLimits{Driver: &emu.Driver{Memories: memories}, t: t}, launches: map[int]int{}}
	d.lose.device = -1
	return d
}

var errLost = errors.New("device lost (test)")

func (d *perDevice) Open(device int) (gpu.Context, error) {
	c, err := d.Driver.Open(device)
	if err != nil {
		return nil, err
	}
	return deviceContext{c, d, device}, nil
}

// lost reports whether device is gone, counting a launch first if launch.
func (d *perDevice) lost(device int, launch bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if launch {
		d.launches[device]++
	}
	return device == d.lose.device && d.launches[device] > d.lose.after
}

type deviceContext struct {
	gpu.Context
	d      *perDevice
	device int
}

func (c deviceContext) NewStream() (gpu.Stream, error) {
	s, err := c.Context.NewStream()
	if err != nil {
		return nil, err
	}
	return deviceStream{s, c.d, c.device}, nil
}

type deviceStream struct {
	gpu.Stream
	d      *perDevice
	device int
}

func (s deviceStream) Launch(f gpu.Function, grid, block gpu.Dim3, args []unsafe.Pointer) error {
	s.d.meetAt(s.device)
	if s.d.lost(s.device, true) {
		return errLost
	}
	return s.Stream.Launch(f, grid, block, args)
}

func (s deviceStream) Synchronize() error {
	if err := s.Stream.Synchronize(); err != nil {
		return err
	}
	if s.d.lost(s.device, false) {
		return errLost
	}
	return nil
}

// hardNumbers are the kinds of numbers the CPU tests use, with random odd
// 64-bit ones.
func hardNumbers(t *testing.T, random int) []uint64 {
	ns := numbers.Odd64(random, 5)
	for i := uint64(0); i < 2000; i++ {
		ns = append(ns, i, ^uint64(0)-i, 1<<63+i, 1<<32+i)
	}
	for _, f := range []string{"spsp2_below_1e8.txt", "carmichael_below_1e8.txt", "spsp_large.txt"} {
		ns = append(ns, listed(t, f)...)
	}
	return ns
}

func checkVerdicts(t *testing.T, what string, ns []uint64, got []bool) {
	t.Helper()
	want := make([]bool, len(ns))
	prime.Serial{}.TestPrimes(ns, want)
	for i, n := range ns {
		if got[i] != want[i] {
			t.Fatalf("%s: %d: GPU engine (emulated) says %v, CPU %v", what, n, got[i], want[i])
		}
	}
}

// TestPrimeDevicesEmulated: one batch on 1, 2 and 4 emulated devices of
// different memory sizes (so of different chunk sizes) gives the CPU's
// verdicts, for numbers from the host and for a range made on the device,
// and every device takes part.
func TestPrimeDevicesEmulated(t *testing.T) {
	ns := hardNumbers(t, 30000)
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
			if len(p.Engines) != k {
				t.Fatalf("%d engines on %d devices", len(p.Engines), k)
			}
			got := make([]bool, len(ns))
			if err := p.TestPrimes(ns, got); err != nil {
				t.Fatal(err)
			}
			checkVerdicts(t, "numbers", ns, got)
			for d := range k {
				if drv.launches[d] == 0 {
					t.Errorf("device %d ran nothing: %v", d, drv.launches)
				}
			}
			for _, first := range []uint64{0, 1<<63 - 5000, ^uint64(0) - 9999} {
				out := make([]bool, 10000)
				if err := p.TestRange(first, out); err != nil {
					t.Fatal(err)
				}
				rs := make([]uint64, len(out))
				for i := range rs {
					rs[i] = first + uint64(i)
				}
				checkVerdicts(t, fmt.Sprintf("range from %d", first), rs, out)
			}
			if p.Timings.Chunks == 0 || p.Timings.Kernel <= 0 {
				t.Errorf("timings %+v", p.Timings)
			}
		})
	}
}

func TestPrimeRangePastTheEnd(t *testing.T) {
	e, err := gpu.NewPrimeEngine(&emu.Driver{}, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.TestRange(^uint64(0)-5, make([]bool, 7)); err == nil || !strings.Contains(err.Error(), "passes 2^64") {
		t.Errorf("a range past 2^64−1: %v", err)
	}
}

// TestPrimeDevicesLoseOne: a device that fails mid-batch is dropped, its
// chunks are tested on the others (the verdicts are the CPU's), Lost hears
// of it, and the next batch runs without it; when the last device fails,
// the batch fails naming every device's error.
func TestPrimeDevicesLoseOne(t *testing.T) {
	ns := hardNumbers(t, 30000)
	drv := newPerDevice(t, 64<<10, 128<<10, 48<<10)
	drv.lose.device, drv.lose.after = 1, 1 // mid-chunk: its first chunk's second pass
	// Device 1 must take a chunk: on a loaded machine the others drained
	// the queue before it started, and none was lost (CI at 30c0707).
	drv.meetAtFirstLaunch(0, 1, 2)
	p, err := gpu.NewPrimeDevices(drv, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var lost []int
	p.Lost = func(device int, err error) {
		if !errors.Is(err, errLost) {
			t.Errorf("device %d lost with %v", device, err)
		}
		lost = append(lost, device)
	}
	got := make([]bool, len(ns))
	if err := p.TestPrimes(ns, got); err != nil {
		t.Fatal(err)
	}
	checkVerdicts(t, "a device lost", ns, got)
	if len(lost) != 1 || lost[0] != 1 {
		t.Fatalf("devices reported lost: %v, want [1]", lost)
	}
	before := drv.launches[1]
	clear(got)
	if err := p.TestPrimes(ns, got); err != nil {
		t.Fatal(err)
	}
	checkVerdicts(t, "after the loss", ns, got)
	if drv.launches[1] != before {
		t.Errorf("the lost device was given work again")
	}

	// Every device lost: the batch fails, naming each.
	one := newPerDevice(t, 64<<10)
	one.lose.device, one.lose.after = 0, 4
	q, err := gpu.NewPrimeDevices(one, []int{0}, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.TestPrimes(ns, make([]bool, len(ns))); !errors.Is(err, errLost) {
		t.Errorf("the only device lost: %v", err)
	}
}

func TestPrimeDevicesChoice(t *testing.T) {
	drv := newPerDevice(t, 64<<10, 128<<10, 48<<10)
	drv.meetAtFirstLaunch(0, 2)
	p, err := gpu.NewPrimeDevices(drv, []int{2, 0}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ns := numbers.Odd64(100000, 3)
	got := make([]bool, len(ns))
	if err := p.TestPrimes(ns, got); err != nil {
		t.Fatal(err)
	}
	p.Close()
	checkVerdicts(t, "devices 2,0", ns, got)
	if drv.launches[1] != 0 || drv.launches[0] == 0 || drv.launches[2] == 0 {
		t.Errorf("launches per device %v: want devices 0 and 2 only", drv.launches)
	}
	if _, err := gpu.NewPrimeDevices(drv, []int{3}, 0); err == nil || !strings.Contains(err.Error(), "no device 3") {
		t.Errorf("device 3 of 3: %v", err)
	}
}
