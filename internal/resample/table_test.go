package resample

import (
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/corescale/corescale"
)

// spans are the (in, in0, in1, out) the table invariants are checked on:
// whole axes up, down, by integer and by awkward factors, kept at their
// length, to and from one pixel, and the fractional sub-spans the fast
// mode passes.
var spans = func() []struct {
	in       int
	in0, in1 float64
	out      int
} {
	type span = struct {
		in       int
		in0, in1 float64
		out      int
	}
	var s []span
	sizes := []int{1, 2, 3, 5, 7, 8, 16, 17, 31, 64, 100, 127, 255, 600}
	for _, in := range sizes {
		for _, out := range sizes {
			s = append(s, span{in, 0, float64(in), out})
		}
	}
	return append(s,
		span{6000, 0, 6000, 600},
		span{4000, 0, 4000, 333},
		span{100, 20, 60, 40},
		span{100, 20.25, 60.25, 40},
		span{100, 10, 90, 20},
		span{100, 0.5, 99.5, 37},
		span{667, 0, 666.6666666666666, 200}, // 2000 reduced by 3 in fast mode
		span{1334, 0, 1333.3333333333333, 101},
	)
}()

// TestTableInvariants checks, for every filter and span, the shape of the
// table and each output's taps against the reference kernels: the taps
// stay inside the source, the rows are padded with zeros to a stride that
// is a multiple of 8, the float weights are the reference kernel at the
// taps' distances from the output centre, normalised, every source pixel
// left out has weight 0, and the fixed-point weights are the float weights
// rounded.
func TestTableInvariants(t *testing.T) {
	t.Parallel()
	for _, kt := range kernelTests {
		k, err := KernelOf(kt.filter)
		if err != nil {
			t.Fatal(err)
		}
		ref := kt.ref
		for _, sp := range spans {
			name := fmt.Sprintf("%s %d [%v,%v)→%d", kt.filter, sp.in, sp.in0, sp.in1, sp.out)
			tb := NewTable(sp.in, sp.in0, sp.in1, sp.out, k)
			checkTable(t, name, tb, sp.in, sp.in0, sp.in1, sp.out, ref, kt.support)
		}
	}
}

func checkTable(t *testing.T, name string, tb *Table, in int, in0, in1 float64, out int, ref func(float64) float64, support float64) {
	t.Helper()
	if tb.In != in || tb.Out != out {
		t.Errorf("%s: In, Out = %d, %d, want %d, %d", name, tb.In, tb.Out, in, out)
	}
	if tb.Stride <= 0 || tb.Stride%8 != 0 {
		t.Errorf("%s: Stride %d is not a positive multiple of 8", name, tb.Stride)
	}
	if len(tb.Start) != out || len(tb.Count) != out || len(tb.Weights) != out*tb.Stride || len(tb.Fixed) != out*tb.Stride {
		t.Fatalf("%s: lengths Start %d Count %d Weights %d Fixed %d, want %d, %d, %d, %d",
			name, len(tb.Start), len(tb.Count), len(tb.Weights), len(tb.Fixed), out, out, out*tb.Stride, out*tb.Stride)
	}
	scale := (in1 - in0) / float64(out)
	fs := math.Max(scale, 1)
	// The widest window there can be: the stretched support on each side,
	// plus one for where the centre falls.
	if maxTaps := int(math.Ceil(2*support*fs)) + 1; tb.Stride < maxTaps {
		t.Errorf("%s: Stride %d < %d, the widest window", name, tb.Stride, maxTaps)
	}
	one := int64(1) << FixedBits
	for i := range out {
		start, count := int(tb.Start[i]), int(tb.Count[i])
		if start < 0 || count < 1 || start+count > in || count > tb.Stride {
			t.Errorf("%s: output %d reads [%d, %d), outside the source [0, %d) or wider than the stride %d",
				name, i, start, start+count, in, tb.Stride)
			continue
		}
		s, w, fixed := tb.Taps(i)
		if s != start || len(w) != count || len(fixed) != count {
			t.Errorf("%s: Taps(%d) = %d, %d weights, %d fixed; want %d, %d, %d", name, i, s, len(w), len(fixed), start, count, count)
			continue
		}
		for j := count; j < tb.Stride; j++ {
			if tb.Weights[i*tb.Stride+j] != 0 || tb.Fixed[i*tb.Stride+j] != 0 {
				t.Errorf("%s: output %d: padding tap %d is not zero", name, i, j)
			}
		}

		center := in0 + (float64(i)+0.5)*scale
		// The distance in kernel units, rounded as the package rounds it,
		// so that a pixel exactly on the box's edge falls the same way.
		ss := 1 / fs
		dist := func(src int) float64 { return (float64(src) - center + 0.5) * ss }
		// Every source pixel outside the window is at or past the
		// support, where the kernel is 0. (Rounding may put one a hair
		// inside it, where the kernels are 1e-15-sized or, for the box,
		// on its edge.)
		for src := range in {
			if (src < start || src >= start+count) && math.Abs(dist(src)) < support-1e-9 {
				t.Errorf("%s: output %d (centre %v): source %d, at %v of the support %v, is left out of [%d, %d)",
					name, i, center, src, dist(src), support, start, start+count)
			}
		}
		want := make([]float64, count)
		sum := 0.0
		for j := range want {
			want[j] = ref(dist(start + j))
			sum += want[j]
		}
		if sum == 0 {
			t.Errorf("%s: output %d: every tap has weight 0", name, i)
			continue
		}
		wsum := 0.0
		var fsum int64
		for j := range want {
			want[j] /= sum
			if math.Abs(w[j]-want[j]) > 1e-12 {
				t.Errorf("%s: output %d tap %d (source %d): weight %v, want %v", name, i, j, start+j, w[j], want[j])
			}
			// Rounded half away from zero, as math.Round does.
			if f := int32(math.Round(w[j] * float64(one))); fixed[j] != f {
				t.Errorf("%s: output %d tap %d: fixed %d, want %d (weight %v)", name, i, j, fixed[j], f, w[j])
			}
			wsum += w[j]
			fsum += int64(fixed[j])
		}
		if math.Abs(wsum-1) > 1e-12 {
			t.Errorf("%s: output %d: weights sum to %v, want 1", name, i, wsum)
		}
		// The fixed weights are rounded one by one and not renormalised
		// (as Pillow's), so their sum is 2^FixedBits only to within half a
		// unit per tap.
		if d := fsum - one; 2*abs(d) > int64(count) {
			t.Errorf("%s: output %d: fixed weights sum to %d, %+d from %d, more than %d taps' rounding",
				name, i, fsum, d, one, count)
		}
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// The fixed-point sums are not exactly 2^FixedBits in general: a box
// averaging 120 pixels into one has 120 weights of 34952.53…, each rounded
// up. This pins that down, so that a change to renormalise the fixed
// weights (which would break the agreement with Pillow) is noticed.
func TestTableFixedSumNotExact(t *testing.T) {
	t.Parallel()
	k, _ := KernelOf(corescale.Box)
	tb := NewTable(120, 0, 120, 1, k)
	_, _, fixed := tb.Taps(0)
	var sum int64
	for _, f := range fixed {
		if f != 34953 {
			t.Fatalf("fixed weight %d, want round(2^22/120) = 34953", f)
		}
		sum += int64(f)
	}
	if want := int64(120 * 34953); sum != want {
		t.Errorf("fixed sum %d, want %d (2^22 + 56)", sum, want)
	}
}

// Resizing an axis to its own length with an interpolating kernel gives
// each output one tap of full weight on the source pixel under it, and the
// other taps 0 — in fixed point exactly, whatever the rounding of the float
// weights (Lanczos' zeros are 1e-17-sized).
func TestTableIdentity(t *testing.T) {
	t.Parallel()
	for _, f := range []corescale.Filter{corescale.Box, corescale.Linear, corescale.CatmullRom, corescale.Lanczos2, corescale.Lanczos3} {
		k, err := KernelOf(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 2, 5, 64, 601} {
			tb := NewTable(n, 0, float64(n), n, k)
			for i := range n {
				start, w, fixed := tb.Taps(i)
				found := false
				for j := range w {
					src := start + j
					wantW, wantF := 0.0, int32(0)
					if src == i {
						wantW, wantF, found = 1, 1<<FixedBits, true
					}
					if math.Abs(w[j]-wantW) > 1e-15 || fixed[j] != wantF {
						t.Errorf("%s %d→%d: output %d, source %d: weight %v (fixed %d), want %v (%d)",
							f, n, n, i, src, w[j], fixed[j], wantW, wantF)
					}
				}
				if !found {
					t.Errorf("%s %d→%d: output %d reads [%d, %d), not its own pixel", f, n, n, i, start, start+len(w))
				}
			}
		}
	}
}

// Mitchell is not interpolating: kept at its length, an axis is blurred by
// the weights 1/18, 8/9, 1/18 (renormalised at the edges, where a tap
// falls outside).
func TestTableIdentityMitchell(t *testing.T) {
	t.Parallel()
	k, _ := KernelOf(corescale.Mitchell)
	const n = 10
	tb := NewTable(n, 0, n, n, k)
	for i := range n {
		want := map[int]float64{i: 8.0 / 9}
		if i > 0 {
			want[i-1] = 1.0 / 18
		}
		if i < n-1 {
			want[i+1] = 1.0 / 18
		}
		sum := 0.0
		for _, v := range want {
			sum += v
		}
		start, w, _ := tb.Taps(i)
		for j := range w {
			if got, exp := w[j], want[start+j]/sum; math.Abs(got-exp) > 1e-15 {
				t.Errorf("output %d source %d: weight %v, want %v", i, start+j, got, exp)
			}
		}
	}
	// Here the rounded weights do sum to one exactly: 233017 + 3728270 +
	// 233017 (and 0 for the taps at distance 2).
	_, _, fixed := tb.Taps(n / 2)
	var sum int32
	for _, f := range fixed {
		sum += f
	}
	if sum != 1<<FixedBits {
		t.Errorf("interior fixed weights %v sum to %d, want %d", fixed, sum, 1<<FixedBits)
	}
}

// A box reducing by an integer factor s is the exact block average: output
// i reads source pixels s·i … s·i+s−1, each with weight 1/s.
func TestTableBoxDownscale(t *testing.T) {
	t.Parallel()
	k, _ := KernelOf(corescale.Box)
	for _, s := range []int{1, 2, 3, 4, 7, 10, 16} {
		const out = 13
		tb := NewTable(out*s, 0, float64(out*s), out, k)
		for i := range out {
			start, w, fixed := tb.Taps(i)
			if start != s*i || len(w) != s {
				t.Errorf("box ÷%d: output %d reads [%d, %d), want [%d, %d)", s, i, start, start+len(w), s*i, s*i+s)
				continue
			}
			wantF := int32(math.Round(float64(1<<FixedBits) / float64(s)))
			for j := range w {
				if math.Abs(w[j]-1/float64(s)) > 1e-15 || fixed[j] != wantF {
					t.Errorf("box ÷%d: output %d tap %d: %v (%d), want %v (%d)", s, i, j, w[j], fixed[j], 1/float64(s), wantF)
				}
			}
		}
	}
}

// On downscale the support is stretched by the scale factor, so an
// interior output (one whose window is not cut by an edge) reads
// 2·support·scale pixels, give or take the rounding of the window's ends;
// on upscale it is not stretched.
func TestTableDownscaleStretches(t *testing.T) {
	t.Parallel()
	const in = 2400
	for _, kt := range kernelTests {
		k, _ := KernelOf(kt.filter)
		prev := 0
		for _, out := range []int{9600, 2400, 1200, 800, 720, 300, 75} {
			tb := NewTable(in, 0, in, out, k)
			scale := math.Max(float64(in)/float64(out), 1)
			width := 2 * kt.support * scale
			lo, hi := int(math.Floor(width)), int(math.Ceil(width))
			if lo == hi {
				// A whole width: the window's two ends round alike, or
				// the left end's pixel sits exactly on the support.
				hi++
			}
			most := 0
			for i := out / 4; i < 3*out/4; i++ {
				c := int(tb.Count[i])
				if c < lo || c > hi {
					t.Errorf("%s %d→%d: interior output %d has %d taps, want %d…%d", kt.filter, in, out, i, c, lo, hi)
				}
				most = max(most, c)
			}
			if most < prev {
				t.Errorf("%s %d→%d: at most %d taps, fewer than the %d of a smaller reduction", kt.filter, in, out, most, prev)
			}
			prev = most
		}
	}
}

// A sub-span [in0, in1) of the source maps output centres onto it.
func TestTableSubSpan(t *testing.T) {
	t.Parallel()
	lin, _ := KernelOf(corescale.Linear)
	box, _ := KernelOf(corescale.Box)
	type tap struct {
		src int
		w   float64
	}
	tests := []struct {
		name     string
		k        Kernel
		in       int
		in0, in1 float64
		out      int
		want     func(i int) []tap // the taps of nonzero weight
	}{
		{
			name: "linear, whole-pixel offset, scale 1", k: lin, in: 100, in0: 20, in1: 60, out: 40,
			want: func(i int) []tap { return []tap{{20 + i, 1}} },
		},
		{
			name: "linear, quarter-pixel offset, scale 1", k: lin, in: 100, in0: 20.25, in1: 60.25, out: 40,
			// Centre 20.75 + i: a quarter from pixel 20+i's centre, three
			// quarters from 21+i's.
			want: func(i int) []tap { return []tap{{20 + i, 0.75}, {21 + i, 0.25}} },
		},
		{
			name: "linear, upscale ×2 of an inner span", k: lin, in: 50, in0: 10, in1: 30, out: 40,
			// Centres 10.25, 10.75, 11.25, …: a quarter from one pixel
			// centre, three quarters from the next. Pixel 9, outside the
			// span but inside the source, is read: a span is not a crop.
			want: func(i int) []tap {
				p := 10 + i/2
				if i%2 == 0 {
					return []tap{{p - 1, 0.25}, {p, 0.75}}
				}
				return []tap{{p, 0.75}, {p + 1, 0.25}}
			},
		},
		{
			name: "box ÷4 of an inner span", k: box, in: 100, in0: 10, in1: 90, out: 20,
			want: func(i int) []tap {
				return []tap{{10 + 4*i, 0.25}, {11 + 4*i, 0.25}, {12 + 4*i, 0.25}, {13 + 4*i, 0.25}}
			},
		},
	}
	for _, test := range tests {
		tb := NewTable(test.in, test.in0, test.in1, test.out, test.k)
		for i := range test.out {
			start, w, _ := tb.Taps(i)
			var got []tap
			for j, v := range w {
				if v != 0 {
					got = append(got, tap{start + j, v})
				}
			}
			want := test.want(i)
			if len(got) != len(want) {
				t.Errorf("%s: output %d: taps %v, want %v", test.name, i, got, want)
				continue
			}
			for j := range got {
				if got[j].src != want[j].src || math.Abs(got[j].w-want[j].w) > 1e-15 {
					t.Errorf("%s: output %d: taps %v, want %v", test.name, i, got, want)
					break
				}
			}
		}
	}
}

// NearestIndices is checked against the exact position of each output
// centre, in0 + (i + ½)·(in1 − in0)/out, computed in rationals. Where that
// position is a whole number the accumulated float may land just below it
// (Pillow's arithmetic, which the code follows on purpose), so either
// neighbour is accepted there.
func TestNearestIndices(t *testing.T) {
	t.Parallel()
	type span struct {
		in0, in1 *big.Rat
		out, in  int
	}
	var spans []span
	r := func(a, b int64) *big.Rat { return big.NewRat(a, b) }
	for _, in := range []int{1, 2, 3, 4, 5, 7, 10, 16, 33, 100, 255, 1000} {
		for _, out := range []int{1, 2, 3, 4, 6, 9, 10, 17, 64, 100, 333, 1000} {
			spans = append(spans, span{r(0, 1), r(int64(in), 1), out, in})
		}
	}
	spans = append(spans,
		span{r(21, 2), r(41, 2), 5, 30},   // [10.5, 20.5) → centres 11.5, 13.5, …
		span{r(1, 4), r(397, 4), 33, 100}, // quarter-pixel span
		span{r(0, 1), r(2000, 3), 200, 667},
		span{r(0, 1), r(12, 1), 3, 10}, // past the end: clamped
	)
	boundaries := 0
	for _, sp := range spans {
		in0, _ := sp.in0.Float64()
		in1, _ := sp.in1.Float64()
		got := NearestIndices(in0, in1, sp.out, sp.in)
		if len(got) != sp.out {
			t.Fatalf("NearestIndices(%v, %v, %d, %d): %d indices, want %d", in0, in1, sp.out, sp.in, len(got), sp.out)
		}
		scale := new(big.Rat).Sub(sp.in1, sp.in0)
		scale.Quo(scale, new(big.Rat).SetInt64(int64(sp.out)))
		for i, g := range got {
			pos := new(big.Rat).SetFrac64(2*int64(i)+1, 2)
			pos.Mul(pos, scale).Add(pos, sp.in0)
			fl := new(big.Int).Quo(pos.Num(), pos.Denom()) // floor, pos ≥ 0
			want := int(fl.Int64())
			clamp := func(x int) int { return min(max(x, 0), sp.in-1) }
			ok := g == clamp(want)
			if pos.IsInt() {
				boundaries++
				ok = ok || g == clamp(want-1)
			}
			if !ok {
				t.Errorf("NearestIndices(%v, %v, %d, %d)[%d] = %d, want %d (centre at %s)",
					in0, in1, sp.out, sp.in, i, g, clamp(want), pos.FloatString(6))
			}
			if i > 0 && g < got[i-1] {
				t.Errorf("NearestIndices(%v, %v, %d, %d): not monotone at %d: %d after %d", in0, in1, sp.out, sp.in, i, g, got[i-1])
			}
		}
	}
	if boundaries == 0 {
		t.Error("no span put a centre on a pixel boundary; the test lost its edge cases")
	}
}

func TestNearestIndicesKnown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in0, in1 float64
		out, in  int
		want     []int
	}{
		{0, 4, 4, 4, []int{0, 1, 2, 3}},
		{0, 8, 4, 8, []int{1, 3, 5, 7}},
		{0, 9, 3, 9, []int{1, 4, 7}},
		{0, 3, 9, 3, []int{0, 0, 0, 1, 1, 1, 2, 2, 2}},
		{0, 2, 4, 2, []int{0, 0, 1, 1}},
		{0, 5, 1, 5, []int{2}},
		{10.5, 20.5, 5, 30, []int{11, 13, 15, 17, 19}},
		{0, 12, 3, 10, []int{2, 6, 9}},
		// Output 3's centre is exactly at 1 (7/7), but 1/7 + 3·(2/7)
		// accumulated in float64 is a hair below it: pixel 0, where
		// multiplying out would give pixel 1. This is the step-by-step
		// sum the code keeps on purpose, to match Pillow.
		{0, 2, 7, 2, []int{0, 0, 0, 0, 1, 1, 1}},
	}
	for _, test := range tests {
		got := NearestIndices(test.in0, test.in1, test.out, test.in)
		if fmt.Sprint(got) != fmt.Sprint(test.want) {
			t.Errorf("NearestIndices(%v, %v, %d, %d) = %v, want %v", test.in0, test.in1, test.out, test.in, got, test.want)
		}
	}
}
