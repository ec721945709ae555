package backend

import (
	"fmt"
	"image"
	"math"
	"math/big"
	"os"
	"sync"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/prime"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/thumbnail"
)

// The engines of a choice. Those of the GPU backends hold a device
// context and implement io.Closer; the caller closes them.

// PrimeTester returns the choice's primality engine. An auto choice whose
// GPU engine fails to start becomes the parallel path.
func (c *Choice) PrimeTester() (corescale.PrimeTester, error) {
	switch {
	case c.Backend == corescale.Serial:
		return prime.Serial{}, nil
	case c.CPU():
		return prime.Parallel{Workers: c.Workers}, nil
	}
	e, err := gpu.NewPrimeDevices(c.Driver, c.Devices, 0)
	if err == nil {
		lost := c.lostDevices()
		e.Lost = func(device int, err error) {
			lost.add(device)
			fmt.Fprintf(os.Stderr, "corescale: GPU %d failed and is no longer used; the others test its numbers: %v\n", device, err)
		}
		return e, nil
	}
	if c.fellBack(err) {
		return c.PrimeTester()
	}
	return nil, fmt.Errorf("%s prime engine: %w", c.Backend, err)
}

// BigPrimeTester tests numbers of 65 to 4096 bits in batches.
type BigPrimeTester interface {
	TestBig(ns []*big.Int, out []bool) error
}

// BigPrimeTester returns the GPU big-number engine of a GPU choice, over
// the same devices as PrimeTester's; nil, nil for a CPU choice, whose big
// numbers go to cpu/bigprime. An auto choice whose engine fails to start
// returns nil and the reason in fellBack, so the caller tests on the CPU
// and says why; gpu and gpu-emu return the error. The choice itself is
// left as it is: the 64-bit engine may already be running on it.
func (c *Choice) BigPrimeTester() (e BigPrimeTester, fellBack string, err error) {
	if c.CPU() {
		return nil, "", nil
	}
	devices, err := c.liveDevices()
	var p *gpu.BigPrimeDevices
	if err == nil {
		p, err = gpu.NewBigPrimeDevices(c.Driver, devices, 0)
	}
	if err != nil {
		if c.auto {
			return nil, fmt.Sprintf("the GPU big-number engine failed to start: %v", err), nil
		}
		return nil, "", fmt.Errorf("%s big prime engine: %w", c.Backend, err)
	}
	lost := c.lostDevices()
	p.Lost = func(device int, err error) {
		lost.add(device)
		fmt.Fprintf(os.Stderr, "corescale: GPU %d failed and is no longer used; the others test its big numbers: %v\n", device, err)
	}
	return p, "", nil
}

// lostSet holds the devices an engine of the choice dropped, so that an
// engine made later (the big-number one, when the first big number comes)
// does not open a device already lost: opening it would fail, and fail
// the run.
type lostSet struct {
	mu      sync.Mutex
	devices map[int]bool
}

func (l *lostSet) add(device int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.devices[device] = true
}

func (l *lostSet) has(device int) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.devices[device]
}

func (c *Choice) lostDevices() *lostSet {
	if c.lost == nil {
		c.lost = &lostSet{devices: map[int]bool{}}
	}
	return c.lost
}

// liveDevices returns the choice's devices (all of the driver's when
// --devices named none) but those lost.
func (c *Choice) liveDevices() ([]int, error) {
	devices, err := gpu.DeviceList(c.Driver, c.Devices)
	if err != nil {
		return nil, err
	}
	lost := c.lostDevices()
	var live []int
	for _, d := range devices {
		if !lost.has(d) {
			live = append(live, d)
		}
	}
	if len(live) == 0 {
		return nil, fmt.Errorf("every device was lost (%v)", devices)
	}
	return live, nil
}

// Resizer returns the choice's raster resize engine with opt's filter and
// modes (its Workers are the choice's).
func (c *Choice) Resizer(opt resize.Options) (corescale.Resizer, error) {
	if c.CPU() {
		opt.Workers = c.Workers
		e, err := resize.New(opt)
		if err != nil {
			return nil, fmt.Errorf("resize engine: %w", err)
		}
		return e, nil
	}
	e, err := c.gpuResizer(opt)
	if err != nil {
		if c.fellBack(err) {
			return c.Resizer(opt)
		}
		return nil, err
	}
	return e, nil
}

func (c *Choice) gpuResizer(opt resize.Options) (*gpu.ResizeDevices, error) {
	if why := cpuOnly(opt); why != "" {
		return nil, &cpuOnlyError{why}
	}
	e, err := gpu.NewResizeDevices(c.Driver, c.Devices, opt.Filter)
	if err != nil {
		return nil, fmt.Errorf("%s resize engine: %w", c.Backend, err)
	}
	e.Lost = func(device int, err error) {
		fmt.Fprintf(os.Stderr, "corescale: GPU %d failed and is no longer used; the others resize its images: %v\n", device, err)
	}
	return e, nil
}

// Thumbnails returns the resizer and the number of files to work on at
// once for batch b. On the CPU the workers are shared between files and
// each image's rows as b.Split says; with a GPU every worker decodes and
// encodes while the device resizes several images at a time.
func (c *Choice) Thumbnails(opt resize.Options, b *thumbnail.Batch) (thumbnail.Resizer, int, error) {
	if c.CPU() {
		files, perImage := b.Split(c.Workers)
		opt.Workers = perImage
		e, err := resize.New(opt)
		if err != nil {
			return nil, 0, fmt.Errorf("resize engine: %w", err)
		}
		return e, files, nil
	}
	e, err := c.gpuResizer(opt)
	if err != nil {
		if c.fellBack(err) {
			return c.Thumbnails(opt, b)
		}
		return nil, 0, err
	}
	return &deviceImages{engine: e}, c.Workers, nil
}

// deviceImages resizes decoded images on the GPUs, several at a time
// (the engine keeps some in flight on each device), as 8-bit rasters: JPEG's YCbCr plane by plane to 4:4:4 as the CPU engine
// does (the same spans, so the same bytes); 16-bit images are converted to
// RGB at 8 bits first, which the CPU engine avoids.
type deviceImages struct {
	engine *gpu.ResizeDevices
}

// ResizeImage implements thumbnail.Resizer.
func (d *deviceImages) ResizeImage(img image.Image, w, h int) (image.Image, error) {
	b := img.Bounds()
	return d.ResizeImageSpan(img, [4]float64{0, 0, float64(b.Dx()), float64(b.Dy())}, w, h)
}

// ResizeImageSpan implements thumbnail.SpanResizer: the CPU engine's
// ResizeImageSpan on the device, with the same spans and so the same
// bytes.
func (d *deviceImages) ResizeImageSpan(img image.Image, span [4]float64, w, h int) (image.Image, error) {
	if m, ok := img.(*image.YCbCr); ok {
		// A layout YCbCrPlanesSpan refuses (negative coordinates) is
		// converted to RGB below, as the CPU engine does.
		if out, planes, err := resize.YCbCrPlanesSpan(m, span, w, h, image.YCbCrSubsampleRatio444); err == nil {
			if err := d.planes(planes); err != nil {
				return nil, err
			}
			return out, nil
		}
	}
	src := resize.FromImage(img)
	if err := checkSpan(span, src.Width, src.Height); err != nil {
		return nil, err
	}
	dst := corescale.NewRaster(w, h, src.Channels)
	err := d.engine.ResizeSpan(dst, src, span)
	if err != nil {
		return nil, err
	}
	return resize.ToImage(dst), nil
}

// checkSpan refuses the spans the CPU engine refuses: empty, not finite,
// or not inside the w×h source.
func checkSpan(span [4]float64, w, h int) error {
	for _, v := range span {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("resize: span %v is not finite", span)
		}
	}
	if !(0 <= span[0] && span[0] < span[2] && span[2] <= float64(w) && 0 <= span[1] && span[1] < span[3] && span[3] <= float64(h)) {
		return fmt.Errorf("resize: span %v: want a non-empty box inside the %d×%d source", span, w, h)
	}
	return nil
}

// ResizeYCbCr is the CPU engine's ResizeYCbCr on the device: the same
// plane spans, so the same bytes.
func (d *deviceImages) ResizeYCbCr(m *image.YCbCr, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, error) {
	b := m.Bounds()
	return d.ResizeYCbCrSpan(m, [4]float64{0, 0, float64(b.Dx()), float64(b.Dy())}, w, h, ratio)
}

// ResizeYCbCrSpan implements thumbnail.SpanResizer, as ResizeYCbCr.
func (d *deviceImages) ResizeYCbCrSpan(m *image.YCbCr, span [4]float64, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, error) {
	out, planes, err := resize.YCbCrPlanesSpan(m, span, w, h, ratio)
	if err != nil {
		return nil, err
	}
	if err := d.planes(planes); err != nil {
		return nil, err
	}
	return out, nil
}

// planes runs a YCbCr resize's planes on the device.
func (d *deviceImages) planes(planes [3]resize.Plane) error {
	for _, p := range planes {
		if err := d.engine.ResizeSpan(p.Dst, p.Src, p.Span); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the engine's device context.
func (d *deviceImages) Close() error { return d.engine.Close() }

// DeviceTimings returns the devices' per-phase timings.
func (d *deviceImages) DeviceTimings() *gpu.Timings { return d.engine.DeviceTimings() }

// EachDevice returns the devices and each one's timings, for bench's GPU
// rows.
func (d *deviceImages) EachDevice() ([]int, []gpu.Timings) { return d.engine.EachDevice() }

// ClearTimings zeroes the devices' timings.
func (d *deviceImages) ClearTimings() { d.engine.ClearTimings() }
