package jpegturbo

import (
	"errors"
	"image"
)

// ErrUnavailable is what every call returns when the package is built
// without cgo.
var ErrUnavailable = errors.New("libjpeg-turbo is not available (built without cgo)")

// Warning is what libjpeg-turbo says about data it decoded around
// (truncated or corrupt): the image came out, but part of it may be gray
// or wrong, as Pillow and libvips also show such files.
type Warning struct{ Msg string }

// Error is the message alone, named by its source: callers print it as a
// warning ("corescale: a.jpg: warning: libjpeg-turbo: Premature end of
// JPEG file").
func (w *Warning) Error() string { return "libjpeg-turbo: " + w.Msg }

// Subsampling is a JPEG's chroma subsampling. The zero value, Default,
// means "as the source is" to Encode (4:2:0 for RGB pixels).
type Subsampling int

// The subsamplings TurboJPEG knows.
const (
	Default Subsampling = iota
	S444
	S422
	S420
	SGray
	S440
	S411
)

func (s Subsampling) String() string {
	switch s {
	case Default:
		return "default"
	case S444:
		return "4:4:4"
	case S422:
		return "4:2:2"
	case S420:
		return "4:2:0"
	case SGray:
		return "gray"
	case S440:
		return "4:4:0"
	case S411:
		return "4:1:1"
	}
	return "unknown"
}

// tj is s as TurboJPEG's TJSAMP constant, whose order the constants above
// follow from 1; -1 for Default or an unknown value.
func (s Subsampling) tj() int {
	if s < S444 || s > S411 {
		return -1
	}
	return int(s - S444)
}

// ratio is s as image.YCbCr's ratio, or -1 for gray and unknown values.
func (s Subsampling) ratio() image.YCbCrSubsampleRatio {
	switch s {
	case S444:
		return image.YCbCrSubsampleRatio444
	case S422:
		return image.YCbCrSubsampleRatio422
	case S420:
		return image.YCbCrSubsampleRatio420
	case S440:
		return image.YCbCrSubsampleRatio440
	case S411:
		return image.YCbCrSubsampleRatio411
	}
	return -1
}

// factors returns the chroma subsampling factors of s (1, 1 for gray).
func (s Subsampling) factors() (sx, sy int) {
	switch s {
	case S422:
		return 2, 1
	case S420:
		return 2, 2
	case S440:
		return 1, 2
	case S411:
		return 4, 1
	}
	return 1, 1
}

// subsamplingOf is the Subsampling of an image.YCbCr ratio, or Default for
// one TurboJPEG cannot write (4:1:0).
func subsamplingOf(r image.YCbCrSubsampleRatio) Subsampling {
	switch r {
	case image.YCbCrSubsampleRatio444:
		return S444
	case image.YCbCrSubsampleRatio422:
		return S422
	case image.YCbCrSubsampleRatio420:
		return S420
	case image.YCbCrSubsampleRatio440:
		return S440
	case image.YCbCrSubsampleRatio411:
		return S411
	}
	return Default
}

// ColorSpace is the colour space of a JPEG's stored components, in
// TurboJPEG's order (TJCS).
type ColorSpace int

// The colour spaces TurboJPEG tells apart.
const (
	RGB ColorSpace = iota
	YCbCr
	Gray
	CMYK
	YCCK
)

func (c ColorSpace) String() string {
	switch c {
	case RGB:
		return "RGB"
	case YCbCr:
		return "YCbCr"
	case Gray:
		return "gray"
	case CMYK:
		return "CMYK"
	case YCCK:
		return "YCCK"
	}
	return "unknown"
}

// Header is what a JPEG's header tells before decoding.
type Header struct {
	Width, Height int // as stored, before any EXIF orientation
	Subsampling   Subsampling
	ColorSpace    ColorSpace
	// AdobeInverted is set for CMYK and YCCK files with an Adobe APP14
	// marker, which store CMYK inverted (as Photoshop writes them); Decode
	// undoes it, as Go's image/jpeg and Pillow do.
	AdobeInverted bool
}

// Shrink returns the largest reduction (1, 2, 4 or 8) of a w×h stored
// image that keeps both sides at least atLeast's (in the same axes as w
// and h). A zero atLeast asks for no reduction.
func Shrink(w, h int, atLeast image.Point) int {
	if atLeast.X <= 0 && atLeast.Y <= 0 {
		return 1
	}
	for s := 8; s > 1; s /= 2 {
		if scaled(w, s) >= atLeast.X && scaled(h, s) >= atLeast.Y {
			return s
		}
	}
	return 1
}

// scaled is a side reduced by 1/shrink, as libjpeg rounds it: up.
func scaled(n, shrink int) int { return (n + shrink - 1) / shrink }

// EncodeOptions says how Encode compresses.
type EncodeOptions struct {
	Quality int // 1–100
	// Subsampling of the chroma: Default keeps an *image.YCbCr's own and
	// gives 4:2:0 for RGB pixels (as Pillow and libvips do below quality
	// 90). An *image.YCbCr of finer chroma is averaged down to it.
	Subsampling Subsampling
}

// adobeMarker reports whether data has an Adobe APP14 segment before its
// first scan.
func adobeMarker(data []byte) bool {
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return false
		}
		m := data[i+1]
		if m == 0xff {
			i++
			continue
		}
		if m == 0xda || m == 0xd9 {
			return false
		}
		if m == 0x01 || m >= 0xd0 && m <= 0xd7 {
			i += 2
			continue
		}
		n := int(data[i+2])<<8 | int(data[i+3])
		if m == 0xee && n >= 7 && i+4+5 <= len(data) && string(data[i+4:i+9]) == "Adobe" {
			return true
		}
		i += 2 + n
	}
	return false
}

func invert(p []byte) {
	for i := range p {
		p[i] = 255 - p[i]
	}
}

// setOpaque sets the alpha bytes of RGBX pixels, which TurboJPEG leaves
// as they were.
func setOpaque(p []byte) {
	for i := 3; i < len(p); i += 4 {
		p[i] = 0xff
	}
}

// planes are YCbCr planes laid out as TurboJPEG reads them.
type planes struct {
	y, cb, cr []byte
	ys, cs    int
	ss        Subsampling
}

// yuvPlanes returns m's planes for compression as want (Default: m's own
// subsampling): as they are when TurboJPEG may read them in place (it
// reads whole MCUs, past the image's right and bottom edges), else copied
// with their edges repeated; 4:4:4 is averaged down to a coarser want.
// ok is false when neither serves (another conversion, a chroma grid
// that does not start at the image's corner).
func yuvPlanes(m *image.YCbCr, want Subsampling) (p planes, ok bool) {
	have := subsamplingOf(m.SubsampleRatio)
	if want == Default {
		want = have
	}
	if have == Default || want == Default || want == SGray {
		return planes{}, false
	}
	b := m.Rect
	sx, sy := have.factors()
	if b.Min.X%sx != 0 || b.Min.Y%sy != 0 {
		return planes{}, false
	}
	w, h := b.Dx(), b.Dy()
	y := m.Y[m.YOffset(b.Min.X, b.Min.Y):]
	ci := m.COffset(b.Min.X, b.Min.Y)
	cb, cr := m.Cb[ci:], m.Cr[ci:]
	wx, wy := want.factors()
	yw, yh := pad(w, wx), pad(h, wy)
	cw, ch := yw/wx, yh/wy
	switch {
	case have == want:
		p = planes{y: y, cb: cb, cr: cr, ys: m.YStride, cs: m.CStride, ss: want}
		if !fits(y, m.YStride, yw, yh) {
			p.y, p.ys = padPlane(y, m.YStride, w, h, yw, yh), yw
		}
		if !fits(cb, m.CStride, cw, ch) || !fits(cr, m.CStride, cw, ch) {
			hw, hh := scaled(w, sx), scaled(h, sy)
			p.cb = padPlane(cb, m.CStride, hw, hh, cw, ch)
			p.cr = padPlane(cr, m.CStride, hw, hh, cw, ch)
			p.cs = cw
		}
		return p, true
	case have == S444:
		p = planes{y: y, ys: m.YStride, ss: want}
		if !fits(y, m.YStride, yw, yh) {
			p.y, p.ys = padPlane(y, m.YStride, w, h, yw, yh), yw
		}
		p.cb = averageDown(cb, m.CStride, w, h, wx, wy, cw, ch)
		p.cr = averageDown(cr, m.CStride, w, h, wx, wy, cw, ch)
		p.cs = cw
		return p, true
	}
	return planes{}, false
}

func pad(n, m int) int { return (n + m - 1) / m * m }

// fits reports whether a plane of the given stride holds pw×ph bytes.
func fits(p []byte, stride, pw, ph int) bool {
	return stride >= pw && len(p) >= (ph-1)*stride+pw
}

// padPlane copies the w×h plane p into a pw×ph one, repeating the last
// column and row, as libjpeg pads an image to whole blocks.
func padPlane(p []byte, stride, w, h, pw, ph int) []byte {
	out := make([]byte, pw*ph)
	for y := range ph {
		row := out[y*pw : (y+1)*pw]
		src := p[min(y, h-1)*stride:][:w]
		copy(row, src)
		for x := w; x < pw; x++ {
			row[x] = src[w-1]
		}
	}
	return out
}

// averageDown reduces the w×h full-resolution chroma plane p by fx×fy box
// averages (rounded) into a cw×ch plane, the edges repeated.
func averageDown(p []byte, stride, w, h, fx, fy, cw, ch int) []byte {
	out := make([]byte, cw*ch)
	n := fx * fy
	for cy := range ch {
		row := out[cy*cw : (cy+1)*cw]
		if fx == 2 && fy == 2 && 2*cy+1 < h {
			// The common case, 4:4:4 to 4:2:0, without the edge checks.
			r0, r1 := p[2*cy*stride:][:w], p[(2*cy+1)*stride:][:w]
			for cx := range min(cw, w/2) {
				s := int(r0[2*cx]) + int(r0[2*cx+1]) + int(r1[2*cx]) + int(r1[2*cx+1])
				row[cx] = uint8((s + 2) >> 2)
			}
			if w%2 == 1 {
				row[cw-1] = uint8((int(r0[w-1]) + int(r1[w-1]) + 1) >> 1)
			}
			continue
		}
		for cx := range cw {
			s := 0
			for dy := range fy {
				r := p[min(cy*fy+dy, h-1)*stride:]
				for dx := range fx {
					s += int(r[min(cx*fx+dx, w-1)])
				}
			}
			row[cx] = uint8((s + n/2) / n)
		}
	}
	return out
}
