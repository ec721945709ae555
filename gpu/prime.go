package gpu

import (
	"fmt"
	"time"
	"unsafe"

	"github.com/corescale/corescale/kernels"
)

// PrimeEngine tests batches of numbers below 2^64 on a GPU; it implements
// corescale.PrimeTester with the CPU engines' exact verdicts (the kernel is
// the same method).
//
// A batch goes through in chunks sized to the device's free memory. Two
// streams take turns: while one chunk's results travel back, the next
// chunk's numbers travel in and its kernel runs, each stream with its own
// pinned host buffers and device buffers, reused from chunk to chunk.
type PrimeEngine struct {
	ctx   Context
	fn    Function
	chunk int
	slots [2]*primeSlot
	// Timings add up the phases of every chunk, from the device's events.
	Timings Timings
}

// Timings are the device-side times of a run, phase by phase.
type Timings struct {
	HostToDevice, Kernel, DeviceToHost time.Duration
	Chunks                             int
}

type primeSlot struct {
	stream     Stream
	hostIn     HostBuffer // the chunk's numbers, 8 bytes each
	hostOut    HostBuffer // its verdicts, a byte each
	devIn      DevPtr
	devOut     DevPtr
	marks      [4]Event // before and after each phase
	pending    []bool   // where the chunk in flight writes its verdicts
	queuedSize int
}

// primeBlock is the number of threads per block: a multiple of the warp, and
// enough blocks per multiprocessor for any realistic chunk.
const primeBlock = 256

// NewPrimeEngine opens device on drv and prepares the prime kernel. maxChunk
// caps the numbers per chunk (zero: a million).
func NewPrimeEngine(drv Driver, device, maxChunk int) (*PrimeEngine, error) {
	ctx, err := drv.Open(device)
	if err != nil {
		return nil, fmt.Errorf("open %s device %d: %w", drv.Name(), device, err)
	}
	e := &PrimeEngine{ctx: ctx}
	if err := e.init(maxChunk); err != nil {
		// Close releases what init made before it failed, then the
		// context: a driver reports what a context is destroyed with.
		e.Close()
		return nil, err
	}
	return e, nil
}

func (e *PrimeEngine) init(maxChunk int) error {
	mod, err := e.ctx.Load(kernels.PrimePTX)
	if err != nil {
		return fmt.Errorf("load the prime kernels: %w", err)
	}
	if e.fn, err = mod.Function(kernels.IsPrimeU64.Name); err != nil {
		return err
	}
	free, _, err := e.ctx.MemInfo()
	if err != nil {
		return fmt.Errorf("device memory: %w", err)
	}
	if maxChunk <= 0 {
		maxChunk = 1 << 20
	}
	// Two slots of 9 bytes a number, leaving a fifth of the free memory
	// to the driver and other users; the kernel's count is a uint32.
	e.chunk = min(maxChunk, int(free*4/5/(2*9)), 1<<31)
	if e.chunk < primeBlock {
		return fmt.Errorf("device memory: %d bytes free, too little for a chunk of %d numbers", free, primeBlock)
	}
	for i := range e.slots {
		s := &primeSlot{}
		e.slots[i] = s
		if s.stream, err = e.ctx.NewStream(); err != nil {
			return err
		}
		if s.hostIn, err = e.ctx.AllocHost(8 * e.chunk); err != nil {
			return err
		}
		if s.hostOut, err = e.ctx.AllocHost(e.chunk); err != nil {
			return err
		}
		if s.devIn, err = e.ctx.Alloc(8 * e.chunk); err != nil {
			return err
		}
		if s.devOut, err = e.ctx.Alloc(e.chunk); err != nil {
			return err
		}
		for j := range s.marks {
			if s.marks[j], err = e.ctx.NewEvent(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Chunk returns how many numbers go to the device at a time.
func (e *PrimeEngine) Chunk() int { return e.chunk }

// TestPrimes implements corescale.PrimeTester.
func (e *PrimeEngine) TestPrimes(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("gpu prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	for i, start := 0, 0; start < len(ns); i, start = i+1, start+e.chunk {
		s := e.slots[i%2]
		if err := e.finish(s); err != nil {
			return err
		}
		end := min(start+e.chunk, len(ns))
		if err := e.queue(s, ns[start:end], out[start:end]); err != nil {
			return err
		}
	}
	for _, s := range e.slots {
		if err := e.finish(s); err != nil {
			return err
		}
	}
	return nil
}

// queue sends one chunk through slot s: copy in, kernel, copy out, each
// phase between two events.
func (e *PrimeEngine) queue(s *primeSlot, ns []uint64, out []bool) error {
	n := len(ns)
	copy(s.hostIn.Bytes(), unsafe.Slice((*byte)(unsafe.Pointer(&ns[0])), 8*n))
	count := uint32(n)
	// One thread a number (the kernel does not stride): at most 2^23
	// blocks for a chunk of 2^31, well inside the grid's 2^31−1.
	grid := Dim3{uint32((n + primeBlock - 1) / primeBlock), 1, 1}
	args := []unsafe.Pointer{unsafe.Pointer(&s.devIn), unsafe.Pointer(&s.devOut), unsafe.Pointer(&count)}
	steps := []func() error{
		func() error { return s.stream.Record(s.marks[0]) },
		func() error { return s.stream.CopyToDevice(s.devIn, s.hostIn, 0, 8*n) },
		func() error { return s.stream.Record(s.marks[1]) },
		func() error { return launch(s.stream, e.fn, grid, Dim3{primeBlock, 1, 1}, args) },
		func() error { return s.stream.Record(s.marks[2]) },
		func() error { return s.stream.CopyToHost(s.hostOut, 0, s.devOut, n) },
		func() error { return s.stream.Record(s.marks[3]) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fmt.Errorf("gpu prime: %w", err)
		}
	}
	s.pending, s.queuedSize = out, n
	return nil
}

// finish waits for the chunk in flight on s, if any, and delivers its
// verdicts and timings.
func (e *PrimeEngine) finish(s *primeSlot) error {
	if s.pending == nil {
		return nil
	}
	if err := s.stream.Synchronize(); err != nil {
		return fmt.Errorf("gpu prime: %w", err)
	}
	for i, v := range s.hostOut.Bytes()[:s.queuedSize] {
		s.pending[i] = v != 0
	}
	s.pending = nil
	phases := []*time.Duration{&e.Timings.HostToDevice, &e.Timings.Kernel, &e.Timings.DeviceToHost}
	for i, d := range phases {
		t, err := s.marks[i+1].Since(s.marks[i])
		if err != nil {
			return fmt.Errorf("gpu prime: timing: %w", err)
		}
		*d += t
	}
	e.Timings.Chunks++
	return nil
}

// Close releases the device buffers, streams and context.
func (e *PrimeEngine) Close() error {
	for _, s := range e.slots {
		if s == nil {
			continue
		}
		if s.stream != nil {
			// A failed call can leave work queued that still uses the
			// buffers freed below.
			s.stream.Synchronize()
			s.stream.Close()
		}
		for _, b := range []HostBuffer{s.hostIn, s.hostOut} {
			if b != nil {
				b.Free()
			}
		}
		for _, p := range []DevPtr{s.devIn, s.devOut} {
			if p != 0 {
				e.ctx.Free(p)
			}
		}
		for _, m := range s.marks {
			if m != nil {
				m.Close()
			}
		}
	}
	return e.ctx.Close()
}
