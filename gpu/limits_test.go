package gpu_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"
	"unsafe"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// launchLimits is a gpu.Driver that passes everything to another and
// checks each launch against the limits every CUDA device has since
// compute capability 3.0 (cuLaunchKernel fails with
// CUDA_ERROR_INVALID_VALUE beyond them): grid x up to 2^31−1, y and z up
// to 65,535; block x and y up to 1,024, z up to 64, and 1,024 threads in
// all. The emulator runs any grid it is given, so without this a launch
// that a GPU refuses would pass every test.
type launchLimits struct {
	gpu.Driver
	t *testing.T

	mu       sync.Mutex
	launches int
	largest  gpu.Dim3 // the largest grid seen, per dimension
}

func (d *launchLimits) Open(device int) (gpu.Context, error) {
	c, err := d.Driver.Open(device)
	if err != nil {
		return nil, err
	}
	return limitedContext{c, d}, nil
}

type limitedContext struct {
	gpu.Context
	d *launchLimits
}

func (c limitedContext) NewStream() (gpu.Stream, error) {
	s, err := c.Context.NewStream()
	if err != nil {
		return nil, err
	}
	return limitedStream{s, c.d}, nil
}

type limitedStream struct {
	gpu.Stream
	d *launchLimits
}

func (s limitedStream) Launch(f gpu.Function, grid, block gpu.Dim3, args []unsafe.Pointer) error {
	d := s.d
	d.mu.Lock()
	d.launches++
	for i := range grid {
		d.largest[i] = max(d.largest[i], grid[i])
	}
	d.mu.Unlock()
	if why := outsideLimits(grid, block); why != "" {
		d.t.Errorf("launch of %s with grid %v, block %v: %s", f.Name(), grid, block, why)
	}
	return s.Stream.Launch(f, grid, block, args)
}

// outsideLimits says which launch limit grid and block break, or "".
func outsideLimits(grid, block gpu.Dim3) string {
	switch {
	case grid[0] < 1 || grid[1] < 1 || grid[2] < 1 || block[0] < 1 || block[1] < 1 || block[2] < 1:
		return "an empty dimension"
	case grid[0] > 1<<31-1:
		return "grid x over 2^31−1"
	case grid[1] > 65535 || grid[2] > 65535:
		return "grid y or z over 65,535"
	case block[0] > 1024 || block[1] > 1024 || block[2] > 64:
		return "a block dimension over its limit (1,024, 1,024, 64)"
	case uint64(block[0])*uint64(block[1])*uint64(block[2]) > 1024:
		return "over 1,024 threads in a block"
	}
	return ""
}

// TestResizeTallImage: an image taller than one launch's grid can cover in
// y (65,535 blocks of 4 rows for the horizontal pass, of 2 for the
// vertical) resized in bands each taller than that, the two the engine
// makes on a device with room for the image, gives the CPU's bytes, and
// no launch breaks a limit of the real devices.
func TestResizeTallImage(t *testing.T) {
	for _, sz := range []struct{ w, h, outW, outH, ch int }{
		{3, 300_000, 3, 270_000, 3}, // the vertical pass over the y limit
		{2, 1 << 20, 1, 1 << 20, 1}, // the tallest side --max-pixels admits, kept: both passes over it
		{5, 400_000, 2, 7, 1},       // a few output rows that each read many source rows
	} {
		t.Run(fmt.Sprintf("%dx%d-%dx%d", sz.w, sz.h, sz.outW, sz.outH), func(t *testing.T) {
			drv := &launchLimits{Driver: &emu.Driver{}, t: t}
			e, err := gpu.NewResizeEngine(drv, 0, corescale.Lanczos3)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			src := corescale.NewRaster(sz.w, sz.h, sz.ch)
			for i := range src.Pix {
				src.Pix[i] = uint8(i*131 + i>>9)
			}
			want, got := corescale.NewRaster(sz.outW, sz.outH, sz.ch), corescale.NewRaster(sz.outW, sz.outH, sz.ch)
			cpu, _ := resize.New(resize.Options{Filter: corescale.Lanczos3, Workers: 1})
			if err := cpu.Resize(want, src); err != nil {
				t.Fatal(err)
			}
			if err := e.Resize(got, src); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Pix, want.Pix) {
				t.Error("differs from the CPU engine")
			}
			if e.Timings.Chunks != 2 {
				t.Errorf("%d bands: the test means the engine's two, each taller than a grid", e.Timings.Chunks)
			}
			t.Logf("%d launches, largest grid %v", drv.launches, drv.largest)
		})
	}
}
