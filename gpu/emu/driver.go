package emu

import (
	"fmt"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/kernels"
)

// devPtr is an address in emulated device memory. Go code never reads
// through it; only copies and kernels do.
type devPtr uintptr

// Driver is the emulated gpu.Driver: devices backed by the host CPU,
// reporting the device memory they are given, so tests can make it small and
// force the engines to split their work into many chunks.
type Driver struct {
	// Memory is the device memory each emulated device reports and will
	// allocate; 4 GiB when zero.
	Memory int64
	// Memories, when set, gives each device its own memory and sets how
	// many devices there are (one otherwise): the engines' multi-device
	// paths run on devices of different sizes.
	Memories []int64
}

// Name implements gpu.Driver.
func (d *Driver) Name() string { return "emulated (host CPU; no GPU speed is measured)" }

// Emulated implements gpu.Driver.
func (d *Driver) Emulated() bool { return true }

func (d *Driver) memory(device int) int64 {
	if device < len(d.Memories) && d.Memories[device] > 0 {
		return d.Memories[device]
	}
	if d.Memory > 0 {
		return d.Memory
	}
	return 4 << 30
}

func (d *Driver) count() int { return max(1, len(d.Memories)) }

// Devices implements gpu.Driver.
func (d *Driver) Devices() ([]gpu.Device, error) {
	if err := available(); err != nil {
		return nil, err
	}
	var devs []gpu.Device
	for i := range d.count() {
		devs = append(devs, gpu.Device{
			Name:  fmt.Sprintf("corescale emulator %d", i),
			Major: 7, Minor: 0, // the PTX's target
			Memory:          d.memory(i),
			Multiprocessors: runtime.NumCPU(),
		})
	}
	return devs, nil
}

// Open implements gpu.Driver.
func (d *Driver) Open(device int) (gpu.Context, error) {
	if err := available(); err != nil {
		return nil, err
	}
	if device < 0 || device >= d.count() {
		return nil, fmt.Errorf("emu: no device %d (the emulator has %d)", device, d.count())
	}
	return &context{mem: newDeviceMemory(), total: d.memory(device), sizes: map[gpu.DevPtr]int{}}, nil
}

type context struct {
	mem   *deviceMemory
	total int64

	mu    sync.Mutex
	used  int64
	sizes map[gpu.DevPtr]int
}

func (c *context) Load(ptx string) (gpu.Module, error) {
	entries, err := kernels.Entries(ptx)
	if err != nil {
		return nil, fmt.Errorf("emu: load module: %w", err)
	}
	return module(entries), nil
}

func (c *context) Alloc(bytes int) (gpu.DevPtr, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.used+int64(bytes) > c.total {
		return 0, fmt.Errorf("emu: out of device memory: %d bytes asked, %d of %d free", bytes, c.total-c.used, c.total)
	}
	p, err := c.mem.Alloc(bytes)
	if err != nil {
		return 0, err
	}
	c.used += int64(bytes)
	c.sizes[gpu.DevPtr(p)] = bytes
	return gpu.DevPtr(p), nil
}

func (c *context) Free(p gpu.DevPtr) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.mem.Free(devPtr(p)); err != nil {
		return err
	}
	c.used -= int64(c.sizes[p])
	delete(c.sizes, p)
	return nil
}

func (c *context) AllocHost(bytes int) (gpu.HostBuffer, error) {
	return hostBuffer(make([]byte, bytes)), nil
}

func (c *context) MemInfo() (free, total int64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.total - c.used, c.total, nil
}

func (c *context) NewStream() (gpu.Stream, error) {
	s := &stream{mem: c.mem, work: make(chan func(), 64)}
	go s.run()
	return s, nil
}

func (c *context) NewEvent() (gpu.Event, error) {
	return &event{}, nil
}

func (c *context) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range c.sizes {
		c.mem.Free(devPtr(p))
	}
	clear(c.sizes)
	c.used = 0
	return nil
}

type hostBuffer []byte

func (b hostBuffer) Bytes() []byte { return b }
func (b hostBuffer) Free() error   { return nil }

// module holds the parameter sizes of each kernel in its PTX.
type module map[string][]int

func (m module) Function(name string) (gpu.Function, error) {
	params, ok := m[name]
	if !ok {
		return nil, fmt.Errorf("emu: the module has no kernel %q", name)
	}
	if n := argCount(name); n != len(params) {
		return nil, fmt.Errorf("emu: kernel %s has %d parameters in the PTX and %d in the emulator", name, len(params), n)
	}
	return function{name, params}, nil
}

type function struct {
	name   string
	params []int
}

func (f function) Name() string { return f.name }

// stream runs its queued work in order on a goroutine of its own.
type stream struct {
	mem  *deviceMemory
	work chan func()
	err  error // the first failure, reported by Synchronize
	mu   sync.Mutex
}

func (s *stream) run() {
	for w := range s.work {
		w()
	}
}

func (s *stream) fail(err error) {
	s.mu.Lock()
	if s.err == nil {
		s.err = err
	}
	s.mu.Unlock()
}

func (s *stream) CopyToDevice(dst gpu.DevPtr, src gpu.HostBuffer, offset, bytes int) error {
	b := src.Bytes()
	if offset < 0 || bytes < 0 || offset+bytes > len(b) {
		return fmt.Errorf("emu: copy of %d bytes from offset %d of a %d-byte host buffer", bytes, offset, len(b))
	}
	s.work <- func() {
		if err := s.mem.CopyToDevice(devPtr(dst), b[offset:offset+bytes]); err != nil {
			s.fail(err)
		}
	}
	return nil
}

func (s *stream) CopyToHost(dst gpu.HostBuffer, offset int, src gpu.DevPtr, bytes int) error {
	b := dst.Bytes()
	if offset < 0 || bytes < 0 || offset+bytes > len(b) {
		return fmt.Errorf("emu: copy of %d bytes to offset %d of a %d-byte host buffer", bytes, offset, len(b))
	}
	s.work <- func() {
		if err := s.mem.CopyToHost(b[offset:offset+bytes], devPtr(src)); err != nil {
			s.fail(err)
		}
	}
	return nil
}

// Launch copies the argument values now, as cuLaunchKernel does, so the
// caller may reuse its variables at once; the kernel runs when the stream
// reaches it.
func (s *stream) Launch(f gpu.Function, grid, block gpu.Dim3, args []unsafe.Pointer) error {
	fn, ok := f.(function)
	if !ok {
		return fmt.Errorf("emu: launch of a function from another driver")
	}
	if len(args) != len(fn.params) {
		return fmt.Errorf("emu: kernel %s takes %d arguments, got %d", fn.name, len(fn.params), len(args))
	}
	values := make([][]byte, len(args))
	for i, a := range args {
		values[i] = append([]byte(nil), unsafe.Slice((*byte)(a), fn.params[i])...)
	}
	s.work <- func() {
		ptrs := make([]unsafe.Pointer, len(values))
		for i, v := range values {
			ptrs[i] = unsafe.Pointer(&v[0])
		}
		if err := launch(fn.name, grid, block, ptrs); err != nil {
			s.fail(err)
		}
	}
	return nil
}

func (s *stream) Record(e gpu.Event) error {
	ev, ok := e.(*event)
	if !ok {
		return fmt.Errorf("emu: record of an event from another driver")
	}
	mark := &mark{done: make(chan struct{})}
	ev.mu.Lock()
	ev.last = mark
	ev.mu.Unlock()
	s.work <- func() {
		mark.at = time.Now()
		close(mark.done)
	}
	return nil
}

func (s *stream) Synchronize() error {
	done := make(chan struct{})
	s.work <- func() { close(done) }
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

func (s *stream) Close() error {
	err := s.Synchronize()
	close(s.work)
	return err
}

// event is the last mark recorded on it; like a CUDA event it may be
// recorded again, and waiting on it waits for the latest recording.
type event struct {
	mu   sync.Mutex
	last *mark
}

type mark struct {
	done chan struct{}
	at   time.Time
}

func (e *event) wait() (time.Time, error) {
	e.mu.Lock()
	m := e.last
	e.mu.Unlock()
	if m == nil {
		return time.Time{}, fmt.Errorf("emu: event never recorded")
	}
	<-m.done
	return m.at, nil
}

func (e *event) Synchronize() error {
	_, err := e.wait()
	return err
}

func (e *event) Since(earlier gpu.Event) (time.Duration, error) {
	prev, ok := earlier.(*event)
	if !ok {
		return 0, fmt.Errorf("emu: timing against an event from another driver")
	}
	t0, err := prev.wait()
	if err != nil {
		return 0, err
	}
	t1, err := e.wait()
	return t1.Sub(t0), err
}

func (e *event) Close() error { return nil }
