package thumbnail

import (
	"fmt"
	"image"
	"strconv"
	"strings"
)

// Size is the requested output size. A zero side is free: it follows from
// the other side and the image's aspect ratio.
type Size struct{ W, H int }

// MaxSide bounds each requested side. It is far above anything a thumbnail
// needs and keeps the size arithmetic far from overflow; the pixel limit
// still applies to the result.
const MaxSide = 1 << 20

// ParseSize parses "WxH", "Wx" or "xH" (an upper-case X is accepted too).
func ParseSize(s string) (Size, error) {
	ws, hs, ok := strings.Cut(strings.ToLower(s), "x")
	if !ok || ws == "" && hs == "" {
		return Size{}, fmt.Errorf("size %q: want WxH, Wx or xH, such as 600x400, 600x or x400", s)
	}
	var sz Size
	for _, side := range []struct {
		text string
		dst  *int
		name string
	}{{ws, &sz.W, "width"}, {hs, &sz.H, "height"}} {
		if side.text == "" {
			continue
		}
		n, err := strconv.Atoi(side.text)
		if err != nil || side.text[0] == '+' {
			return Size{}, fmt.Errorf("size %q: %s %q is not a number of pixels", s, side.name, side.text)
		}
		if n < 1 || n > MaxSide {
			return Size{}, fmt.Errorf("size %q: %s %d: want 1 to %d pixels", s, side.name, n, MaxSide)
		}
		*side.dst = n
	}
	return sz, nil
}

func (s Size) String() string {
	var b strings.Builder
	if s.W > 0 {
		b.WriteString(strconv.Itoa(s.W))
	}
	b.WriteByte('x')
	if s.H > 0 {
		b.WriteString(strconv.Itoa(s.H))
	}
	return b.String()
}

// Fit says how an image meets a size given on both sides. With one side
// given, every fit keeps the aspect ratio.
type Fit string

const (
	// Contain fits the image inside the box, keeping its aspect ratio.
	Contain Fit = "contain"
	// Cover fills the box, keeping the aspect ratio, and crops what
	// overflows equally on both sides.
	Cover Fit = "cover"
	// Fill stretches the image to the box.
	Fill Fit = "fill"
)

// ParseFit returns the fit named s.
func ParseFit(s string) (Fit, error) {
	switch f := Fit(s); f {
	case Contain, Cover, Fill:
		return f, nil
	}
	return "", fmt.Errorf("unknown fit %q (want contain, cover or fill)", s)
}

// Geometry returns the part of a srcW×srcH image to resize (all of it but
// for Cover) and the w×h to resize it to; w and h are at least 1.
//
// With noEnlarge the result is never larger than the source: Contain keeps
// the source size, Fill caps each side at the source's, and Cover keeps
// the crop at its own size, so the output keeps the requested aspect
// ratio but is smaller than asked.
func Geometry(srcW, srcH int, size Size, fit Fit, noEnlarge bool) (crop image.Rectangle, w, h int) {
	crop = image.Rect(0, 0, srcW, srcH)
	bw, bh := size.W, size.H
	if bw == 0 || bh == 0 {
		fit = Contain
	}
	switch fit {
	case Fill:
		w, h = bw, bh
		if noEnlarge {
			w, h = min(w, srcW), min(h, srcH)
		}
	case Cover:
		cw, ch := srcW, srcH
		// Compare the aspect ratios without division: a wider source
		// loses columns, a taller one rows.
		if int64(srcW)*int64(bh) > int64(srcH)*int64(bw) {
			cw = scale(srcH, bw, bh)
		} else {
			ch = scale(srcW, bh, bw)
		}
		// Integer centring puts an odd leftover pixel on the right or
		// bottom, as Pillow's ImageOps.fit and libvips do.
		x0, y0 := (srcW-cw)/2, (srcH-ch)/2
		crop = image.Rect(x0, y0, x0+cw, y0+ch)
		w, h = bw, bh
		if noEnlarge && (w > cw || h > ch) {
			w, h = cw, ch
		}
	default:
		switch {
		case bh == 0:
			w, h = bw, scale(srcH, bw, srcW)
		case bw == 0:
			w, h = scale(srcW, bh, srcH), bh
		case int64(bw)*int64(srcH) <= int64(bh)*int64(srcW):
			// The width binds: bw/srcW ≤ bh/srcH.
			w, h = bw, scale(srcH, bw, srcW)
		default:
			w, h = scale(srcW, bh, srcH), bh
		}
		if noEnlarge && (w > srcW || h > srcH) {
			w, h = srcW, srcH
		}
	}
	return crop, max(w, 1), max(h, 1)
}

// scale returns a·num/den rounded half up, at least 1. a is an image side
// (below 2^31) and num a requested side (at most MaxSide), so the 64-bit
// product cannot overflow.
func scale(a, num, den int) int {
	v := (2*int64(a)*int64(num) + int64(den)) / (2 * int64(den))
	return int(max(v, 1))
}
