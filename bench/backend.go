package bench

import (
	"errors"
	"fmt"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/backend"
	"github.com/corescale/corescale/internal/thumbnail"
)

// ErrUnsupported is returned by a Backend's constructor for work it cannot
// do; the result is reported as skipped.
var ErrUnsupported = errors.New("not supported on this backend")

// Backend makes the engines of one path. A nil constructor means the
// backend does not run that kind of work. FromChoice makes the real ones;
// tests make others.
type Backend struct {
	// Name is serial, parallel, gpu, gpu-emu or, in tests, anything.
	Name corescale.Backend
	// Workers is the number of goroutines of a CPU backend, 0 for a GPU.
	Workers int
	// Emulated backends are timed but never compared for speed.
	Emulated bool
	// Devices names the GPUs a GPU backend uses when not all of them:
	// "device 1" (a per-device row), "GPUs 0-1" (a row of the 1…N sweep).
	Devices string
	// GPUs is how many devices a GPU backend uses.
	GPUs int

	NewPrimeTester func() (corescale.PrimeTester, error)
	// NewBigPrimeTester makes a GPU backend's engine for numbers of 65 to
	// 4096 bits; nil on the CPU, whose backends run cpu/bigprime.
	NewBigPrimeTester func() (backend.BigPrimeTester, error)
	// NewResizer gets the options of the workload (Filter, Fast); Workers
	// is the backend's to set.
	NewResizer func(opt resize.Options) (corescale.Resizer, error)
	// NewThumbnails gets the workload's resize options and its batch, and
	// returns the resizer and how many files to work on at once.
	NewThumbnails func(opt resize.Options, b *thumbnail.Batch) (thumbnail.Resizer, int, error)
}

// Label is how tables name the backend.
func (b Backend) Label() string {
	l := string(b.Name)
	if b.Devices != "" {
		l += " " + b.Devices
	}
	if b.Emulated {
		return l + " (emulated; not a speed)"
	}
	return l
}

// GPURows are the rows that a GPU backend on a machine of n GPUs adds to
// the one that uses them all: each device alone, then the first k of them
// for k from 2 to n−1 (the sweep's end, all n, is the backend's own row),
// each from choice, a choice of the devices given.
func GPURows(n int, choice func(devices []int) Backend) []Backend {
	if n < 2 {
		return nil
	}
	var rows []Backend
	for d := range n {
		b := choice([]int{d})
		b.Devices = fmt.Sprintf("device %d", d)
		b.GPUs = 1
		rows = append(rows, b)
	}
	for k := 2; k < n; k++ {
		devs := make([]int, k)
		for i := range devs {
			devs[i] = i
		}
		b := choice(devs)
		b.Devices = fmt.Sprintf("GPUs 0-%d", k-1)
		b.GPUs = k
		rows = append(rows, b)
	}
	return rows
}

// FromChoice is the backend of a choice (see internal/backend). Work that
// runs on the CPU engine only is ErrUnsupported on a GPU.
func FromChoice(c backend.Choice) Backend {
	b := Backend{Name: c.Backend, Workers: c.Workers, Emulated: c.Emulated()}
	if !c.CPU() {
		b.Workers = 0
		b.GPUs = len(c.Devices)
		if devs, err := c.Driver.Devices(); err == nil && b.GPUs == 0 {
			b.GPUs = len(devs)
		}
	}
	unsupported := func(err error) error {
		if errors.Is(err, backend.ErrCPUOnly) {
			return fmt.Errorf("%w: %w", ErrUnsupported, err)
		}
		return err
	}
	b.NewPrimeTester = func() (corescale.PrimeTester, error) { return c.PrimeTester() }
	if !c.CPU() {
		b.NewBigPrimeTester = func() (backend.BigPrimeTester, error) {
			e, fellBack, err := c.BigPrimeTester()
			if err == nil && e == nil {
				return nil, fmt.Errorf("%w: %s", ErrUnsupported, fellBack)
			}
			return e, err
		}
	}
	b.NewResizer = func(opt resize.Options) (corescale.Resizer, error) {
		r, err := c.Resizer(opt)
		return r, unsupported(err)
	}
	b.NewThumbnails = func(opt resize.Options, batch *thumbnail.Batch) (thumbnail.Resizer, int, error) {
		r, files, err := c.Thumbnails(opt, batch)
		return r, files, unsupported(err)
	}
	return b
}

// Serial is the one-goroutine CPU path, the baseline of every speedup.
func Serial() Backend { return cpu(corescale.Serial, 1) }

// CPU is the parallel CPU path on workers goroutines.
func CPU(workers int) Backend { return cpu(corescale.Parallel, workers) }

func cpu(name corescale.Backend, workers int) Backend {
	return FromChoice(backend.Choice{Backend: name, Workers: workers})
}

// WorkerCounts is the default sweep: 1, 2, 4, … up to cores, and cores.
func WorkerCounts(cores int) []int {
	var ws []int
	for w := 1; w < cores; w *= 2 {
		ws = append(ws, w)
	}
	return append(ws, max(cores, 1))
}
