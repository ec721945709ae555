package resize

import (
	"encoding/binary"
	"unsafe"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
)

const (
	fixedBits = resample.FixedBits
	half      = 1 << (fixedBits - 1) // rounds the sums to nearest
)

// clip8 takes a fixed-point sum to a sample, clamping the overshoot of
// kernels with negative lobes.
func clip8(s int32) uint8 {
	if s <= 0 {
		return 0
	}
	if s >= 255<<fixedBits {
		return 255
	}
	return uint8(s >> fixedBits)
}

// horizontal resamples rows [y0, y1) of src along x into rows 0… of dst,
// starting at source row yOffset+y0.
//
// Multi-channel rows are first widened so that one 64-bit multiplication
// weighs two channels: a word holds a sample in its low half and the next
// channel's sample in its high half, and (a + b·2^32)·k = a·k + b·k·2^32
// keeps the two sums apart as long as each fits in 32 bits, which the
// fixed-point format guarantees. Each source pixel is read by several
// outputs (six for a tenfold lanczos3 downscale), so widening once per row
// pays for itself, and the multiplier does half the work or less.
func horizontal(dst *corescale.Raster, src *source[uint8], t *resample.Table, yOffset, y0, y1 int) {
	ch := src.channels
	if haveHrow4 && ch >= 3 {
		horizontalSIMD(dst, src, t, yOffset, y0, y1)
		return
	}
	rd := src.reader()
	if haveHrow4 && ch == 1 {
		for y := y0; y < y1; y++ {
			hrow1(dst.Row(y), rd.row(yOffset+y), t.Start, t.Count, t.Fixed, t.Stride)
		}
		return
	}
	words := (ch + 1) / 2
	wide := make([]uint64, src.width*words)
	for y := y0; y < y1; y++ {
		in := rd.row(yOffset + y)
		out := dst.Row(y)
		if ch == 1 {
			for x := range t.Out {
				start, _, w := t.Taps(x)
				out[x] = dot1(in[start:start+len(w)], w)
			}
			continue
		}
		widen(wide, in, ch)
		for x := range t.Out {
			start, _, w := t.Taps(x)
			px := wide[start*words : (start+len(w))*words]
			o := out[x*ch : x*ch+ch]
			if words == 1 {
				s := dotWide1(px, w)
				o[0], o[1] = clip8(low(s)), clip8(high(s))
				continue
			}
			s, u := dotWide2(px, w)
			o[0], o[1], o[2] = clip8(low(s)), clip8(high(s)), clip8(low(u))
			if ch == 4 {
				o[3] = clip8(high(u))
			}
		}
	}
}

// horizontalSIMD is horizontal for RGB and RGBA rows with hrow4, which
// takes 4-byte pixels: RGB rows are padded to RGBX on the way in (or read
// as the image's own opaque RGBA) and packed back on the way out.
func horizontalSIMD(dst *corescale.Raster, src *source[uint8], t *resample.Table, yOffset, y0, y1 int) {
	var in4, out4 []uint8
	if src.channels == 3 {
		in4, out4 = make([]uint8, 4*src.width), make([]uint8, 4*dst.Width)
	}
	rd := src.reader()
	for y := y0; y < y1; y++ {
		out := dst.Row(y)
		switch {
		case src.channels == 4:
			hrow4(out, rd.row(yOffset+y), t.Start, t.Count, t.Fixed, t.Stride)
			continue
		case src.rgbx != nil:
			hrow4(out4, src.rgbx(yOffset+y), t.Start, t.Count, t.Fixed, t.Stride)
		default:
			padRGB(in4, rd.row(yOffset+y))
			hrow4(out4, in4, t.Start, t.Count, t.Fixed, t.Stride)
		}
		packRGB(out, out4)
	}
}

// padRGB copies RGB pixels into 4-byte ones: sixteen at a time with
// PSHUFB where it can, then four pixels per three 32-bit loads.
func padRGB(out, in []uint8) {
	n := padRGB16(out, in)
	in, out = in[3*n:], out[4*n:]
	for len(in) >= 12 && len(out) >= 16 {
		a, b, c := binary.LittleEndian.Uint32(in), binary.LittleEndian.Uint32(in[4:]), binary.LittleEndian.Uint32(in[8:])
		binary.LittleEndian.PutUint32(out, a&0xffffff)
		binary.LittleEndian.PutUint32(out[4:], a>>24|b<<8&0xffff00)
		binary.LittleEndian.PutUint32(out[8:], b>>16|c<<16&0xff0000)
		binary.LittleEndian.PutUint32(out[12:], c>>8)
		in, out = in[12:], out[16:]
	}
	for len(in) >= 3 && len(out) >= 4 {
		out[0], out[1], out[2], out[3] = in[0], in[1], in[2], 0
		in, out = in[3:], out[4:]
	}
}

// packRGB drops the fourth byte of each pixel.
func packRGB(out, in []uint8) {
	for len(out) >= 3 && len(in) >= 4 {
		out[0], out[1], out[2] = in[0], in[1], in[2]
		in, out = in[4:], out[3:]
	}
}

// widen packs each pixel's samples pairwise into words: (c0, c1), (c2, c3).
func widen(wide []uint64, in []uint8, ch int) {
	switch ch {
	case 2:
		for i := range wide {
			wide[i] = uint64(in[2*i]) | uint64(in[2*i+1])<<32
		}
	case 3:
		for i := 0; i < len(wide); i += 2 {
			p := in[3*i/2 : 3*i/2+3]
			wide[i] = uint64(p[0]) | uint64(p[1])<<32
			wide[i+1] = uint64(p[2])
		}
	case 4:
		for i := 0; i < len(wide); i += 2 {
			p := in[2*i : 2*i+4]
			wide[i] = uint64(p[0]) | uint64(p[1])<<32
			wide[i+1] = uint64(p[2]) | uint64(p[3])<<32
		}
	}
}

// halves is the rounding term in both halves of a widened sum.
const halves = half | half<<32

// low and high take the two sums out of a widened one: the low sum is the
// low word read as signed, and the high sum is what remains, shifted down.
func low(s uint64) int32 { return int32(uint32(s)) }

func high(s uint64) int32 { return int32((s - uint64(int64(low(s)))) >> 32) }

// The dot functions sum samples times weights for one output pixel, the
// hottest loop of the engine; px holds exactly len(w) pixels.

func dot1(row []uint8, w []int32) uint8 {
	s := int32(half)
	for i, k := range w {
		s += int32(row[i]) * k
	}
	return clip8(s)
}

func dotWide1(px []uint64, w []int32) uint64 {
	s := uint64(halves)
	for i, k := range w {
		s += px[i] * uint64(int64(k))
	}
	return s
}

func dotWide2(px []uint64, w []int32) (s, u uint64) {
	s, u = halves, halves
	// A pointer steps through the pairs: indexing costs the compiler a
	// bounds check per tap here, a third of the loop.
	_ = px[:2*len(w)]
	p := unsafe.Pointer(unsafe.SliceData(px))
	for len(w) >= 2 {
		k0, k1 := uint64(int64(w[0])), uint64(int64(w[1]))
		q := (*[4]uint64)(p)
		s += q[0]*k0 + q[2]*k1
		u += q[1]*k0 + q[3]*k1
		p = unsafe.Add(p, 32)
		w = w[2:]
	}
	for _, k := range w {
		kk := uint64(int64(k))
		pair := (*[2]uint64)(p)
		s += pair[0] * kk
		u += pair[1] * kk
		p = unsafe.Add(p, 16)
	}
	return s, u
}

// vertical resamples src along y into rows [y0, y1) of dst. Source row r
// of the table is row r−yOffset of src, which holds only the rows the
// output needs.
func vertical(dst, src *corescale.Raster, t *resample.Table, yOffset, y0, y1 int) {
	verticalRows(dst, src, t, yOffset, y0, y1, nil)
}

// verticalRows is vertical with acc, if long enough, as its sums.
func verticalRows(dst, src *corescale.Raster, t *resample.Table, yOffset, y0, y1 int, acc []int32) []int32 {
	n := src.Width * src.Channels
	simd := 0
	if haveHrow4 {
		simd = n &^ 31 // vstrip takes 32 samples a step; the loop below the rest
	}
	if cap(acc) < n-simd {
		acc = make([]int32, n-simd)
	}
	acc = acc[:n-simd]
	for y := y0; y < y1; y++ {
		start, _, w := t.Taps(y)
		out := dst.Row(y)[:n]
		if simd > 0 {
			vstrip(out[:simd], src.Pix[(start-yOffset)*src.Stride:], src.Stride, w)
		}
		for i := range acc {
			acc[i] = half
		}
		// Row by row, so every pass over acc is sequential in memory.
		for j, k := range w {
			in := src.Row(start - yOffset + j)[simd:n]
			a := acc[:len(in)]
			for i, v := range in {
				a[i] += int32(v) * k
			}
		}
		for i, s := range acc {
			out[simd+i] = clip8(s)
		}
	}
	return acc
}

// verticalConverted is vertical straight from a source whose rows are
// converted as they are read (a resize of the height alone): the rows the
// outputs [y0, y1) weigh are converted once each into a window that slides
// down the image, read as vertical reads a raster.
func verticalConverted(dst *corescale.Raster, src *source[uint8], t *resample.Table, y0, y1 int) {
	win := newWindow(src, 2*t.Stride)
	rows := &corescale.Raster{Pix: win.pix, Width: src.width, Height: win.size, Stride: win.stride, Channels: src.channels}
	var acc []int32
	for y := y0; y < y1; y++ {
		win.load(int(t.Start[y]), int(t.Start[y]+t.Count[y]))
		acc = verticalRows(dst, rows, t, win.lo, y, y+1, acc)
	}
}
