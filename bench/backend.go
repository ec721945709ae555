package bench

import (
	"errors"
	"fmt"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/thumbnail"
)

// ErrUnsupported is returned by a Backend's constructor for work it cannot
// do; the result is reported as skipped.
var ErrUnsupported = errors.New("not supported on this backend")

// Backend makes the engines of one path. A nil constructor means the
// backend does not run that kind of work.
type Backend struct {
	// Name is serial, parallel, gpu, gpu-emu or, in tests, anything.
	Name string
	// Workers is the number of goroutines of a CPU backend, 0 for a GPU.
	Workers int
	// Emulated backends are timed but never compared for speed.
	Emulated bool

	NewPrimeTester func() (corescale.PrimeTester, error)
	// NewResizer gets the options of the workload (Filter, Fast); Workers
	// is the backend's to set.
	NewResizer func(opt resize.Options) (corescale.Resizer, error)
	// Thumbnail sets the backend's part of a batch's options (Workers,
	// Resizer) and returns a function that releases what it made.
	Thumbnail func(opt *thumbnail.Options) (release func(), err error)
}

// Label is how tables name the backend.
func (b Backend) Label() string {
	if b.Emulated {
		return b.Name + " (emulated; not a speed)"
	}
	return b.Name
}

// Serial is the one-goroutine CPU path, the baseline of every speedup.
func Serial() Backend {
	b := CPU(1)
	b.Name = "serial"
	b.NewPrimeTester = func() (corescale.PrimeTester, error) { return prime.Serial{}, nil }
	return b
}

// CPU is the parallel CPU path on workers goroutines.
func CPU(workers int) Backend {
	return Backend{
		Name:    "parallel",
		Workers: workers,
		NewPrimeTester: func() (corescale.PrimeTester, error) {
			return prime.Parallel{Workers: workers}, nil
		},
		NewResizer: func(opt resize.Options) (corescale.Resizer, error) {
			opt.Workers = workers
			e, err := resize.New(opt)
			if err != nil {
				return nil, fmt.Errorf("resize engine: %w", err)
			}
			return e, nil
		},
		Thumbnail: func(opt *thumbnail.Options) (func(), error) {
			opt.Workers = workers
			return func() {}, nil
		},
	}
}

// GPU is the GPU path over drv (device 0); its name is gpu-emu when drv is
// emulated. Decoding and encoding in the thumbnail batch use all cores.
func GPU(drv gpu.Driver) Backend {
	b := Backend{Name: "gpu", Emulated: drv.Emulated()}
	if b.Emulated {
		b.Name = "gpu-emu"
	}
	b.NewPrimeTester = func() (corescale.PrimeTester, error) {
		e, err := gpu.NewPrimeEngine(drv, 0, 0)
		if err != nil {
			return nil, fmt.Errorf("gpu prime engine: %w", err)
		}
		return e, nil
	}
	b.NewResizer = func(opt resize.Options) (corescale.Resizer, error) {
		if opt.Fast || opt.Linear {
			return nil, fmt.Errorf("fast mode: %w", ErrUnsupported)
		}
		e, err := gpu.NewResizeEngine(drv, 0, opt.Filter)
		if err != nil {
			return nil, fmt.Errorf("gpu resize engine: %w", err)
		}
		return e, nil
	}
	b.Thumbnail = func(opt *thumbnail.Options) (func(), error) {
		if opt.Fast || opt.Linear {
			return nil, fmt.Errorf("fast mode: %w", ErrUnsupported)
		}
		e, err := gpu.NewResizeEngine(drv, 0, opt.Filter)
		if err != nil {
			return nil, fmt.Errorf("gpu resize engine: %w", err)
		}
		opt.Resizer = e
		opt.Workers = 0
		return func() { e.Close() }, nil
	}
	return b
}

// WorkerCounts is the default sweep: 1, 2, 4, … up to cores, and cores.
func WorkerCounts(cores int) []int {
	var ws []int
	for w := 1; w < cores; w *= 2 {
		ws = append(ws, w)
	}
	return append(ws, max(cores, 1))
}
