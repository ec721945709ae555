package resample

import (
	"fmt"
	"math"

	"github.com/corescale/corescale"
)

// Kernel is a resampling filter: a support radius, in source pixels at a
// scale of one, and the function of distance it weighs pixels with.
type Kernel struct {
	Support float64
	At      func(x float64) float64
}

// KernelOf returns the kernel of a filter. Nearest has none: it picks a
// pixel rather than weighing several (see NearestIndex).
func KernelOf(f corescale.Filter) (Kernel, error) {
	switch f {
	case corescale.Box:
		return Kernel{0.5, box}, nil
	case corescale.Linear:
		return Kernel{1, triangle}, nil
	case corescale.CatmullRom:
		return Kernel{2, catmullRom}, nil
	case corescale.Mitchell:
		return Kernel{2, mitchell}, nil
	case corescale.Lanczos2:
		return Kernel{2, lanczos(2)}, nil
	case corescale.Lanczos3:
		return Kernel{3, lanczos(3)}, nil
	}
	return Kernel{}, fmt.Errorf("filter %q has no kernel", f)
}

// Interpolating reports whether k reproduces its input at a scale of one:
// weight 1 at distance 0 and 0 at every other whole distance. Resizing an
// axis to its own length is then a copy, which the engines skip; Mitchell's
// kernel is not interpolating, and blurs even then.
func (k Kernel) Interpolating() bool {
	if k.At(0) != 1 {
		return false
	}
	for d := 1.0; d <= k.Support; d++ {
		if k.At(d) != 0 || k.At(-d) != 0 {
			return false
		}
	}
	return true
}

// box is Pillow's, half-open on the left so that a pixel centre falling on
// the boundary of two outputs belongs to one of them only.
func box(x float64) float64 {
	if x > -0.5 && x <= 0.5 {
		return 1
	}
	return 0
}

func triangle(x float64) float64 {
	x = math.Abs(x)
	if x < 1 {
		return 1 - x
	}
	return 0
}

// catmullRom is the cubic convolution kernel with a = −0.5 (Keys), Pillow's
// BICUBIC.
func catmullRom(x float64) float64 {
	const a = -0.5
	x = math.Abs(x)
	switch {
	case x < 1:
		return ((a+2)*x-(a+3))*x*x + 1
	case x < 2:
		return (((x-5)*x+8)*x - 4) * a
	}
	return 0
}

// mitchell is the Mitchell–Netravali cubic with B = C = 1/3.
func mitchell(x float64) float64 {
	const b, c = 1.0 / 3, 1.0 / 3
	x = math.Abs(x)
	switch {
	case x < 1:
		return ((12-9*b-6*c)*x*x*x + (-18+12*b+6*c)*x*x + (6 - 2*b)) / 6
	case x < 2:
		return ((-b-6*c)*x*x*x + (6*b+30*c)*x*x + (-12*b-48*c)*x + (8*b + 24*c)) / 6
	}
	return 0
}

func sinc(x float64) float64 {
	if x == 0 {
		return 1
	}
	x *= math.Pi
	return math.Sin(x) / x
}

// lanczos returns the sinc windowed by a sinc a times wider.
func lanczos(a float64) func(float64) float64 {
	return func(x float64) float64 {
		if -a <= x && x < a {
			return sinc(x) * sinc(x/a)
		}
		return 0
	}
}
