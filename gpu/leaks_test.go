package gpu_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// accounting is a gpu.Driver that passes everything to the emulator,
// counts what is alive (device and host buffers, streams, events,
// contexts) and fails the Nth allocation of any kind (failAt, from 1; 0
// never), as a device out of memory would.
type accounting struct {
	gpu.Driver
	failAt int

	mu    sync.Mutex
	calls int
	live  map[string]int
}

var errInjected = errors.New("injected out of memory")

func (a *accounting) count(kind string, d int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.live == nil {
		a.live = map[string]int{}
	}
	a.live[kind] += d
}

// fail reports whether this allocation is the one to fail.
func (a *accounting) fail() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls++
	return a.calls == a.failAt
}

func (a *accounting) leaks() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var s string
	for k, n := range a.live {
		if n != 0 {
			s += fmt.Sprintf(" %d %s", n, k)
		}
	}
	return s
}

func (a *accounting) Open(device int) (gpu.Context, error) {
	c, err := a.Driver.Open(device)
	if err != nil {
		return nil, err
	}
	a.count("context", 1)
	return &countedContext{c, a}, nil
}

type countedContext struct {
	gpu.Context
	a *accounting
}

func (c *countedContext) Alloc(n int) (gpu.DevPtr, error) {
	if c.a.fail() {
		return 0, errInjected
	}
	p, err := c.Context.Alloc(n)
	if err == nil {
		c.a.count("device buffer", 1)
	}
	return p, err
}

func (c *countedContext) Free(p gpu.DevPtr) error {
	c.a.count("device buffer", -1)
	return c.Context.Free(p)
}

func (c *countedContext) AllocHost(n int) (gpu.HostBuffer, error) {
	if c.a.fail() {
		return nil, errInjected
	}
	h, err := c.Context.AllocHost(n)
	if err != nil {
		return nil, err
	}
	c.a.count("host buffer", 1)
	return countedHost{h, c.a}, nil
}

func (c *countedContext) NewStream() (gpu.Stream, error) {
	if c.a.fail() {
		return nil, errInjected
	}
	s, err := c.Context.NewStream()
	if err != nil {
		return nil, err
	}
	c.a.count("stream", 1)
	return countedStream{s, c.a}, nil
}

func (c *countedContext) NewEvent() (gpu.Event, error) {
	if c.a.fail() {
		return nil, errInjected
	}
	e, err := c.Context.NewEvent()
	if err != nil {
		return nil, err
	}
	c.a.count("event", 1)
	return countedEvent{e, c.a}, nil
}

func (c *countedContext) Close() error {
	c.a.count("context", -1)
	return c.Context.Close()
}

type countedHost struct {
	gpu.HostBuffer
	a *accounting
}

func (h countedHost) Free() error {
	h.a.count("host buffer", -1)
	return h.HostBuffer.Free()
}

// countedStream hands the emulator its own events and buffers back.
type countedStream struct {
	gpu.Stream
	a *accounting
}

func (s countedStream) CopyToDevice(dst gpu.DevPtr, src gpu.HostBuffer, offset, bytes int) error {
	return s.Stream.CopyToDevice(dst, src.(countedHost).HostBuffer, offset, bytes)
}

func (s countedStream) CopyToHost(dst gpu.HostBuffer, offset int, src gpu.DevPtr, bytes int) error {
	return s.Stream.CopyToHost(dst.(countedHost).HostBuffer, offset, src, bytes)
}

func (s countedStream) Record(e gpu.Event) error { return s.Stream.Record(e.(countedEvent).Event) }

func (s countedStream) Close() error {
	s.a.count("stream", -1)
	return s.Stream.Close()
}

type countedEvent struct {
	gpu.Event
	a *accounting
}

func (e countedEvent) Since(earlier gpu.Event) (time.Duration, error) {
	return e.Event.Since(earlier.(countedEvent).Event)
}

func (e countedEvent) Close() error {
	e.a.count("event", -1)
	return e.Event.Close()
}

// TestEnginesReleaseOnFailure: an engine whose setup fails at any
// allocation (device or pinned memory, a stream, an event) releases
// everything it had made, and so does one that works and is closed; a
// resize that fails midway releases its buffers too.
func TestEnginesReleaseOnFailure(t *testing.T) {
	for n := 1; ; n++ {
		a := &accounting{Driver: &emu.Driver{Memory: 64 << 10}, failAt: n}
		e, err := gpu.NewPrimeEngine(a, 0, 0)
		if err == nil {
			e.Close()
		}
		if l := a.leaks(); l != "" {
			t.Errorf("prime engine, allocation %d failing (%v): left%s", n, err, l)
		}
		if err == nil {
			break
		}
	}
	for n := 1; ; n++ {
		a := &accounting{Driver: &emu.Driver{Memory: 256 << 10}, failAt: n}
		e, err := gpu.NewBigPrimeEngine(a, 0, 8<<10)
		if err == nil {
			e.Close()
		}
		if l := a.leaks(); l != "" {
			t.Errorf("big prime engine, allocation %d failing (%v): left%s", n, err, l)
		}
		if err == nil {
			break
		}
	}
	src := corescale.NewRaster(64, 48, 3)
	for n := 1; ; n++ {
		a := &accounting{Driver: &emu.Driver{}, failAt: n}
		e, err := gpu.NewResizeEngine(a, 0, corescale.Lanczos3)
		if err == nil {
			err = e.Resize(corescale.NewRaster(20, 15, 3), src)
			e.Close()
		}
		if l := a.leaks(); l != "" {
			t.Errorf("resize engine, allocation %d failing (%v): left%s", n, err, l)
		}
		if err == nil {
			break
		}
	}
}
