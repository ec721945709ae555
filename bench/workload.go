package bench

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/numbers"
	"github.com/corescale/corescale/internal/testchart"
	"github.com/corescale/corescale/internal/thumbnail"
)

// Workload names, in the order they run.
const (
	Spin            = "spin"
	PrimeOdd64      = "prime-odd64"
	PrimePrimes64   = "prime-primes64"
	PrimeU32        = "prime-u32"
	ResizeLarge     = "resize-large"
	ResizeLargeFast = "resize-large-fast"
	ResizeSmall     = "resize-small"
	ResizeSmallFast = "resize-small-fast"
	Thumbnail       = "thumbnail"
)

// WorkloadNames lists every workload.
var WorkloadNames = []string{Spin, PrimeOdd64, PrimePrimes64, PrimeU32, ResizeLarge, ResizeLargeFast,
	ResizeSmall, ResizeSmallFast, Thumbnail}

// Sizes fix how much work each workload does per run.
type Sizes struct {
	Numbers int // prime-odd64 and prime-u32
	Primes  int // prime-primes64
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
	Small = Sizes{Numbers: 100_000, Primes: 10_000,
		Large: image.Pt(1500, 1000), LargeOut: image.Pt(150, 100),
		Small: image.Pt(320, 240), SmallOut: image.Pt(80, 60),
		ThumbFiles: 4, ThumbSrc: image.Pt(800, 600), ThumbOut: 160,
		SpinSteps: 1_200}
	Medium = Sizes{Numbers: 1_000_000, Primes: 100_000,
		Large: image.Pt(3000, 2000), LargeOut: image.Pt(300, 200),
		Small: image.Pt(640, 480), SmallOut: image.Pt(160, 120),
		ThumbFiles: 8, ThumbSrc: image.Pt(1600, 1200), ThumbOut: 256,
		SpinSteps: 5_000}
	Large = Sizes{Numbers: 4_000_000, Primes: 400_000,
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
// thumbnail) into workload names in run order; an empty list is all of them.
func SelectWorkloads(list []string) ([]string, error) {
	if len(list) == 0 {
		return WorkloadNames, nil
	}
	want := map[string]bool{}
	for _, s := range list {
		s = strings.TrimSpace(s)
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

// work is a generated workload with its serial reference results.
type work struct {
	name, kind, unit string
	units            float64 // per run

	numbers []uint64
	ref     []bool

	src    *corescale.Raster
	dst    image.Point
	fast   bool
	refPix []byte

	spinSteps int
	spinRef   []uint64

	thumbIn  string // folder of JPEGs
	thumbOpt thumbnail.Options
	tmp      string // scratch folder for outputs
	refFiles map[string][]byte
}

// newWork generates workload name and its reference results.
func newWork(name string, sz Sizes, seed uint64, tmp string) (*work, error) {
	w := &work{name: name, kind: kindOf(name), tmp: tmp}
	switch name {
	case Spin:
		if sz.SpinSteps <= 0 {
			return nil, fmt.Errorf("%s: %d steps per chain: want at least 1", name, sz.SpinSteps)
		}
		w.spinSteps = sz.SpinSteps
	case PrimeOdd64:
		w.numbers = numbers.Odd64(sz.Numbers, seed)
	case PrimePrimes64:
		w.numbers = numbers.Primes64(sz.Primes, seed, prime.IsPrime)
	case PrimeU32:
		w.numbers = numbers.Uniform(sz.Numbers, 32, seed)
	case ResizeLarge, ResizeLargeFast:
		w.src = resize.FromImage(testchart.Photo(sz.Large.X, sz.Large.Y, seed))
		w.dst, w.fast = sz.LargeOut, name == ResizeLargeFast
	case ResizeSmall, ResizeSmallFast:
		w.src = resize.FromImage(testchart.Photo(sz.Small.X, sz.Small.Y, seed))
		w.dst, w.fast = sz.SmallOut, name == ResizeSmallFast
	case Thumbnail:
		if err := w.makeJPEGs(sz, seed); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("unknown workload %q", name)
	}
	switch w.kind {
	case "spin":
		w.unit, w.units = "steps", float64(spinBundles*spinWidth*w.spinSteps)
		w.spinRef = make([]uint64, spinBundles)
		spin(w.spinRef, w.spinSteps, 1)
	case "prime":
		w.unit, w.units = "numbers", float64(len(w.numbers))
		w.ref = make([]bool, len(w.numbers))
		if err := (prime.Serial{}).TestPrimes(w.numbers, w.ref); err != nil {
			return nil, fmt.Errorf("%s: serial reference: %w", name, err)
		}
	case "resize":
		w.unit, w.units = "megapixels", float64(w.src.Width*w.src.Height)/1e6
		e, err := resize.New(w.resizeOptions(1))
		if err != nil {
			return nil, fmt.Errorf("%s: serial reference: %w", name, err)
		}
		dst := corescale.NewRaster(w.dst.X, w.dst.Y, w.src.Channels)
		if err := e.Resize(dst, w.src); err != nil {
			return nil, fmt.Errorf("%s: serial reference: %w", name, err)
		}
		w.refPix = dst.Pix
	case "thumbnail":
		w.unit = "megapixels"
		opt := w.thumbOpt
		opt.Workers = 1
		files, sum, err := w.thumbRun(opt, "reference")
		if err != nil {
			return nil, fmt.Errorf("%s: serial reference: %w", name, err)
		}
		w.refFiles, w.units = files, float64(sum.Pixels)/1e6
	}
	return w, nil
}

func (w *work) resizeOptions(workers int) resize.Options {
	return resize.Options{Filter: corescale.Lanczos3, Fast: w.fast, Workers: workers}
}

// makeJPEGs writes the thumbnail batch's inputs, once.
func (w *work) makeJPEGs(sz Sizes, seed uint64) error {
	w.thumbIn = filepath.Join(w.tmp, "thumbnail-in")
	if err := os.MkdirAll(w.thumbIn, 0o755); err != nil {
		return fmt.Errorf("thumbnail inputs: %w", err)
	}
	for i := range sz.ThumbFiles {
		img := testchart.Photo(sz.ThumbSrc.X, sz.ThumbSrc.Y, seed+uint64(i))
		var buf bytes.Buffer
		if err := imagefile.Encode(&buf, img, imagefile.JPEG, 90); err != nil {
			return fmt.Errorf("thumbnail inputs: %w", err)
		}
		if err := os.WriteFile(filepath.Join(w.thumbIn, fmt.Sprintf("photo-%03d.jpg", i)), buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("thumbnail inputs: %w", err)
		}
	}
	w.thumbOpt = thumbnail.Options{Size: thumbnail.Size{W: sz.ThumbOut, H: sz.ThumbOut}, Filter: corescale.Lanczos3}
	return nil
}

// thumbRun runs the batch into a fresh folder named out and returns what it
// wrote.
func (w *work) thumbRun(opt thumbnail.Options, out string) (map[string][]byte, *thumbnail.Summary, error) {
	dir := filepath.Join(w.tmp, out)
	os.RemoveAll(dir)
	defer os.RemoveAll(dir)
	sum, err := w.thumbBatch(opt, dir)
	if err != nil {
		return nil, nil, err
	}
	files := map[string][]byte{}
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = b
		return err
	})
	return files, sum, err
}

func (w *work) thumbBatch(opt thumbnail.Options, dir string) (*thumbnail.Summary, error) {
	b, err := thumbnail.Plan([]string{w.thumbIn}, dir, imagefile.JPEG)
	if err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	sum, err := thumbnail.Run(context.Background(), b, opt)
	if err != nil {
		return nil, fmt.Errorf("run: %w", err)
	}
	if sum.Failed > 0 {
		return sum, fmt.Errorf("%d of %d files failed, first: %v", sum.Failed, sum.Failed+sum.Done, sum.Failures[0])
	}
	return sum, nil
}

// task is one workload on one backend, ready to check and time.
type task struct {
	before func() error // untimed, before each run
	run    func() error
	check  func() error // one run, compared with the reference
	reset  func()       // clears phase timings before the timed runs
	phases func(runs int) map[string]float64
	close  func()
}

// taskFor makes the task of workload w on backend b.
func (w *work) taskFor(b Backend) (*task, error) {
	t := &task{before: func() error { return nil }, reset: func() {}, close: func() {},
		phases: func(int) map[string]float64 { return nil }}
	switch w.kind {
	case "spin":
		if b.Workers <= 0 {
			return nil, ErrUnsupported // a probe of the CPU cores
		}
		out := make([]uint64, spinBundles)
		t.run = func() error { spin(out, w.spinSteps, b.Workers); return nil }
		t.check = func() error {
			clear(out)
			t.run()
			if bad, first := differences(out, w.spinRef); bad > 0 {
				return fmt.Errorf("%d of %d bundles differ, first at %d", bad, len(out), first)
			}
			return nil
		}
	case "prime":
		if b.NewPrimeTester == nil {
			return nil, ErrUnsupported
		}
		pt, err := b.NewPrimeTester()
		if err != nil {
			return nil, err
		}
		out := make([]bool, len(w.numbers))
		t.run = func() error { return pt.TestPrimes(w.numbers, out) }
		t.check = func() error {
			clear(out)
			if err := t.run(); err != nil {
				return err
			}
			return comparePrimes(w.numbers, out, w.ref)
		}
		engineTimings(t, pt)
	case "resize":
		if b.NewResizer == nil {
			return nil, ErrUnsupported
		}
		opt := w.resizeOptions(b.Workers)
		r, err := b.NewResizer(opt)
		if err != nil {
			return nil, err
		}
		dst := corescale.NewRaster(w.dst.X, w.dst.Y, w.src.Channels)
		t.run = func() error { return r.Resize(dst, w.src) }
		t.check = func() error {
			clear(dst.Pix)
			if err := t.run(); err != nil {
				return err
			}
			return compareBytes(dst.Pix, w.refPix)
		}
		engineTimings(t, r)
	case "thumbnail":
		if b.Thumbnail == nil {
			return nil, ErrUnsupported
		}
		opt := w.thumbOpt
		release, err := b.Thumbnail(&opt)
		if err != nil {
			return nil, err
		}
		var total thumbnail.Phases
		n := 0
		dir := func() string { return filepath.Join(w.tmp, fmt.Sprintf("out-%s-%d-%d", b.Name, b.Workers, n)) }
		t.before = func() error {
			os.RemoveAll(dir())
			n++
			return nil
		}
		t.run = func() error {
			sum, err := w.thumbBatch(opt, dir())
			if sum != nil {
				total.Decode += sum.Decode
				total.Resize += sum.Resize
				total.Encode += sum.Encode
				total.Write += sum.Write
			}
			return err
		}
		t.check = func() error {
			files, _, err := w.thumbRun(opt, fmt.Sprintf("check-%s-%d", b.Name, b.Workers))
			if err != nil {
				return err
			}
			return compareFiles(files, w.refFiles)
		}
		inner := func(int) map[string]float64 { return nil }
		if opt.Resizer != nil {
			engineTimings(t, opt.Resizer)
			inner = t.phases
		}
		innerReset := t.reset
		t.reset = func() { total = thumbnail.Phases{}; innerReset() }
		t.phases = func(runs int) map[string]float64 {
			ph := inner(runs)
			if ph == nil {
				ph = map[string]float64{}
			}
			r := float64(runs)
			ph["decode"] = total.Decode.Seconds() / r
			ph["resize"] = total.Resize.Seconds() / r
			ph["encode"] = total.Encode.Seconds() / r
			ph["write"] = total.Write.Seconds() / r
			return ph
		}
		t.close = func() {
			release()
			os.RemoveAll(dir())
		}
	}
	return t, nil
}

// engineTimings hooks a GPU engine's per-phase device timings into t.
func engineTimings(t *task, engine any) {
	var tm *gpu.Timings
	var closer interface{ Close() error }
	switch e := engine.(type) {
	case *gpu.PrimeEngine:
		tm, closer = &e.Timings, e
	case *gpu.ResizeEngine:
		tm, closer = &e.Timings, e
	default:
		return
	}
	t.reset = func() { *tm = gpu.Timings{} }
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

func comparePrimes(ns []uint64, got, want []bool) error {
	bad, first := differences(got, want)
	if bad == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d verdicts differ from the serial engine's; first: %d is prime = %v, serial says %v",
		bad, len(want), ns[first], got[first], want[first])
}

func compareBytes(got, want []byte) error {
	if len(got) != len(want) {
		return fmt.Errorf("output is %d bytes, the serial engine's %d", len(got), len(want))
	}
	bad, first := differences(got, want)
	if bad == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d output bytes differ from the serial engine's; first at byte %d: %d, serial %d",
		bad, len(want), first, got[first], want[first])
}

func compareFiles(got, want map[string][]byte) error {
	names := make([]string, 0, len(want))
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		g, ok := got[n]
		if !ok {
			return fmt.Errorf("%s: missing", n)
		}
		if !bytes.Equal(g, want[n]) {
			return fmt.Errorf("%s differs from the serial batch's output", n)
		}
	}
	if len(got) != len(want) {
		return fmt.Errorf("%d files, the serial batch wrote %d", len(got), len(want))
	}
	return nil
}

// since is time.Since in seconds.
func since(t time.Time) float64 { return time.Since(t).Seconds() }
