package gpu

import (
	"errors"
	"fmt"
	"sync"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
)

// ResizeDevices resizes images on several GPUs at once: each image goes
// to the device that frees one of its lanes first (stealing from a shared
// pool of lanes, not a static split), so each device takes what its speed
// allows; a large image is banded on the device that takes it.
//
// A device that fails mid-batch is dropped for the rest of the engine's
// life and the images it was resizing are redone on the others: their
// sources are still on the host, a destination is written only from
// finished bands and is written whole again, and the other devices run
// the same kernels and tables, so the bytes are the same. Only when every
// device has failed does a resize fail, naming each device's error — the
// choice PrimeDevices made. An image too large for a device's memory is
// not the device's failure: it goes to another device, and fails only
// when none can take it. A device that fails to open is released and
// dropped the same way, and Engines holds only the devices that opened.
//
// It is safe for concurrent use, and meant to be: a batch keeps as many
// images in flight as the devices have lanes.
type ResizeDevices struct {
	Engines []*ResizeEngine
	// Lost, when set, hears of each device dropped while others remain.
	Lost func(device int, err error)

	// lanes holds an engine's index for each of its lanes that is free.
	lanes chan int
	// none is closed when every device has failed.
	none chan struct{}

	mu     sync.Mutex
	failed []error
	live   int
	// Timings add up every device's phases; each keeps them device by
	// device, in the order of Engines (both under mu).
	timings Timings
	each    []Timings

	setUp setUpLosses // devices that failed to open, not yet told to Lost
}

// NewResizeDevices opens a resize engine for filter on each of devices
// (all of drv's when empty). A device that fails to open is released and
// dropped, as one failing mid-batch, and told to Lost at the first
// resize (or at Close); it fails only when no device opens.
func NewResizeDevices(drv Driver, devices []int, filter corescale.Filter) (*ResizeDevices, error) {
	// A filter the engine lacks would fail every device, and is no
	// device's failure.
	if filter != corescale.Nearest {
		if _, err := resample.KernelOf(filter); err != nil {
			return nil, err
		}
	}
	engines, losses, err := openEach(drv, devices, "gpu resize", func(d int) (*ResizeEngine, error) {
		return NewResizeEngine(drv, d, filter)
	})
	if err != nil {
		return nil, err
	}
	p := &ResizeDevices{Engines: engines, lanes: make(chan int, resizeLanes*len(engines)), none: make(chan struct{})}
	p.setUp.pending = losses
	for i := range engines {
		for range resizeLanes {
			p.lanes <- i
		}
	}
	p.failed = make([]error, len(p.Engines))
	p.each = make([]Timings, len(p.Engines))
	p.live = len(p.Engines)
	return p, nil
}

// Resize implements corescale.Resizer.
func (p *ResizeDevices) Resize(dst, src *corescale.Raster) error {
	return p.ResizeSpan(dst, src, [4]float64{0, 0, float64(src.Width), float64(src.Height)})
}

// ResizeSpan is ResizeEngine.ResizeSpan on whichever device frees a lane
// first.
func (p *ResizeDevices) ResizeSpan(dst, src *corescale.Raster, span [4]float64) error {
	// Bad input would fail on every device, and must not drop any.
	if err := checkResize(dst, src, span); err != nil {
		return err
	}
	p.setUp.tell(p.Lost)
	var refused map[int]error // devices too small for this image
	for {
		var i int
		select {
		case i = <-p.lanes:
		case <-p.none:
			return p.allFailed()
		}
		p.mu.Lock()
		dead := p.failed[i] != nil
		p.mu.Unlock()
		if dead {
			// A dropped device's lanes leave the pool as they are drawn.
			continue
		}
		// owned: the lane drawn is this image's, to give back after it.
		owned := true
		if _, ok := refused[i]; ok {
			// Drawing lanes until a larger device's came up would spin:
			// give this one back and queue on a device that has not
			// refused the image, behind its images in flight.
			p.lanes <- i
			j, err := p.untried(refused)
			if err != nil {
				return err
			}
			i, owned = j, false
		}
		err := p.Engines[i].ResizeSpan(dst, src, span)
		if err == nil {
			p.gather(i)
			if owned {
				p.lanes <- i
			}
			return nil
		}
		if tooLarge := (*bandTooLarge)(nil); errors.As(err, &tooLarge) {
			if owned {
				p.lanes <- i
			}
			if refused == nil {
				refused = map[int]error{}
			}
			refused[i] = err
			if _, err := p.untried(refused); err != nil {
				return err
			}
			continue
		}
		p.drop(i, err)
	}
}

// untried returns a live device that has not refused the image as too
// large, or the last refusal when there is none.
func (p *ResizeDevices) untried(refused map[int]error) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	var last error
	for i, f := range p.failed {
		if f != nil {
			continue
		}
		err, ok := refused[i]
		if !ok {
			return i, nil
		}
		last = err
	}
	if last == nil {
		return 0, p.allFailedLocked()
	}
	return 0, last
}

// drop records that engine i's device failed with err; the device's lanes
// are not given back.
func (p *ResizeDevices) drop(i int, err error) {
	p.mu.Lock()
	first := p.failed[i] == nil
	if first {
		p.failed[i] = err
		p.live--
		if p.live == 0 {
			close(p.none)
		}
	}
	tell := first && p.live > 0 && p.Lost != nil
	p.mu.Unlock()
	if tell {
		p.Lost(p.Engines[i].device, err)
	}
}

// allFailed reports why every device failed.
func (p *ResizeDevices) allFailed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.allFailedLocked()
}

func (p *ResizeDevices) allFailedLocked() error {
	if len(p.failed) == 1 {
		return p.failed[0]
	}
	return fmt.Errorf("gpu resize: every device failed: %w", errors.Join(p.failed...))
}

// gather moves engine i's timings into p's, counting the image.
func (p *ResizeDevices) gather(i int) {
	e := p.Engines[i]
	e.mu.Lock()
	t := e.Timings
	e.Timings = Timings{}
	e.mu.Unlock()
	t.Items = 1
	p.mu.Lock()
	p.timings.add(t)
	p.each[i].add(t)
	p.mu.Unlock()
}

// DeviceTimings returns the sum of every device's timings since they were
// last cleared, to read while no resize runs; Items counts the images (and
// planes) resized.
func (p *ResizeDevices) DeviceTimings() *Timings { return &p.timings }

// EachDevice returns the devices and each one's timings since they were
// last cleared (ClearTimings).
func (p *ResizeDevices) EachDevice() (devices []int, each []Timings) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, e := range p.Engines {
		devices = append(devices, e.device)
		each = append(each, p.each[i])
	}
	return devices, each
}

// ClearTimings zeroes the timings, the sum and each device's.
func (p *ResizeDevices) ClearTimings() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.timings = Timings{}
	clear(p.each)
}

// Close closes every engine; a device that failed can only report its
// failure again, which is not news.
func (p *ResizeDevices) Close() error {
	p.setUp.tell(p.Lost)
	var first error
	for i, e := range p.Engines {
		if err := e.Close(); err != nil && first == nil && (p.failed == nil || p.failed[i] == nil) {
			first = err
		}
	}
	return first
}
