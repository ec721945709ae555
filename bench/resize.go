package bench

import (
	"fmt"
	"image"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/testchart"
)

// resizeWork resizes one decoded test chart, exact or in the fast mode.
type resizeWork struct {
	id     string
	fast   bool
	size   func(Sizes) (in, out image.Point)
	src    *corescale.Raster
	dst    image.Point
	refPix []byte
}

func (w *resizeWork) name() string { return w.id }
func (w *resizeWork) kind() string { return "resize" }

func (w *resizeWork) options() resize.Options {
	return resize.Options{Filter: corescale.Lanczos3, Fast: w.fast}
}

func (w *resizeWork) prepare(sz Sizes, seed uint64, _ string) (string, float64, error) {
	in, out := w.size(sz)
	w.src, w.dst = resize.FromImage(testchart.Photo(in.X, in.Y, seed)), out
	opt := w.options()
	opt.Workers = 1
	e, err := resize.New(opt)
	if err != nil {
		return "", 0, fmt.Errorf("serial reference: %w", err)
	}
	dst := corescale.NewRaster(w.dst.X, w.dst.Y, w.src.Channels)
	if err := e.Resize(dst, w.src); err != nil {
		return "", 0, fmt.Errorf("serial reference: %w", err)
	}
	w.refPix = dst.Pix
	return "megapixels", float64(w.src.Width*w.src.Height) / 1e6, nil
}

func (w *resizeWork) task(b Backend) (*task, error) {
	if b.NewResizer == nil {
		return nil, ErrUnsupported
	}
	r, err := b.NewResizer(w.options())
	if err != nil {
		return nil, err
	}
	t := newTask()
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
	return t, nil
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
