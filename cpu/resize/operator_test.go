package resize

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
)

// operator returns the resize along one axis as a dense out×in matrix:
// row i holds output i's weights at the columns of its source pixels.
func operator(t *resample.Table) *mat.Dense {
	a := mat.NewDense(t.Out, t.In, nil)
	for i := range t.Out {
		start, w, _ := t.Taps(i)
		for j, v := range w {
			a.Set(i, start+j, v)
		}
	}
	return a
}

// channel returns channel c of an image's rows as a matrix.
func channel[T uint8 | uint16](row func(y int) []T, w, h, ch, c int) *mat.Dense {
	x := mat.NewDense(h, w, nil)
	for y := range h {
		for i := range w {
			x.Set(y, i, float64(row(y)[i*ch+c]))
		}
	}
	return x
}

// operatorResize returns A_v · X · A_hᵀ, clamping after each product to
// [0, top] as the engine clamps the overshoot of negative lobes after each
// pass (its rounding between the passes is within the tests' tolerance).
func operatorResize(x, ah, av *mat.Dense, top float64) *mat.Dense {
	clamp := func(m *mat.Dense) {
		m.Apply(func(_, _ int, v float64) float64 { return math.Min(math.Max(v, 0), top) }, m)
	}
	var h, out mat.Dense
	h.Mul(x, ah.T())
	clamp(&h)
	out.Mul(av, &h)
	clamp(&out)
	return &out
}

// TestLinearOperator checks the engine against the resize written as a
// linear operator, A_v · X · A_hᵀ per channel, in float64 with gonum: the
// engine must match it to within one level on every filter and on up, down
// and one-axis resizes of a noisy image (noise puts every tap to work).
func TestLinearOperator(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	src := corescale.NewRaster(97, 61, 3)
	for i := range src.Pix {
		src.Pix[i] = uint8(rng.IntN(256))
	}
	sizes := [][2]int{{31, 17}, {97, 20}, {40, 61}, {150, 90}, {13, 130}, {1, 1}}
	for _, f := range corescale.Filters[1:] { // nearest has no operator
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", f, sz[0], sz[1]), func(t *testing.T) {
				e, err := New(Options{Filter: f, Workers: 1})
				if err != nil {
					t.Fatal(err)
				}
				dst := corescale.NewRaster(sz[0], sz[1], src.Channels)
				if err := e.Resize(dst, src); err != nil {
					t.Fatal(err)
				}
				k, _ := resample.KernelOf(f)
				ah := operator(resample.NewTable(src.Width, 0, float64(src.Width), dst.Width, k))
				av := operator(resample.NewTable(src.Height, 0, float64(src.Height), dst.Height, k))
				worst := 0.0
				for c := range src.Channels {
					out := operatorResize(channel(src.Row, src.Width, src.Height, src.Channels, c), ah, av, 255)
					for y := range dst.Height {
						for i := range dst.Width {
							d := math.Abs(float64(dst.Row(y)[i*dst.Channels+c]) - math.Round(out.At(y, i)))
							worst = max(worst, d)
						}
					}
				}
				if worst > 1 {
					t.Errorf("engine differs from the linear operator by %.2f levels", worst)
				}
			})
		}
	}
}
