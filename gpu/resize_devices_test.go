package gpu_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/gpu/emu"
)

// resizeCase is an image of a batch and the CPU engine's resize of it.
type resizeCase struct {
	src, want *corescale.Raster
}

// resizeBatch makes n images of 1 to 4 channels and a few sizes, and
// their CPU resizes with lanczos3.
func resizeBatch(t *testing.T, n int) []resizeCase {
	t.Helper()
	cpu, err := resize.New(resize.Options{Filter: corescale.Lanczos3, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	sizes := [][4]int{{157, 121, 31, 17}, {120, 90, 40, 30}, {64, 200, 90, 301}, {301, 257, 97, 61}}
	var cs []resizeCase
	for i := range n {
		sz, ch := sizes[i%len(sizes)], 1+i%4
		src := corescale.NewRaster(sz[0], sz[1], ch)
		for j := range src.Pix {
			src.Pix[j] = uint8((j*7 + i*13 + j/sz[0]) % 251)
		}
		want := corescale.NewRaster(sz[2], sz[3], ch)
		if err := cpu.Resize(want, src); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, resizeCase{src, want})
	}
	return cs
}

// runResizeBatch resizes every case on r at once, as the thumbnail
// pipeline keeps images in flight, and returns the first error; each
// output must be the CPU's bytes.
func runResizeBatch(t *testing.T, r corescale.Resizer, cs []resizeCase) error {
	t.Helper()
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for i, c := range cs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := corescale.NewRaster(c.want.Width, c.want.Height, c.want.Channels)
			if err := r.Resize(got, c.src); err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				return
			}
			if !bytes.Equal(got.Pix, c.want.Pix) {
				t.Errorf("image %d (%dx%d, %d channels): differs from the CPU engine", i, c.src.Width, c.src.Height, c.src.Channels)
			}
		}()
	}
	wg.Wait()
	return first
}

// TestResizeDevicesEmulated: a batch on 1, 2 and 4 emulated devices of
// different memory sizes (so different bands) gives the CPU's bytes, and
// every device takes images, counted in its own timings.
func TestResizeDevicesEmulated(t *testing.T) {
	cs := resizeBatch(t, 40)
	sizes := []int64{256 << 10, 1 << 20, 160 << 10, 4 << 20}
	for _, k := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("%d devices", k), func(t *testing.T) {
			drv := newPerDevice(t, sizes[:k]...)
			p, err := gpu.NewResizeDevices(drv, nil, corescale.Lanczos3)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if err := runResizeBatch(t, p, cs); err != nil {
				t.Fatal(err)
			}
			devices, each := p.EachDevice()
			if len(devices) != k {
				t.Fatalf("%d devices reported, want %d", len(devices), k)
			}
			images := 0
			for i, d := range devices {
				if drv.launches[d] == 0 || each[i].Items == 0 || each[i].Kernel <= 0 {
					t.Errorf("device %d: %d launches, timings %+v: it took no images", d, drv.launches[d], each[i])
				}
				images += each[i].Items
			}
			if images != len(cs) || p.DeviceTimings().Items != len(cs) {
				t.Errorf("the devices' images add up to %d (sum %d), the batch held %d", images, p.DeviceTimings().Items, len(cs))
			}
		})
	}
}

// TestResizeDevicesLoseOne: a device that fails mid-batch is dropped, its
// images are redone on the others (the CPU's bytes), Lost hears of it, and
// the next batch runs without it; when the last device fails, a resize
// fails with the device's error, and names every device's.
func TestResizeDevicesLoseOne(t *testing.T) {
	cs := resizeBatch(t, 24)
	drv := newPerDevice(t, 256<<10, 1<<20, 160<<10)
	drv.lose.device, drv.lose.after = 1, 3 // mid-image: its second image's vertical pass
	p, err := gpu.NewResizeDevices(drv, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var (
		mu   sync.Mutex
		lost []int
	)
	p.Lost = func(device int, err error) {
		if !errors.Is(err, errLost) {
			t.Errorf("device %d lost with %v", device, err)
		}
		mu.Lock()
		lost = append(lost, device)
		mu.Unlock()
	}
	if err := runResizeBatch(t, p, cs); err != nil {
		t.Fatal(err)
	}
	if len(lost) != 1 || lost[0] != 1 {
		t.Fatalf("devices reported lost: %v, want [1]", lost)
	}
	drv.mu.Lock()
	before := drv.launches[1]
	drv.mu.Unlock()
	if err := runResizeBatch(t, p, cs); err != nil {
		t.Fatal(err)
	}
	if drv.launches[1] != before {
		t.Errorf("the lost device was given images again")
	}

	// The only device lost: the resize fails with its error.
	one := newPerDevice(t, 256<<10)
	one.lose.device, one.lose.after = 0, 3
	q, err := gpu.NewResizeDevices(one, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := runResizeBatch(t, q, cs); !errors.Is(err, errLost) {
		t.Errorf("the only device lost: %v", err)
	}
	// Two devices, both lost in turn: the error names each.
	two := newPerDevice(t, 256<<10, 256<<10)
	two.lose.device, two.lose.after = 0, 0
	r, err := gpu.NewResizeDevices(two, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if err := runResizeBatch(t, r, cs); err != nil {
		t.Fatal(err)
	}
	two.mu.Lock()
	two.lose.device, two.lose.after = 1, two.launches[1]
	two.mu.Unlock()
	err = runResizeBatch(t, r, cs)
	if !errors.Is(err, errLost) || strings.Count(err.Error(), errLost.Error()) != 2 {
		t.Errorf("both devices lost: %v", err)
	}
}

// TestResizeDevicesTooLarge: an image too wide for a small device's
// memory goes to a larger device (the small one is not dropped, and keeps
// taking the images it can); with only the small device, it fails saying
// why.
func TestResizeDevicesTooLarge(t *testing.T) {
	cpu, _ := resize.New(resize.Options{Filter: corescale.Lanczos3, Workers: 1})
	wide := corescale.NewRaster(4000, 30, 4)
	for i := range wide.Pix {
		wide.Pix[i] = uint8(i * 5 % 251)
	}
	want := corescale.NewRaster(1000, 10, 4)
	cpu.Resize(want, wide)
	cs := append(resizeBatch(t, 12), resizeCase{wide, want}, resizeCase{wide, want})
	drv := newPerDevice(t, 64<<10, 4<<20)
	p, err := gpu.NewResizeDevices(drv, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Lost = func(device int, err error) { t.Errorf("device %d dropped: %v", device, err) }
	if err := runResizeBatch(t, p, cs); err != nil {
		t.Fatal(err)
	}
	if err := runResizeBatch(t, p, resizeBatch(t, 8)); err != nil {
		t.Fatal(err)
	}

	small, err := gpu.NewResizeDevices(&emu.Driver{Memories: []int64{64 << 10}}, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer small.Close()
	if err := small.Resize(corescale.NewRaster(1000, 10, 4), wide); err == nil || !strings.Contains(err.Error(), "needs") || !strings.Contains(err.Error(), "of device memory available") {
		t.Errorf("a 4000-pixel-wide image on a 64 KiB device: %v", err)
	}
}

// TestResizeDevicesBadInput: a resize that is the input's fault fails on
// the first device it meets without dropping it.
func TestResizeDevicesBadInput(t *testing.T) {
	p, err := gpu.NewResizeDevices(&emu.Driver{Memories: []int64{1 << 20, 1 << 20}}, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Lost = func(device int, err error) { t.Errorf("device %d dropped for bad input: %v", device, err) }
	for range 10 {
		if err := p.Resize(corescale.NewRaster(10, 10, 3), corescale.NewRaster(20, 20, 4)); err == nil {
			t.Fatal("4 channels into 3: no error")
		}
	}
	if err := runResizeBatch(t, p, resizeBatch(t, 8)); err != nil {
		t.Fatal(err)
	}
}

// TestResizeDevicesNoAllocAfterFirst: on two devices, a second batch of
// the same sizes allocates nothing: each device's lanes and tables are
// kept from image to image.
func TestResizeDevicesNoAllocAfterFirst(t *testing.T) {
	a := &accounting{Driver: &emu.Driver{Memories: []int64{4 << 20, 8 << 20}}}
	p, err := gpu.NewResizeDevices(a, nil, corescale.Lanczos3)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	one := resizeBatch(t, 1)[0]
	cs := []resizeCase{one, one, one, one}
	// Enough rounds that every lane of both devices has had an image.
	for range 4 {
		if err := runResizeBatch(t, p, cs); err != nil {
			t.Fatal(err)
		}
	}
	before := a.allocs()
	for range 4 {
		if err := runResizeBatch(t, p, cs); err != nil {
			t.Fatal(err)
		}
	}
	if n := a.allocs() - before; n != 0 {
		t.Errorf("the same images again: %d allocations", n)
	}
}
