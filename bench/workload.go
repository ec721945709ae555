package bench

import (
	"fmt"
	"image"
	"io"
	"strings"
	"time"

	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/numbers"
)

// Workload names, in the order they run.
const (
	Spin            = "spin"
	PrimeOdd64      = "prime-odd64"
	PrimePrimes64   = "prime-primes64"
	PrimeU32        = "prime-u32"
	PrimeRange12    = "prime-range12" // count the primes from 10^12
	PrimeRange18    = "prime-range18" // from 10^18
	PrimeRange64    = "prime-range64" // up to 2^64 - 1
	Prime128        = "prime-128"     // random odd numbers of 128 bits
	Prime256        = "prime-256"
	Prime512        = "prime-512"
	Prime2048       = "prime-2048"
	ResizeLarge     = "resize-large"
	ResizeLargeFast = "resize-large-fast"
	ResizeSmall     = "resize-small"
	ResizeSmallFast = "resize-small-fast"
	Thumbnail       = "thumbnail"
)

// A workload is one kind of work the harness times. It makes its inputs
// and the serial engine's results once, then a task per backend that runs
// the work and checks it against them. Each kind has its file; adding a
// workload is a type there and a line in workloads.
type workload interface {
	name() string
	// kind is the family, the part of the name before the first dash:
	// spin, prime, resize or thumbnail.
	kind() string
	// prepare makes the inputs for sz and seed (files go under tmp) and
	// the serial reference, and returns the unit of the work and how
	// many of them a run does.
	prepare(sz Sizes, seed uint64, tmp string) (unit string, units float64, err error)
	// task makes the work on backend b: ErrUnsupported when b does not
	// do this kind of work.
	task(b Backend) (*task, error)
}

// workloads returns every workload, unprepared, in the order they run.
func workloads() []workload {
	return []workload{
		&spinWork{},
		&primeWork{id: PrimeOdd64, generate: func(sz Sizes, seed uint64) []uint64 { return numbers.Odd64(sz.Numbers, seed) }},
		&primeWork{id: PrimePrimes64, generate: func(sz Sizes, seed uint64) []uint64 { return numbers.Primes64(sz.Primes, seed, prime.IsPrime) }},
		&primeWork{id: PrimeU32, generate: func(sz Sizes, seed uint64) []uint64 { return numbers.Uniform(sz.Numbers, 32, seed) }},
		&rangeWork{id: PrimeRange12, at: at1e12},
		&rangeWork{id: PrimeRange18, at: at1e18},
		&rangeWork{id: PrimeRange64, at: atTop},
		&bigPrimeWork{id: Prime128, bits: 128, div: 10},
		&bigPrimeWork{id: Prime256, bits: 256, div: 30},
		&bigPrimeWork{id: Prime512, bits: 512, div: 200},
		&bigPrimeWork{id: Prime2048, bits: 2048, div: 10000},
		&resizeWork{id: ResizeLarge, size: func(sz Sizes) (in, out image.Point) { return sz.Large, sz.LargeOut }},
		&resizeWork{id: ResizeLargeFast, fast: true, size: func(sz Sizes) (in, out image.Point) { return sz.Large, sz.LargeOut }},
		&resizeWork{id: ResizeSmall, size: func(sz Sizes) (in, out image.Point) { return sz.Small, sz.SmallOut }},
		&resizeWork{id: ResizeSmallFast, fast: true, size: func(sz Sizes) (in, out image.Point) { return sz.Small, sz.SmallOut }},
		&thumbnailWork{},
	}
}

// WorkloadNames lists every workload.
var WorkloadNames = func() []string {
	var names []string
	for _, w := range workloads() {
		names = append(names, w.name())
	}
	return names
}()

// Sizes fix how much work each workload does per run.
type Sizes struct {
	Numbers int // prime-odd64 and prime-u32
	Primes  int // prime-primes64
	// Range is how many numbers the prime-range workloads count in. The
	// sieve decides ~5 G numbers/s at 10^12 and the hybrid ~0.15 G/s at
	// 10^18: a range of 10^8 is ~0.7 s of the hybrid on one core.
	Range uint64
	// Large and Small are the resize inputs, LargeOut and SmallOut the
	// outputs.
	Large, LargeOut, Small, SmallOut image.Point
	// ThumbFiles JPEGs of ThumbSrc pixels become thumbnails that fit in
	// ThumbOut×ThumbOut.
	ThumbFiles int
	ThumbSrc   image.Point
	ThumbOut   int
	// SpinSteps is the length of the spin probe's chains.
	SpinSteps int
}

// Size presets for --size.
var (
	Small = Sizes{Numbers: 100_000, Primes: 10_000, Range: 10_000_000,
		Large: image.Pt(1500, 1000), LargeOut: image.Pt(150, 100),
		Small: image.Pt(320, 240), SmallOut: image.Pt(80, 60),
		ThumbFiles: 4, ThumbSrc: image.Pt(800, 600), ThumbOut: 160,
		SpinSteps: 1_200}
	Medium = Sizes{Numbers: 1_000_000, Primes: 100_000, Range: 30_000_000,
		Large: image.Pt(3000, 2000), LargeOut: image.Pt(300, 200),
		Small: image.Pt(640, 480), SmallOut: image.Pt(160, 120),
		ThumbFiles: 8, ThumbSrc: image.Pt(1600, 1200), ThumbOut: 256,
		SpinSteps: 5_000}
	Large = Sizes{Numbers: 4_000_000, Primes: 400_000, Range: 100_000_000,
		Large: image.Pt(6000, 4000), LargeOut: image.Pt(600, 400),
		Small: image.Pt(1280, 960), SmallOut: image.Pt(320, 240),
		ThumbFiles: 16, ThumbSrc: image.Pt(3000, 2000), ThumbOut: 320,
		SpinSteps: 20_000}
)

// SizesFor returns the preset called small, medium or large.
func SizesFor(name string) (Sizes, error) {
	switch name {
	case "small":
		return Small, nil
	case "medium":
		return Medium, nil
	case "large":
		return Large, nil
	}
	return Sizes{}, fmt.Errorf("unknown size %q (want small, medium or large)", name)
}

// SelectWorkloads expands a list of workload names and kinds (prime, resize,
// thumbnail) into workload names in run order; an empty list is all of them,
// an empty name in a list an error.
func SelectWorkloads(list []string) ([]string, error) {
	if len(list) == 0 {
		return WorkloadNames, nil
	}
	want := map[string]bool{}
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			// Not "all": an empty item in a list is a slip.
			return nil, fmt.Errorf("empty workload name in %q", strings.Join(list, ","))
		}
		found := false
		for _, n := range WorkloadNames {
			if n == s || kindOf(n) == s || s == "all" {
				want[n], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown workload %q (want all, prime, resize, thumbnail or one of %s)", s, strings.Join(WorkloadNames, ", "))
		}
	}
	var out []string
	for _, n := range WorkloadNames {
		if want[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

func kindOf(name string) string {
	k, _, _ := strings.Cut(name, "-")
	return k
}

// work is a prepared workload.
type work struct {
	workload
	unit  string
	units float64 // per run
}

// newWork prepares the workload called name.
func newWork(name string, sz Sizes, seed uint64, tmp string) (*work, error) {
	for _, wl := range workloads() {
		if wl.name() != name {
			continue
		}
		unit, units, err := wl.prepare(sz, seed, tmp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return &work{workload: wl, unit: unit, units: units}, nil
	}
	return nil, fmt.Errorf("unknown workload %q", name)
}

// task is one workload on one backend, ready to check and time.
type task struct {
	before func() error // untimed, before each run
	run    func() error
	check  func() error // one run, compared with the reference
	reset  func()       // clears phase timings before the timed runs
	phases func(runs int) map[string]float64
	// devices gives each GPU's share of a run and its device-side times,
	// from the engine's events (nil off the GPU).
	devices func(runs int) []DeviceResult
	close   func()
}

// newTask returns a task whose optional parts do nothing.
func newTask() *task {
	return &task{before: func() error { return nil }, reset: func() {}, close: func() {},
		phases: func(int) map[string]float64 { return nil }, devices: func(int) []DeviceResult { return nil }}
}

// engineTimings hooks a GPU engine's per-phase device timings into t,
// and its Close into t's.
func engineTimings(t *task, engine any) {
	var tm *gpu.Timings
	switch e := engine.(type) {
	case *gpu.PrimeEngine:
		tm = &e.Timings
	case *gpu.ResizeEngine:
		tm = &e.Timings
	case interface{ DeviceTimings() *gpu.Timings }:
		tm = e.DeviceTimings()
	default:
		return
	}
	closer, _ := engine.(io.Closer)
	t.reset = func() { *tm = gpu.Timings{} }
	t.devices = func(runs int) []DeviceResult {
		return []DeviceResult{deviceResult(0, *tm, runs)}
	}
	if e, ok := engine.(eachDevice); ok {
		t.reset = e.ClearTimings
		t.devices = func(runs int) []DeviceResult {
			devices, each := e.EachDevice()
			var rs []DeviceResult
			for i, d := range devices {
				rs = append(rs, deviceResult(d, each[i], runs))
			}
			return rs
		}
	}
	t.phases = func(runs int) map[string]float64 {
		r := float64(runs)
		return map[string]float64{
			"gpu_host_to_device": tm.HostToDevice.Seconds() / r,
			"gpu_kernel":         tm.Kernel.Seconds() / r,
			"gpu_device_to_host": tm.DeviceToHost.Seconds() / r,
			"gpu_chunks":         float64(tm.Chunks) / r,
		}
	}
	prev := t.close
	t.close = func() { prev(); closer.Close() }
}

// eachDevice is an engine on several GPUs that keeps each one's timings.
type eachDevice interface {
	EachDevice() (devices []int, each []gpu.Timings)
	ClearTimings()
}

// deviceResult is a device's times per run; its throughputs are the
// result's to fill in (see fillDevices), which knows the run's units.
func deviceResult(device int, tm gpu.Timings, runs int) DeviceResult {
	r := float64(max(runs, 1))
	return DeviceResult{Device: device, Units: float64(tm.Items) / r, Chunks: float64(tm.Chunks) / r,
		KernelS: tm.Kernel.Seconds() / r, CopiesS: (tm.HostToDevice + tm.DeviceToHost).Seconds() / r}
}

// differences returns how many elements of got differ from want, and the
// index of the first.
func differences[T comparable](got, want []T) (bad, first int) {
	first = -1
	for i := range want {
		if got[i] != want[i] {
			if first < 0 {
				first = i
			}
			bad++
		}
	}
	return bad, first
}

// since is time.Since in seconds.
func since(t time.Time) float64 { return time.Since(t).Seconds() }
