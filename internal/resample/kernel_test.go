package resample

import (
	"math"
	"testing"

	"github.com/corescale/corescale"
)

// The reference kernels below are written out from their textbook
// definitions, independently of kernel.go, so that the tests compare the
// code with the formulas rather than with itself.

// refBox is the box of width one, half-open on the left as Pillow's.
func refBox(x float64) float64 {
	if -0.5 < x && x <= 0.5 {
		return 1
	}
	return 0
}

// refTriangle is the tent 1 − |x| on [−1, 1].
func refTriangle(x float64) float64 {
	return math.Max(0, 1-math.Abs(x))
}

// refCatmullRom is Keys' cubic convolution with a = −1/2, in its expanded
// polynomial form.
func refCatmullRom(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return 1.5*x*x*x - 2.5*x*x + 1
	case x < 2:
		return -0.5*x*x*x + 2.5*x*x - 4*x + 2
	}
	return 0
}

// refMitchell is the Mitchell–Netravali cubic with B = C = 1/3, its
// coefficients worked out by hand: (7|x|³ − 12|x|² + 16/3)/6 inside one,
// (−7/3|x|³ + 12|x|² − 20|x| + 32/3)/6 from one to two.
func refMitchell(x float64) float64 {
	x = math.Abs(x)
	switch {
	case x < 1:
		return (7*x*x*x - 12*x*x + 16.0/3) / 6
	case x < 2:
		return (-7.0/3*x*x*x + 12*x*x - 20*x + 32.0/3) / 6
	}
	return 0
}

// refLanczos is a·sin(πx)·sin(πx/a)/(πx)² on (−a, a), 1 at 0.
func refLanczos(a float64) func(float64) float64 {
	return func(x float64) float64 {
		switch {
		case x == 0:
			return 1
		case math.Abs(x) >= a:
			return 0
		}
		px := math.Pi * x
		return a * math.Sin(px) * math.Sin(px/a) / (px * px)
	}
}

var kernelTests = []struct {
	filter        corescale.Filter
	support       float64
	ref           func(float64) float64
	interpolating bool // as the formula is: 1 at 0, 0 at every other integer
	unity         bool // Σ_k K(x+k) = 1 for every x (partition of unity)
}{
	{filter: corescale.Box, support: 0.5, ref: refBox, interpolating: true, unity: true},
	{filter: corescale.Linear, support: 1, ref: refTriangle, interpolating: true, unity: true},
	{filter: corescale.CatmullRom, support: 2, ref: refCatmullRom, interpolating: true, unity: true},
	{filter: corescale.Mitchell, support: 2, ref: refMitchell, interpolating: false, unity: true},
	{filter: corescale.Lanczos2, support: 2, ref: refLanczos(2), interpolating: true},
	{filter: corescale.Lanczos3, support: 3, ref: refLanczos(3), interpolating: true},
}

// kernelPoints are the distances the kernels are sampled at: every quarter
// from −4 to 4 and a few irrational-looking points between.
func kernelPoints() []float64 {
	var xs []float64
	for q := -16; q <= 16; q++ {
		xs = append(xs, float64(q)/4)
	}
	return append(xs, 0.1, -0.1, 0.3333, -0.7071, 1.2345, -1.618, 2.2, -2.71828, 2.999, -2.999, 3.5, -3.5)
}

func TestKernelOf(t *testing.T) {
	t.Parallel()
	for _, test := range kernelTests {
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Errorf("unexpected error for %s: %v", test.filter, err)
			continue
		}
		if k.Support != test.support {
			t.Errorf("unexpected support for %s: got:%v want:%v", test.filter, k.Support, test.support)
		}
		if k.At == nil {
			t.Errorf("nil kernel function for %s", test.filter)
		}
	}
}

func TestKernelOfUnknown(t *testing.T) {
	t.Parallel()
	for _, f := range []corescale.Filter{corescale.Nearest, "", "bicubic", "Lanczos3", "lanczos4"} {
		k, err := KernelOf(f)
		if err == nil {
			t.Errorf("expected an error for filter %q, got kernel of support %v", f, k.Support)
			continue
		}
		if k.At != nil || k.Support != 0 {
			t.Errorf("expected the zero Kernel with the error for filter %q, got support %v", f, k.Support)
		}
	}
}

// Every filter but Nearest has a kernel, so that a new filter added to
// corescale.Filters without one is caught here.
func TestKernelOfEveryFilter(t *testing.T) {
	t.Parallel()
	for _, f := range corescale.Filters {
		_, err := KernelOf(f)
		if (err == nil) == (f == corescale.Nearest) {
			t.Errorf("KernelOf(%q): got error %v", f, err)
		}
	}
}

func TestKernelValues(t *testing.T) {
	t.Parallel()
	const tol = 1e-14
	for _, test := range kernelTests {
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range kernelPoints() {
			got, want := k.At(x), test.ref(x)
			if math.Abs(got-want) > tol {
				t.Errorf("unexpected value for %s at %v: got:%v want:%v", test.filter, x, got, want)
			}
			// Nothing outside the support.
			if math.Abs(x) > k.Support && got != 0 {
				t.Errorf("%s at %v, outside its support %v: got:%v want:0", test.filter, x, k.Support, got)
			}
		}
	}
}

// Values worked out by hand from the published formulas, as exact
// fractions where there is one.
func TestKernelKnownValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		filter corescale.Filter
		x      float64
		want   float64
	}{
		{corescale.Box, 0, 1},
		{corescale.Box, 0.5, 1},  // the right edge belongs to the box
		{corescale.Box, -0.5, 0}, // the left edge does not
		{corescale.Box, 0.25, 1},
		{corescale.Linear, 0, 1},
		{corescale.Linear, 0.25, 0.75},
		{corescale.Linear, -0.5, 0.5},
		{corescale.Linear, 1, 0},
		{corescale.CatmullRom, 0, 1},
		{corescale.CatmullRom, 0.5, 9.0 / 16},
		{corescale.CatmullRom, -0.5, 9.0 / 16},
		{corescale.CatmullRom, 1, 0},
		{corescale.CatmullRom, 1.5, -1.0 / 16},
		{corescale.CatmullRom, 2, 0},
		{corescale.Mitchell, 0, 8.0 / 9},
		{corescale.Mitchell, 0.5, 77.0 / 144},
		{corescale.Mitchell, 1, 1.0 / 18},
		{corescale.Mitchell, -1, 1.0 / 18},
		{corescale.Mitchell, 1.5, -5.0 / 144},
		{corescale.Mitchell, 2, 0},
		{corescale.Lanczos2, 0, 1},
		{corescale.Lanczos2, 0.5, 4 * math.Sqrt2 / (math.Pi * math.Pi)}, // 2·sin(π/2)·sin(π/4)/(π/2)²
		{corescale.Lanczos2, 1.5, -4 * math.Sqrt2 / (9 * math.Pi * math.Pi)},
		{corescale.Lanczos3, 0, 1},
		{corescale.Lanczos3, 0.5, 6 / (math.Pi * math.Pi)}, // 3·sin(π/2)·sin(π/6)/(π/2)²
		{corescale.Lanczos3, 1.5, -4 / (3 * math.Pi * math.Pi)},
		{corescale.Lanczos3, 2.5, 6 / (25 * math.Pi * math.Pi)},
	}
	for _, test := range tests {
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.At(test.x); math.Abs(got-test.want) > 1e-15 {
			t.Errorf("unexpected value for %s at %v: got:%v want:%v", test.filter, test.x, got, test.want)
		}
	}
}

func TestKernelSymmetry(t *testing.T) {
	t.Parallel()
	for _, test := range kernelTests {
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range kernelPoints() {
			if test.filter == corescale.Box && math.Abs(x) == 0.5 {
				continue // half-open on purpose
			}
			// Lanczos' window is [−a, a), as Pillow's: at −a the value is
			// sin(−aπ)-sized rounding noise, not exactly 0.
			if math.Abs(x) == k.Support {
				if a, b := k.At(x), k.At(-x); math.Abs(a) > 1e-30 || math.Abs(b) > 1e-30 {
					t.Errorf("%s at ±%v, the edge of its support: got:%v and %v want:≈0", test.filter, x, a, b)
				}
				continue
			}
			if a, b := k.At(x), k.At(-x); a != b {
				t.Errorf("%s is not symmetric at %v: K(x)=%v K(−x)=%v", test.filter, x, a, b)
			}
		}
	}
}

// The value at 0 is 1 for the interpolating kernels and the kernel is 0 (to
// rounding: sin(kπ) is not exactly 0 in floating point) at every other
// integer.
func TestKernelIntegers(t *testing.T) {
	t.Parallel()
	for _, test := range kernelTests {
		if !test.interpolating {
			continue
		}
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.At(0); got != 1 {
			t.Errorf("%s at 0: got:%v want:1", test.filter, got)
		}
		for d := 1.0; d <= 4; d++ {
			for _, x := range []float64{d, -d} {
				if got := k.At(x); math.Abs(got) > 1e-15 {
					t.Errorf("%s at %v: got:%v want:0", test.filter, x, got)
				}
			}
		}
	}
}

// Box, tent and the two cubics reproduce a constant: the integer shifts of
// the kernel sum to one wherever they are sampled. Lanczos does not, quite.
func TestKernelPartitionOfUnity(t *testing.T) {
	t.Parallel()
	for _, test := range kernelTests {
		if !test.unity {
			continue
		}
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Fatal(err)
		}
		for x := 0.0; x < 1; x += 1.0 / 16 {
			sum := 0.0
			for j := -5; j <= 5; j++ {
				sum += k.At(x + float64(j))
			}
			if math.Abs(sum-1) > 1e-14 {
				t.Errorf("%s: Σ K(%v+k) = %v, want 1", test.filter, x, sum)
			}
		}
	}
}

// Interpolating reports what the engine relies on to copy an axis resized
// to its own length: 1 at 0, exactly 0 at every other integer.
func TestInterpolating(t *testing.T) {
	t.Parallel()
	tests := []struct {
		filter corescale.Filter
		want   bool
	}{
		{corescale.Box, true},
		{corescale.Linear, true},
		{corescale.CatmullRom, true},
		{corescale.Mitchell, false},
		// Lanczos is interpolating as a formula, but sin(π) is 1.2e-16 in
		// floating point, so At(1) is about 3e-17 rather than 0, and the
		// exact test in Interpolating says no. The resize engine then runs
		// a pass over an axis kept at its length where a copy would do;
		// the fixed-point weights round to 0 and 1<<FixedBits, so the bytes
		// are the same (see TestTableIdentity). This pins today's behaviour.
		{corescale.Lanczos2, false},
		{corescale.Lanczos3, false},
	}
	for _, test := range tests {
		k, err := KernelOf(test.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := k.Interpolating(); got != test.want {
			t.Errorf("unexpected Interpolating for %s: got:%v want:%v", test.filter, got, test.want)
		}
	}

	// Hand-made kernels, to test the method itself.
	hand := []struct {
		name string
		k    Kernel
		want bool
	}{
		{"tent", Kernel{1, refTriangle}, true},
		{"scaled at 0", Kernel{1, func(x float64) float64 { return 0.5 * refTriangle(x) }}, false},
		{"nonzero at 2", Kernel{2, func(x float64) float64 { return refTriangle(x / 2) }}, false},
		{"nonzero at −1 only", Kernel{1, func(x float64) float64 {
			if x == -1 {
				return 0.1
			}
			return refTriangle(x)
		}}, false},
		{"gaussian", Kernel{3, func(x float64) float64 { return math.Exp(-x * x) }}, false},
	}
	for _, test := range hand {
		if got := test.k.Interpolating(); got != test.want {
			t.Errorf("unexpected Interpolating for %s: got:%v want:%v", test.name, got, test.want)
		}
	}
}
