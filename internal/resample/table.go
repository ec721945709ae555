package resample

import "math"

// FixedBits is the number of fraction bits of the fixed-point weights.
// 8-bit samples times weights of up to about 2 in magnitude, summed, stay
// within an int32 with two bits to spare (Pillow's PRECISION_BITS).
const FixedBits = 32 - 8 - 2

// Table holds the taps of every output pixel along one axis: output i reads
// source pixels Start[i] … Start[i]+Count[i]−1 with weights
// Weights[i·Stride …]. Rows are padded with zeros to Stride, a multiple of
// 8, so that loops may run whole SIMD steps.
type Table struct {
	In, Out int
	Stride  int
	Start   []int32
	Count   []int32
	Weights []float64 // normalised: each row sums to one
	Fixed   []int32   // Weights·2^FixedBits, rounded half away from zero
}

// Taps returns the start, the float weights and the fixed-point weights of
// output i.
func (t *Table) Taps(i int) (start int, w []float64, fixed []int32) {
	off, n := i*t.Stride, int(t.Count[i])
	return int(t.Start[i]), t.Weights[off : off+n], t.Fixed[off : off+n]
}

// NewTable computes the taps that resize the source span [in0, in1) of an
// axis of inSize pixels to outSize pixels with kernel k. For a whole axis
// in0 = 0 and in1 = inSize; the fast mode passes the fractional span left
// after its integer pre-reduction.
func NewTable(inSize int, in0, in1 float64, outSize int, k Kernel) *Table {
	scale := (in1 - in0) / float64(outSize)
	filterScale := max(scale, 1)
	support := k.Support * filterScale
	// Rows padded with zero weights to a multiple of 8, so a SIMD loop may
	// run whole steps of eight taps past the last one.
	stride := (int(math.Ceil(support))*2 + 1 + 7) &^ 7
	t := &Table{
		In: inSize, Out: outSize, Stride: stride,
		Start:   make([]int32, outSize),
		Count:   make([]int32, outSize),
		Weights: make([]float64, outSize*stride),
		Fixed:   make([]int32, outSize*stride),
	}
	ss := 1 / filterScale
	for i := range outSize {
		center := in0 + (float64(i)+0.5)*scale
		// Truncation toward zero, then the clamp, as Pillow rounds.
		lo := max(int(center-support+0.5), 0)
		hi := min(int(center+support+0.5), inSize)
		n := max(hi-lo, 0)
		w := t.Weights[i*stride : i*stride+n]
		sum := 0.0
		for j := range w {
			w[j] = k.At((float64(j+lo) - center + 0.5) * ss)
			sum += w[j]
		}
		if sum != 0 {
			for j := range w {
				w[j] /= sum
			}
		}
		f := t.Fixed[i*stride : i*stride+n]
		for j, v := range w {
			f[j] = toFixed(v)
		}
		t.Start[i], t.Count[i] = int32(lo), int32(n)
	}
	return t
}

func toFixed(w float64) int32 {
	if w < 0 {
		return int32(-0.5 + w*(1<<FixedBits))
	}
	return int32(0.5 + w*(1<<FixedBits))
}

// NearestIndices returns, for each of outSize outputs resizing the span
// [in0, in1) of an axis of inSize pixels, the source pixel under the
// output's centre. The position is accumulated step by step rather than
// multiplied out, as Pillow does: the two differ by a rounding at exact
// pixel boundaries, and this keeps the nearest filter equal to Pillow's.
func NearestIndices(in0, in1 float64, outSize, inSize int) []int {
	scale := (in1 - in0) / float64(outSize)
	idx := make([]int, outSize)
	pos := in0 + scale*0.5
	for i := range idx {
		idx[i] = min(max(int(pos), 0), inSize-1)
		pos += scale
	}
	return idx
}
