package resize

import (
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
func horizontal(dst, src *corescale.Raster, t *resample.Table, yOffset, y0, y1 int) {
	ch := src.Channels
	for y := y0; y < y1; y++ {
		in := src.Row(yOffset + y)
		out := dst.Row(y)
		for x := range t.Out {
			start, _, w := t.Taps(x)
			row := in[start*ch : (start+len(w))*ch]
			o := out[x*ch : x*ch+ch]
			switch ch {
			case 1:
				o[0] = dot1(row, w)
			case 2:
				dot2(o, row, w)
			case 3:
				dot3(o, row, w)
			default:
				dot4(o, row, w)
			}
		}
	}
}

// The dot functions sum samples times weights for one output pixel. They
// walk the slices down from the front so the compiler can drop the bounds
// checks.

func dot1(row []uint8, w []int32) uint8 {
	s := int32(half)
	for i, k := range w {
		s += int32(row[i]) * k
	}
	return clip8(s)
}

func dot2(o, row []uint8, w []int32) {
	s0, s1 := int32(half), int32(half)
	for len(row) >= 2 && len(w) > 0 {
		k := w[0]
		s0 += int32(row[0]) * k
		s1 += int32(row[1]) * k
		row, w = row[2:], w[1:]
	}
	o[0], o[1] = clip8(s0), clip8(s1)
}

func dot3(o, row []uint8, w []int32) {
	s0, s1, s2 := int32(half), int32(half), int32(half)
	for len(row) >= 3 && len(w) > 0 {
		k := w[0]
		s0 += int32(row[0]) * k
		s1 += int32(row[1]) * k
		s2 += int32(row[2]) * k
		row, w = row[3:], w[1:]
	}
	o[0], o[1], o[2] = clip8(s0), clip8(s1), clip8(s2)
}

func dot4(o, row []uint8, w []int32) {
	s0, s1, s2, s3 := int32(half), int32(half), int32(half), int32(half)
	for len(row) >= 4 && len(w) > 0 {
		k := w[0]
		s0 += int32(row[0]) * k
		s1 += int32(row[1]) * k
		s2 += int32(row[2]) * k
		s3 += int32(row[3]) * k
		row, w = row[4:], w[1:]
	}
	o[0], o[1], o[2], o[3] = clip8(s0), clip8(s1), clip8(s2), clip8(s3)
}

// vertical resamples src along y into rows [y0, y1) of dst. Source row r
// of the table is row r−yOffset of src, which holds only the rows the
// output needs.
func vertical(dst, src *corescale.Raster, t *resample.Table, yOffset, y0, y1 int) {
	n := src.Width * src.Channels
	acc := make([]int32, n)
	for y := y0; y < y1; y++ {
		start, _, w := t.Taps(y)
		for i := range acc {
			acc[i] = half
		}
		// Row by row, so every pass over acc is sequential in memory.
		for j, k := range w {
			in := src.Row(start - yOffset + j)[:n]
			a := acc[:len(in)]
			for i, v := range in {
				a[i] += int32(v) * k
			}
		}
		out := dst.Row(y)[:n]
		for i, s := range acc[:len(out)] {
			out[i] = clip8(s)
		}
	}
}
