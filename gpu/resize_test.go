package gpu_test

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// TestResizeEngineEmulated runs the GPU resize engine on the emulated
// driver, with its memory budget cut so an image takes several bands on the
// two streams, and compares every byte with the CPU engine: every filter,
// 1 to 4 channels, down, up and odd sizes. The GPU kernels use the same
// tables and fixed point, so the bytes must be equal, not just within a
// level.
func TestResizeEngineEmulated(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	for _, f := range corescale.Filters {
		e, err := gpu.NewResizeEngine(&launchLimits{Driver: &emu.Driver{}, t: t}, 0, f)
		if err != nil {
			t.Fatal(err)
		}
		cpu, _ := resize.New(resize.Options{Filter: f, Workers: 1})
		for ch := 1; ch <= 4; ch++ {
			src := corescale.NewRaster(157, 121, ch)
			for i := range src.Pix {
				src.Pix[i] = uint8(rng.IntN(256))
			}
			for _, sz := range [][2]int{{31, 17}, {157, 40}, {200, 301}, {1, 1}, {77, 121}} {
				name := fmt.Sprintf("%s/%dch/%dx%d", f, ch, sz[0], sz[1])
				want := corescale.NewRaster(sz[0], sz[1], ch)
				if err := cpu.Resize(want, src); err != nil {
					t.Fatal(err)
				}
				budgets := []int64{0}
				if sz[1] > 40 {
					budgets = append(budgets, 40000) // a few output rows per band
				}
				for _, budget := range budgets {
					e.Budget = budget
					chunks := e.Timings.Chunks
					got := corescale.NewRaster(sz[0], sz[1], ch)
					if err := e.Resize(got, src); err != nil {
						t.Fatalf("%s, budget %d: %v", name, budget, err)
					}
					if !bytes.Equal(got.Pix, want.Pix) {
						t.Fatalf("%s, budget %d: the GPU engine (emulated) differs from the CPU engine", name, budget)
					}
					if budget > 0 && e.Timings.Chunks-chunks < 2 {
						t.Errorf("%s: budget %d took %d band(s): the test means to force several", name, budget, e.Timings.Chunks-chunks)
					}
				}
			}
		}
		e.Close()
	}
}

// TestResizeEngineSmallDevice: with the emulated device's memory itself
// cut (not a budget), the engine plans its bands from the free memory the
// device reports, and still gives the CPU's bytes; the phases are timed.
func TestResizeEngineSmallDevice(t *testing.T) {
	e, err := gpu.NewResizeEngine(&launchLimits{Driver: &emu.Driver{Memory: 96 << 10}, t: t}, 0, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	src := corescale.NewRaster(301, 257, 3)
	for i := range src.Pix {
		src.Pix[i] = uint8(i * 7 % 251)
	}
	cpu, _ := resize.New(resize.Options{Workers: 1})
	for _, sz := range [][2]int{{97, 61}, {400, 300}} {
		want, got := corescale.NewRaster(sz[0], sz[1], 3), corescale.NewRaster(sz[0], sz[1], 3)
		cpu.Resize(want, src)
		before := e.Timings.Chunks
		if err := e.Resize(got, src); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Pix, want.Pix) {
			t.Errorf("%dx%d: differs from the CPU engine", sz[0], sz[1])
		}
		if e.Timings.Chunks-before < 3 {
			t.Errorf("%dx%d: %d bands on a 96 KiB device", sz[0], sz[1], e.Timings.Chunks-before)
		}
	}
	if e.Timings.Kernel <= 0 || e.Timings.HostToDevice <= 0 {
		t.Errorf("phases not timed: %+v", e.Timings)
	}
}

func TestResizeEngineTooLittleMemory(t *testing.T) {
	e, err := gpu.NewResizeEngine(&emu.Driver{}, 0, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	e.Budget = 100
	src := corescale.NewRaster(1000, 1000, 3)
	if err := e.Resize(corescale.NewRaster(10, 10, 3), src); err == nil {
		t.Error("a 100-byte budget: no error")
	}
}

// TestResizeSpanEmulated: the planes of a YCbCr resize, spans of chroma
// sited between the luma samples, give the CPU engine's ResizeYCbCr bytes
// on the emulated GPU, for every filter and output subsampling, in one
// band and in several.
func TestResizeSpanEmulated(t *testing.T) {
	full := image.NewYCbCr(image.Rect(0, 0, 203, 151), image.YCbCrSubsampleRatio420)
	for i := range full.Y {
		full.Y[i] = uint8(i*7 + i/203)
	}
	for i := range full.Cb {
		full.Cb[i], full.Cr[i] = uint8(i*5), uint8(i*11+i/102)
	}
	m := full.SubImage(image.Rect(1, 3, 202, 150)).(*image.YCbCr)
	for _, f := range corescale.Filters {
		e, err := gpu.NewResizeEngine(&launchLimits{Driver: &emu.Driver{}, t: t}, 0, f)
		if err != nil {
			t.Fatal(err)
		}
		cpu, _ := resize.New(resize.Options{Filter: f, Workers: 1})
		for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio420} {
			for _, sz := range [][2]int{{31, 17}, {301, 250}, {77, 147}} {
				want, err := cpu.ResizeYCbCr(m, sz[0], sz[1], ratio)
				if err != nil {
					t.Fatal(err)
				}
				for _, budget := range []int64{0, 30000} {
					e.Budget = budget
					got, planes, err := resize.YCbCrPlanes(m, sz[0], sz[1], ratio)
					if err != nil {
						t.Fatal(err)
					}
					chunks := e.Timings.Chunks
					for _, p := range planes {
						if err := e.ResizeSpan(p.Dst, p.Src, p.Span); err != nil {
							t.Fatal(err)
						}
					}
					if budget > 0 && sz[1] > 100 && e.Timings.Chunks-chunks < 6 {
						t.Errorf("%dx%d: budget %d took %d band(s) for 3 planes: the test means to force several each", sz[0], sz[1], budget, e.Timings.Chunks-chunks)
					}
					if !bytes.Equal(got.Y, want.Y) || !bytes.Equal(got.Cb, want.Cb) || !bytes.Equal(got.Cr, want.Cr) {
						t.Errorf("%s, %v, %dx%d, budget %d: the GPU's planes differ from the CPU's", f, ratio, sz[0], sz[1], budget)
					}
				}
			}
		}
		if err := e.ResizeSpan(corescale.NewRaster(4, 4, 1), corescale.NewRaster(8, 8, 1), [4]float64{3, 0, 3, 8}); err == nil {
			t.Errorf("%s: an empty span was taken", f)
		}
		e.Close()
	}
}

// TestResizeEngineConcurrent: images resized at the same time from several
// goroutines (several in flight, each on a lane of its own) get the CPU's
// bytes; a second round of the same sizes allocates nothing.
func TestResizeEngineConcurrent(t *testing.T) {
	a := &accounting{Driver: &emu.Driver{}}
	e, err := gpu.NewResizeEngine(a, 0, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	cpu, _ := resize.New(resize.Options{Workers: 1})
	srcs := make([]*corescale.Raster, 6)
	for i := range srcs {
		srcs[i] = corescale.NewRaster(120, 90, 3)
		for j := range srcs[i].Pix {
			srcs[i].Pix[j] = uint8((j*7 + i) % 251)
		}
	}
	round := func() {
		var wg sync.WaitGroup
		for i, src := range srcs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				want, got := corescale.NewRaster(40, 30, 3), corescale.NewRaster(40, 30, 3)
				cpu.Resize(want, src)
				if err := e.Resize(got, src); err != nil {
					t.Error(err)
					return
				}
				if !bytes.Equal(got.Pix, want.Pix) {
					t.Errorf("image %d differs from the CPU engine", i)
				}
			}()
		}
		wg.Wait()
	}
	round()
	before := a.allocs()
	round()
	if n := a.allocs() - before; n != 0 {
		t.Errorf("the same images again: %d allocations", n)
	}
}

// allocs is how many allocations (device, pinned, streams, events) a has
// seen.
func (a *accounting) allocs() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls
}

// TestResizeEngineTablesOnce: on a device small enough that a wide image
// takes it alone, images of one new size that arrive meanwhile wait to
// upload their tap tables; they must share one upload, and the engine
// free every allocation at Close: a caller that waited while another
// uploaded the same table must not upload it again over it.
func TestResizeEngineTablesOnce(t *testing.T) {
	a := &accounting{Driver: &emu.Driver{Memory: 1 << 20}}
	e, err := gpu.NewResizeEngine(a, 0, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	wide, small := corescale.NewRaster(4000, 60, 3), corescale.NewRaster(120, 90, 3)
	for _, r := range []*corescale.Raster{wide, small} {
		for j := range r.Pix {
			r.Pix[j] = uint8(j * 7 % 251)
		}
	}
	resize := func(dst, src *corescale.Raster) {
		if err := e.Resize(dst, src); err != nil {
			t.Error(err)
		}
	}
	// The wide image's tables first, so that from then on it goes
	// straight to taking the device alone.
	resize(corescale.NewRaster(40, 30, 3), wide)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 40 {
			resize(corescale.NewRaster(40, 30, 3), wide)
		}
	}()
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The same new sizes in every goroutine: new tables.
			for k := range 30 {
				resize(corescale.NewRaster(41+k, 31+k, 3), small)
			}
		}()
	}
	wg.Wait()
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if l := a.leaks(); l != "" {
		t.Errorf("left after Close:%s", l)
	}
}
