//go:build cgo

package icc

import (
	"fmt"
	"image"
	"image/color"
	"sync"
	"sync/atomic"
	"unsafe"
)

// chunkPixels is how many pixels one worker transforms per cgo call: large
// enough that the call costs nothing beside it, small enough that two
// workers share a 600×400 image.
const chunkPixels = 1 << 16

// ToSRGB converts img from profile p to sRGB with Little CMS, relative
// colorimetric intent without black-point compensation: what
// vipsthumbnail's --export-profile does by default (libvips' thumbnail and
// icc_transform default to intent "relative", black_point_compensation
// false). 8-bit RGB from a matrix-shaper profile takes the same arithmetic
// in Go (matShaper), which checks itself against Little CMS when built.
//
// Layouts that stay the same are converted in place and img itself is
// returned: *image.NRGBA, *image.RGBA, *image.NRGBA64, *image.RGBA64 (RGB
// profile; alpha untouched), *image.Gray and *image.Gray16 (gray profile;
// to a gray of sRGB's curve, which is what converting to sRGB and taking
// R=G=B gives, at a third of the memory and of the resize work after).
// *image.CMYK (CMYK profile) and *image.YCbCr (RGB profile) give a new
// opaque *image.RGBA. Premultiplied pixels that are not opaque are
// un-premultiplied around the transform: a tone curve applied to
// premultiplied values would darken every translucent edge.
//
// When p.IsSRGB(), img is returned unchanged. A profile that does not fit
// the layout, or another layout, gives an error wrapping ErrUnsupported
// and leaves img as it was. The rows are split among up to workers
// goroutines (at least one).
func ToSRGB(img image.Image, p *Profile, workers int) (image.Image, error) {
	if err := p.convertible(); err != nil {
		return nil, err
	}
	want := SpaceRGB
	switch img.(type) {
	case *image.Gray, *image.Gray16:
		want = SpaceGray
	case *image.CMYK:
		want = SpaceCMYK
	}
	if p.space != want {
		image := map[Space]string{SpaceRGB: "an RGB image", SpaceGray: "a gray image", SpaceCMYK: "a CMYK image"}[want]
		return nil, fmt.Errorf("%w: profile %s is %s, and %s needs %s profile", ErrUnsupported, p, p.space, image, map[Space]string{SpaceRGB: "an RGB", SpaceGray: "a gray", SpaceCMYK: "a CMYK"}[want])
	}
	if p.srgb {
		return img, nil
	}
	b := img.Bounds()
	if b.Empty() {
		return img, nil
	}
	switch m := img.(type) {
	case *image.NRGBA:
		return m, inPlace(p, rgba8, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], b, m.Stride, workers, nil)
	case *image.RGBA:
		return m, inPlace(p, rgba8, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], b, m.Stride, workers, unpremultiply8)
	case *image.NRGBA64:
		return m, inPlace(p, rgbaF, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], b, m.Stride, workers, nil)
	case *image.RGBA64:
		return m, inPlace(p, rgbaF, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], b, m.Stride, workers, unpremultiply16)
	case *image.Gray:
		return m, inPlace(p, gray8, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], b, m.Stride, workers, nil)
	case *image.Gray16:
		return m, inPlace(p, gray16, m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], b, m.Stride, workers, nil)
	case *image.CMYK:
		return fromCMYK(p, m, workers)
	case *image.YCbCr:
		return fromYCbCr(p, m, workers)
	}
	return nil, fmt.Errorf("%w: no conversion for a %T image", ErrUnsupported, img)
}

// forRows calls f on bands of rows [y0, y1) of an image w pixels wide and
// h tall, from up to workers goroutines.
func forRows(w, h, workers int, f func(y0, y1 int)) {
	rows := max(1, chunkPixels/w)
	bands := (h + rows - 1) / rows
	workers = max(1, min(workers, bands))
	if workers == 1 {
		f(0, h)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				y0 := int(next.Add(int64(rows))) - rows
				if y0 >= h {
					return
				}
				f(y0, min(y0+rows, h))
			}
		})
	}
	wg.Wait()
}

// inPlace transforms pix (starting at the image's first pixel) row band
// by row band. unpremul, when set, un-premultiplies a band's translucent
// pixels and returns a function that premultiplies them back, or nil
// when the band is opaque.
func inPlace(p *Profile, l layout, pix []byte, b image.Rectangle, stride, workers int, unpremul func([]byte, int, int, int) func()) error {
	t, err := acquire(p, l)
	if err != nil {
		return err
	}
	defer release(t)
	w, h := b.Dx(), b.Dy()
	size := l.in.size
	if l == rgbaF {
		size = 8
	}
	forRows(w, h, workers, func(y0, y1 int) {
		band := pix[y0*stride : (y1-1)*stride+w*size]
		var undo func()
		if unpremul != nil {
			undo = unpremul(band, w, y1-y0, stride)
		}
		if l == rgbaF {
			viaFloat(t, band, w, y1-y0, stride)
		} else {
			t.run(band, band, w, y1-y0, stride, stride)
		}
		if undo != nil {
			undo()
		}
	})
	return nil
}

// floats holds viaFloat's band buffers (a band is up to 1 MB of float32).
var floats = sync.Pool{New: func() any { return new([]float32) }}

// viaFloat transforms big-endian 16-bit RGBA through a float transform.
// Little CMS's 16-bit transforms are resampled into a grid, and near the
// edge of sRGB's gamut, where the exact answer clips, interpolating across
// the clip is off by up to 15 8-bit levels (measured: P3 to sRGB, 10⁶
// random colours); its 8-bit transforms of matrix-shaper profiles take an
// exact path, and its float transforms evaluate the curves and matrix as
// they are (within 1/65535 of the unoptimised pipeline), at about ten
// times the cost per pixel of the 16-bit grid: right colours first, and
// 16-bit images are the rare case.
func viaFloat(t *transform, band []byte, w, h, stride int) {
	buf := floats.Get().(*[]float32)
	defer floats.Put(buf)
	if cap(*buf) < 4*w*h {
		*buf = make([]float32, 4*w*h)
	}
	f := (*buf)[:4*w*h]
	for y := range h {
		row := band[y*stride : y*stride+8*w]
		for i := range 4 * w {
			f[4*w*y+i] = float32(uint16(row[2*i])<<8|uint16(row[2*i+1])) / 0xffff
		}
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), 4*len(f))
	t.run(b, b, w*h, 1, len(b), len(b))
	for y := range h {
		row := band[y*stride : y*stride+8*w]
		for x := range w {
			for c := range 3 {
				v := uint16(min(max(f[4*(w*y+x)+c], 0), 1)*0xffff + 0.5)
				row[8*x+2*c], row[8*x+2*c+1] = byte(v>>8), byte(v)
			}
		}
	}
}

// unpremultiply8 turns the band's translucent RGBA pixels into NRGBA with
// the formulas of color.NRGBAModel and color.RGBAModel, so a round trip
// matches the standard library's conversions.
func unpremultiply8(band []byte, w, h, stride int) func() {
	translucent := false
	for y := range h {
		row := band[y*stride : y*stride+4*w]
		for i := 0; i < len(row); i += 4 {
			a := uint32(row[i+3])
			if a == 0xff {
				continue
			}
			translucent = true
			if a == 0 {
				continue
			}
			a16 := a * 0x101
			for c := range 3 {
				row[i+c] = uint8(min(uint32(row[i+c])*0x101*0xffff/a16>>8, 0xff))
			}
		}
	}
	if !translucent {
		return nil
	}
	return func() {
		for y := range h {
			row := band[y*stride : y*stride+4*w]
			for i := 0; i < len(row); i += 4 {
				a := uint32(row[i+3])
				if a == 0xff {
					continue
				}
				a16 := a * 0x101
				for c := range 3 {
					row[i+c] = uint8(uint32(row[i+c]) * 0x101 * a16 / 0xffff >> 8)
				}
			}
		}
	}
}

// unpremultiply16 is unpremultiply8 for big-endian 16-bit RGBA.
func unpremultiply16(band []byte, w, h, stride int) func() {
	get := func(b []byte) uint32 { return uint32(b[0])<<8 | uint32(b[1]) }
	put := func(b []byte, v uint32) { b[0], b[1] = byte(v>>8), byte(v) }
	translucent := false
	for y := range h {
		row := band[y*stride : y*stride+8*w]
		for i := 0; i < len(row); i += 8 {
			a := get(row[i+6:])
			if a == 0xffff {
				continue
			}
			translucent = true
			if a == 0 {
				continue
			}
			for c := 0; c < 6; c += 2 {
				put(row[i+c:], min(get(row[i+c:])*0xffff/a, 0xffff))
			}
		}
	}
	if !translucent {
		return nil
	}
	return func() {
		for y := range h {
			row := band[y*stride : y*stride+8*w]
			for i := 0; i < len(row); i += 8 {
				a := get(row[i+6:])
				if a == 0xffff {
					continue
				}
				for c := 0; c < 6; c += 2 {
					put(row[i+c:], get(row[i+c:])*a/0xffff)
				}
			}
		}
	}
}

func fromCMYK(p *Profile, m *image.CMYK, workers int) (image.Image, error) {
	t, err := acquire(p, cmyk8)
	if err != nil {
		return nil, err
	}
	defer release(t)
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewRGBA(b)
	src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]
	forRows(w, h, workers, func(y0, y1 int) {
		// lcms writes R, G, B and leaves the fourth byte: make it opaque.
		dst := out.Pix[y0*out.Stride : y1*out.Stride]
		for i := 3; i < len(dst); i += 4 {
			dst[i] = 0xff
		}
		t.run(src[y0*m.Stride:(y1-1)*m.Stride+4*w], dst, w, y1-y0, m.Stride, out.Stride)
	})
	return out, nil
}

// fromYCbCr converts to RGB with the standard library's formula (as
// image/jpeg's decoded pixels would be drawn) a band at a time, and
// transforms the band while it is in cache.
func fromYCbCr(p *Profile, m *image.YCbCr, workers int) (image.Image, error) {
	t, err := acquire(p, rgba8)
	if err != nil {
		return nil, err
	}
	defer release(t)
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewRGBA(b)
	forRows(w, h, workers, func(y0, y1 int) {
		for y := y0; y < y1; y++ {
			row := out.Pix[y*out.Stride : y*out.Stride+4*w]
			for x := range w {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bl := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = r, g, bl, 0xff
			}
		}
		band := out.Pix[y0*out.Stride : y1*out.Stride]
		t.run(band, band, w, y1-y0, out.Stride, out.Stride)
	})
	return out, nil
}
