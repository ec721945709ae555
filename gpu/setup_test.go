package gpu_test

import (
	"errors"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// lostCalls records what a multi-device engine's Lost hears.
type lostCalls struct {
	mu      sync.Mutex
	devices []int
	errs    []error
}

func (l *lostCalls) lost(device int, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.devices = append(l.devices, device)
	l.errs = append(l.errs, err)
}

// check wants device told once, with err among what it failed with.
func (l *lostCalls) check(t *testing.T, device int, err error) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.devices) != 1 || l.devices[0] != device || !errors.Is(l.errs[0], err) {
		t.Errorf("Lost heard %v (%v), want device %d once, failed with %v", l.devices, l.errs, device, err)
	}
}

// loadRefused is a driver whose modules never load: every device fails
// as it opens, after its context is made.
type loadRefused struct{ gpu.Driver }

var errNoModule = errors.New("module refused (test)")

func (d loadRefused) Open(device int) (gpu.Context, error) {
	c, err := d.Driver.Open(device)
	if err != nil {
		return nil, err
	}
	return noModules{c}, nil
}

type noModules struct{ gpu.Context }

func (noModules) Load(string) (gpu.Module, error) { return nil, errNoModule }

// TestDevicesDropDeviceFailingToOpen: with two emulated devices, the
// first of which fails as an engine opens on it (an allocation of its
// set-up, counted by accounting), the prime, big-number and resize
// engines of every device release all it made, keep the other and give
// the CPU's results on it, and tell Lost of the failed device once, at
// the first batch. With every device failing the constructor fails,
// naming each device's error, and nothing is left.
func TestDevicesDropDeviceFailingToOpen(t *testing.T) {
	type engine interface {
		io.Closer
		run(t *testing.T, lost *lostCalls)
		devices() []int
	}
	for _, c := range []struct {
		name string
		open func(drv gpu.Driver) (engine, error)
	}{
		{"prime", func(drv gpu.Driver) (engine, error) {
			p, err := gpu.NewPrimeDevices(drv, nil, 0)
			return primeSetUp{p}, err
		}},
		{"big prime", func(drv gpu.Driver) (engine, error) {
			p, err := gpu.NewBigPrimeDevices(drv, nil, 4<<10)
			return bigSetUp{p}, err
		}},
		{"resize", func(drv gpu.Driver) (engine, error) {
			p, err := gpu.NewResizeDevices(drv, nil, corescale.Lanczos3)
			return resizeSetUp{p}, err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Device 0 opens first: its second allocation of any kind
			// (a stream, an event, memory) fails.
			a := &accounting{Driver: &emu.Driver{Memories: []int64{256 << 10, 256 << 10}}, failAt: 2}
			e, err := c.open(a)
			if err != nil {
				t.Fatalf("one of two devices failed to open, and the engine did not start: %v", err)
			}
			if got := e.devices(); len(got) != 1 || got[0] != 1 {
				t.Errorf("engines on devices %v, want [1]", got)
			}
			var lost lostCalls
			e.run(t, &lost)
			e.run(t, &lost)
			lost.check(t, 0, errInjected)
			e.Close()
			if l := a.leaks(); l != "" {
				t.Errorf("left%s", l)
			}

			a = &accounting{Driver: &emu.Driver{Memories: []int64{256 << 10, 256 << 10}}}
			_, err = c.open(loadRefused{a})
			if err == nil || !errors.Is(err, errNoModule) || !strings.Contains(err.Error(), "every device failed") ||
				!strings.Contains(err.Error(), "device 0") || !strings.Contains(err.Error(), "device 1") {
				t.Errorf("every device failing to open: error %v, want each device's", err)
			}
			if l := a.leaks(); l != "" {
				t.Errorf("every device failing to open: left%s", l)
			}
		})
	}
}

// TestDevicesSetUpLossToldAtClose: a device that failed to open is told
// to Lost at Close when no batch came.
func TestDevicesSetUpLossToldAtClose(t *testing.T) {
	a := &accounting{Driver: &emu.Driver{Memories: []int64{256 << 10, 256 << 10}}, failAt: 2}
	p, err := gpu.NewPrimeDevices(a, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lost lostCalls
	p.Lost = lost.lost
	p.Close()
	lost.check(t, 0, errInjected)
}

// TestDevicesMissingDeviceRefused: a device the driver does not have is
// the caller's mistake, not a device to drop.
func TestDevicesMissingDeviceRefused(t *testing.T) {
	drv := &emu.Driver{Memories: []int64{256 << 10, 256 << 10}}
	if _, err := gpu.NewPrimeDevices(drv, []int{1, 2}, 0); err == nil || !strings.Contains(err.Error(), "no device 2") {
		t.Errorf("devices 1,2 of 2: error %v, want no device 2", err)
	}
	if _, err := gpu.NewResizeDevices(drv, []int{0}, corescale.Filter("no-such-filter")); err == nil {
		t.Error("an unknown filter opened")
	}
}

type primeSetUp struct{ *gpu.PrimeDevices }

func (p primeSetUp) devices() (ds []int) {
	for _, e := range p.Engines {
		ds = append(ds, e.Device())
	}
	return ds
}

func (p primeSetUp) run(t *testing.T, lost *lostCalls) {
	p.Lost = lost.lost
	ns := hardNumbers(t, 3000)
	got := make([]bool, len(ns))
	if err := p.TestPrimes(ns, got); err != nil {
		t.Fatal(err)
	}
	checkVerdicts(t, "on the device left", ns, got)
}

type bigSetUp struct{ *gpu.BigPrimeDevices }

func (p bigSetUp) devices() (ds []int) {
	for _, e := range p.Engines {
		ds = append(ds, e.Device())
	}
	return ds
}

func (p bigSetUp) run(t *testing.T, lost *lostCalls) {
	p.Lost = lost.lost
	checkBig(t, p.TestBig, bigRandom(4, 256))
}

type resizeSetUp struct{ *gpu.ResizeDevices }

func (p resizeSetUp) devices() []int {
	ds, _ := p.EachDevice()
	return ds
}

func (p resizeSetUp) run(t *testing.T, lost *lostCalls) {
	p.Lost = lost.lost
	if err := runResizeBatch(t, p.ResizeDevices, resizeBatch(t, 6)); err != nil {
		t.Fatal(err)
	}
}
