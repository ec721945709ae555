package resize

import (
	"image"

	"github.com/corescale/corescale"
)

// resizeYCbCr resizes a JPEG's native YCbCr image plane by plane — luma to
// w×h, each chroma plane to its subsampled share of it — without converting
// to RGB and back: the colour conversion is linear, so resampling commutes
// with it up to rounding, and skipping it saves more time than the resize
// of a thumbnail takes. ok is false for layouts it does not handle.
func (e *Engine) resizeYCbCr(m *image.YCbCr, w, h int) (out *image.YCbCr, ok bool, err error) {
	switch m.SubsampleRatio {
	case image.YCbCrSubsampleRatio444, image.YCbCrSubsampleRatio422,
		image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio440:
	default:
		return nil, false, nil
	}
	b := m.Bounds()
	out = image.NewYCbCr(image.Rect(0, 0, w, h), m.SubsampleRatio)
	icw, ich := chromaSize(b, m.SubsampleRatio)
	ocw, och := chromaSize(out.Rect, m.SubsampleRatio)
	c0 := m.COffset(b.Min.X, b.Min.Y)
	plane := func(pix []uint8, w, h, stride int) *corescale.Raster {
		return &corescale.Raster{Pix: pix, Width: w, Height: h, Stride: stride, Channels: 1}
	}
	jobs := [][2]*corescale.Raster{
		{plane(out.Y, w, h, out.YStride), plane(m.Y[m.YOffset(b.Min.X, b.Min.Y):], b.Dx(), b.Dy(), m.YStride)},
		{plane(out.Cb, ocw, och, out.CStride), plane(m.Cb[c0:], icw, ich, m.CStride)},
		{plane(out.Cr, ocw, och, out.CStride), plane(m.Cr[c0:], icw, ich, m.CStride)},
	}
	for _, j := range jobs {
		if err := e.Resize(j[0], j[1]); err != nil {
			return nil, true, err
		}
	}
	return out, true, nil
}

// chromaSize returns the size of the chroma planes of a YCbCr image over r,
// as image.NewYCbCr lays them out.
func chromaSize(r image.Rectangle, ratio image.YCbCrSubsampleRatio) (w, h int) {
	w, h = r.Dx(), r.Dy()
	switch ratio {
	case image.YCbCrSubsampleRatio422:
		w = (r.Max.X+1)/2 - r.Min.X/2
	case image.YCbCrSubsampleRatio420:
		w = (r.Max.X+1)/2 - r.Min.X/2
		h = (r.Max.Y+1)/2 - r.Min.Y/2
	case image.YCbCrSubsampleRatio440:
		h = (r.Max.Y+1)/2 - r.Min.Y/2
	}
	return w, h
}
