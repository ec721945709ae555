package resize

import (
	"errors"
	"fmt"
	"image"

	"github.com/corescale/corescale"
)

// ResizeYCbCr returns m resized to w×h as a YCbCr image of the given
// subsampling, plane by plane, without converting to RGB and back: the
// colour conversion is linear, so resampling commutes with it up to
// rounding, and skipping it saves more time than the resize of a
// thumbnail takes. ResizeImage calls it with 4:4:4, full-resolution
// chroma; a caller that writes a JPEG which asks for 4:2:0 asks for that
// here instead, which resamples the chroma once rather than to 4:4:4 and
// down again.
//
// Each chroma plane is resampled from m's own chroma samples straight to
// the output's, sited as JPEG (JFIF) sites them: a chroma sample of a
// plane subsampled by s covers s luma samples and sits at their centre,
// measured on the image's absolute grid, as image.YCbCr lays out the
// planes (a sub-image may start half-way through a chroma sample). The
// scale is the luma's, W/w, whatever the chroma planes' rounded-up sizes,
// so that the colours line up with the luma across the whole image.
//
// m may have any of Go's subsamplings; its bounds must not be negative,
// where image.YCbCr's chroma grid is not regular. Linear light resizes
// RGB: the engine's Linear mode refuses this call, and ResizeImage
// converts instead.
func (e *Engine) ResizeYCbCr(m *image.YCbCr, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, error) {
	b := m.Bounds()
	return e.ResizeYCbCrSpan(m, [4]float64{0, 0, float64(b.Dx()), float64(b.Dy())}, w, h, ratio)
}

// ResizeYCbCrSpan is ResizeYCbCr of the span (x0, y0, x1, y1) of m, in
// luma samples from m's top-left corner (see ResizeImageSpan).
func (e *Engine) ResizeYCbCrSpan(m *image.YCbCr, span [4]float64, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, error) {
	if e.linear && e.filter != corescale.Nearest {
		return nil, errors.New("resize: YCbCr planes cannot be resized in linear light: resize the image as RGB")
	}
	out, planes, err := YCbCrPlanesSpan(m, span, w, h, ratio)
	if err != nil {
		return nil, err
	}
	for _, p := range planes {
		e.resizeSpan(p.Dst, rasterSource(p.Src), p.Span)
	}
	return out, nil
}

// Plane is one plane's share of a YCbCr resize: Dst is resampled from the
// span Span (x0, y0, x1, y1) of Src, in Src's samples, which is the whole
// of Src for luma and a chroma plane's siting for chroma.
type Plane struct {
	Dst, Src *corescale.Raster
	Span     [4]float64
}

// YCbCrPlanes returns the image ResizeYCbCr returns, its samples not yet
// written, and the three plane resizes (Y, Cb, Cr) that write them, each
// a 1-channel raster resize of a span: another engine (the GPU's) that
// resamples spans with the same tables gives ResizeYCbCr's bytes.
func YCbCrPlanes(m *image.YCbCr, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, [3]Plane, error) {
	b := m.Bounds()
	return YCbCrPlanesSpan(m, [4]float64{0, 0, float64(b.Dx()), float64(b.Dy())}, w, h, ratio)
}

// YCbCrPlanesSpan is YCbCrPlanes for the span (x0, y0, x1, y1) of m, in
// luma samples from m's top-left corner.
func YCbCrPlanesSpan(m *image.YCbCr, span [4]float64, w, h int, ratio image.YCbCrSubsampleRatio) (*image.YCbCr, [3]Plane, error) {
	var planes [3]Plane
	sx, sy, ok := chromaFactors(m.SubsampleRatio)
	if !ok {
		return nil, planes, fmt.Errorf("resize: YCbCr subsampling %v of the input is not one Go knows", m.SubsampleRatio)
	}
	ox, oy, ok := chromaFactors(ratio)
	if !ok {
		return nil, planes, fmt.Errorf("resize: YCbCr subsampling %v asked for is not one Go knows", ratio)
	}
	b := m.Bounds()
	if b.Min.X < 0 || b.Min.Y < 0 {
		return nil, planes, fmt.Errorf("resize: a YCbCr image at %v: negative coordinates are not supported", b)
	}
	if b.Dx() <= 0 || b.Dy() <= 0 || w <= 0 || h <= 0 {
		return nil, planes, fmt.Errorf("resize: %d×%d to %d×%d: sizes must be positive", b.Dx(), b.Dy(), w, h)
	}
	if err := checkSpan(span, b.Dx(), b.Dy()); err != nil {
		return nil, planes, err
	}
	out := image.NewYCbCr(image.Rect(0, 0, w, h), ratio)
	icw, ich := chromaSize(b, m.SubsampleRatio)
	ocw, och := chromaSize(out.Rect, ratio)
	plane := func(pix []uint8, w, h, stride int) *corescale.Raster {
		return &corescale.Raster{Pix: pix, Width: w, Height: h, Stride: stride, Channels: 1}
	}
	// The input's chroma plane starts at the sample that covers b.Min,
	// whose luma starts up to s−1 columns (rows) before b.Min: luma
	// position u of the image is chroma position (u + off)/s.
	offX, offY := float64(b.Min.X%sx), float64(b.Min.Y%sy)
	// The output's chroma planes cover ox·ocw output luma columns (one
	// more than w when w is odd and the plane subsampled), at W/w input
	// columns each, from the span's start. (With the whole image as the
	// span, x0 = 0 adds nothing: the bytes are those of a plain resize.)
	W, H := span[2]-span[0], span[3]-span[1]
	cspan := [4]float64{
		(offX + span[0]) / float64(sx), (offY + span[1]) / float64(sy),
		(offX + span[0] + float64(ox*ocw)*W/float64(w)) / float64(sx),
		(offY + span[1] + float64(oy*och)*H/float64(h)) / float64(sy),
	}
	c0 := m.COffset(b.Min.X, b.Min.Y)
	planes[0] = Plane{plane(out.Y, w, h, out.YStride), plane(m.Y[m.YOffset(b.Min.X, b.Min.Y):], b.Dx(), b.Dy(), m.YStride), span}
	planes[1] = Plane{plane(out.Cb, ocw, och, out.CStride), plane(m.Cb[c0:], icw, ich, m.CStride), cspan}
	planes[2] = Plane{plane(out.Cr, ocw, och, out.CStride), plane(m.Cr[c0:], icw, ich, m.CStride), cspan}
	return out, planes, nil
}

// chromaFactors returns how many luma columns and rows one chroma sample
// of a subsampling covers.
func chromaFactors(r image.YCbCrSubsampleRatio) (sx, sy int, ok bool) {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return 1, 1, true
	case image.YCbCrSubsampleRatio422:
		return 2, 1, true
	case image.YCbCrSubsampleRatio420:
		return 2, 2, true
	case image.YCbCrSubsampleRatio440:
		return 1, 2, true
	case image.YCbCrSubsampleRatio411:
		return 4, 1, true
	case image.YCbCrSubsampleRatio410:
		return 4, 2, true
	}
	return 0, 0, false
}

// chromaSize returns the size of the chroma planes of a YCbCr image over r,
// as image.NewYCbCr lays them out.
func chromaSize(r image.Rectangle, ratio image.YCbCrSubsampleRatio) (w, h int) {
	sx, sy, _ := chromaFactors(ratio)
	return (r.Max.X+sx-1)/sx - r.Min.X/sx, (r.Max.Y+sy-1)/sy - r.Min.Y/sy
}
