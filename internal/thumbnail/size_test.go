package thumbnail

import (
	"image"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Size
	}{
		{"600x400", Size{600, 400}},
		{"600x", Size{600, 0}},
		{"x400", Size{0, 400}},
		{"600X400", Size{600, 400}},
		{"1x1", Size{1, 1}},
		{"1048576x", Size{MaxSide, 0}},
		{"007x", Size{7, 0}},
	} {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if back, err := ParseSize(got.String()); err != nil || back != got {
			t.Errorf("%v.String() = %q does not parse back: %v, %v", got, got.String(), back, err)
		}
	}
	for _, in := range []string{
		"", "x", "X", "600", "0x400", "600x0", "-5x", "x-5", "+600x", "axb", "600x400x3",
		" 600x400", "600 x 400", "600x400 ", "1048577x", "99999999999999999999x", "6e2x", "600*400", "600×400",
	} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %v, want an error", in, got)
		}
	}
}

func TestParseFit(t *testing.T) {
	for _, f := range []Fit{Contain, Cover, Fill} {
		if got, err := ParseFit(string(f)); err != nil || got != f {
			t.Errorf("ParseFit(%q) = %q, %v", f, got, err)
		}
	}
	for _, s := range []string{"", "Contain", "crop", "stretch"} {
		if _, err := ParseFit(s); err == nil {
			t.Errorf("ParseFit(%q) gave no error", s)
		}
	}
}

func TestGeometry(t *testing.T) {
	full := func(w, h int) image.Rectangle { return image.Rect(0, 0, w, h) }
	for _, tc := range []struct {
		name         string
		sw, sh       int
		size         Size
		fit          Fit
		noEnlarge    bool
		crop         image.Rectangle
		wantW, wantH int
	}{
		{"contain width", 4000, 3000, Size{600, 0}, Contain, false, full(4000, 3000), 600, 450},
		{"contain height", 4000, 3000, Size{0, 300}, Contain, false, full(4000, 3000), 400, 300},
		{"contain landscape in square", 4000, 3000, Size{600, 600}, Contain, false, full(4000, 3000), 600, 450},
		{"contain portrait in square", 3000, 4000, Size{600, 600}, Contain, false, full(3000, 4000), 450, 600},
		{"contain exact aspect", 1920, 1080, Size{640, 360}, Contain, false, full(1920, 1080), 640, 360},
		{"contain rounds half up", 1000, 10, Size{50, 50}, Contain, false, full(1000, 10), 50, 1},
		{"contain rounds", 1920, 1080, Size{600, 0}, Contain, false, full(1920, 1080), 600, 338},
		{"contain thin line", 100000, 1, Size{600, 0}, Contain, false, full(100000, 1), 600, 1},
		{"contain tall line", 1, 100000, Size{600, 600}, Contain, false, full(1, 100000), 1, 600},
		{"contain enlarges", 400, 300, Size{800, 0}, Contain, false, full(400, 300), 800, 600},
		{"contain no-enlarge keeps", 400, 300, Size{800, 0}, Contain, true, full(400, 300), 400, 300},
		{"contain no-enlarge shrinks", 4000, 3000, Size{600, 0}, Contain, true, full(4000, 3000), 600, 450},
		{"contain no-enlarge equal", 600, 450, Size{600, 600}, Contain, true, full(600, 450), 600, 450},
		{"one pixel up", 1, 1, Size{600, 0}, Contain, false, full(1, 1), 600, 600},
		{"one pixel no-enlarge", 1, 1, Size{600, 0}, Contain, true, full(1, 1), 1, 1},
		{"to one pixel", 4000, 3000, Size{1, 1}, Contain, false, full(4000, 3000), 1, 1},

		{"cover wide source", 4000, 3000, Size{600, 600}, Cover, false, image.Rect(500, 0, 3500, 3000), 600, 600},
		{"cover tall source", 3000, 4000, Size{300, 100}, Cover, false, image.Rect(0, 1500, 3000, 2500), 300, 100},
		{"cover same aspect", 1920, 1080, Size{640, 360}, Cover, false, full(1920, 1080), 640, 360},
		{"cover even leftover", 6, 4, Size{2, 2}, Cover, false, image.Rect(1, 0, 5, 4), 2, 2},
		{"cover odd leftover goes right", 7, 4, Size{2, 2}, Cover, false, image.Rect(1, 0, 5, 4), 2, 2},
		{"cover odd leftover goes down", 4, 7, Size{2, 2}, Cover, false, image.Rect(0, 1, 4, 5), 2, 2},
		{"cover line to square", 100000, 1, Size{100, 100}, Cover, false, image.Rect(49999, 0, 50000, 1), 100, 100},
		{"cover line no-enlarge", 100000, 1, Size{100, 100}, Cover, true, image.Rect(49999, 0, 50000, 1), 1, 1},
		{"cover square to line", 100, 100, Size{1000, 1}, Cover, false, image.Rect(0, 49, 100, 50), 1000, 1},
		{"cover no-enlarge keeps the crop", 400, 300, Size{600, 600}, Cover, true, image.Rect(50, 0, 350, 300), 300, 300},
		{"cover no-enlarge shrinks", 4000, 3000, Size{600, 600}, Cover, true, image.Rect(500, 0, 3500, 3000), 600, 600},
		{"cover one side keeps all", 4000, 3000, Size{600, 0}, Cover, false, full(4000, 3000), 600, 450},

		{"fill", 4000, 3000, Size{600, 600}, Fill, false, full(4000, 3000), 600, 600},
		{"fill enlarges", 1, 1, Size{3, 5}, Fill, false, full(1, 1), 3, 5},
		{"fill no-enlarge caps each side", 400, 300, Size{600, 200}, Fill, true, full(400, 300), 400, 200},
		{"fill one side keeps aspect", 4000, 3000, Size{0, 300}, Fill, false, full(4000, 3000), 400, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			crop, w, h := Geometry(tc.sw, tc.sh, tc.size, tc.fit, tc.noEnlarge)
			if crop != tc.crop || w != tc.wantW || h != tc.wantH {
				t.Errorf("Geometry(%d×%d, %v, %s, %v) = %v, %d×%d; want %v, %d×%d",
					tc.sw, tc.sh, tc.size, tc.fit, tc.noEnlarge, crop, w, h, tc.crop, tc.wantW, tc.wantH)
			}
		})
	}
}

// TestGeometryProperties checks the promises on random sizes: the result
// is never empty, contain fits in the box, cover's crop is inside the
// source and centred, the aspect ratio is kept to within rounding, and
// no-enlarge never enlarges.
func TestGeometryProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	side := func() int {
		if r.IntN(4) == 0 {
			return 1 + r.IntN(3)
		}
		return 1 + r.IntN(5000)
	}
	for range 20000 {
		sw, sh := side(), side()
		size := Size{side(), side()}
		switch r.IntN(4) {
		case 0:
			size.W = 0
		case 1:
			size.H = 0
		}
		fit := []Fit{Contain, Cover, Fill}[r.IntN(3)]
		noEnlarge := r.IntN(2) == 0
		crop, w, h := Geometry(sw, sh, size, fit, noEnlarge)
		fail := func(what string) {
			t.Fatalf("Geometry(%d×%d, %v, %s, %v) = %v, %d×%d: %s", sw, sh, size, fit, noEnlarge, crop, w, h, what)
		}
		if w < 1 || h < 1 || crop.Empty() || !crop.In(image.Rect(0, 0, sw, sh)) {
			fail("empty or outside the source")
		}
		if noEnlarge && (w > crop.Dx() || h > crop.Dy()) {
			fail("enlarged")
		}
		both := size.W > 0 && size.H > 0
		if both && (w > size.W || h > size.H) {
			fail("larger than the box")
		}
		if both && fit == Fill && !noEnlarge && (w != size.W || h != size.H) {
			fail("fill is not exact")
		}
		if both && fit == Cover {
			if l, rt := crop.Min.X, sw-crop.Max.X; rt-l < 0 || rt-l > 1 {
				fail("crop not centred across")
			}
			if tp, bt := crop.Min.Y, sh-crop.Max.Y; bt-tp < 0 || bt-tp > 1 {
				fail("crop not centred down")
			}
			if crop.Dx() != sw && crop.Dy() != sh {
				fail("crop cut both sides")
			}
		}
		if fit != Fill || !both {
			// The aspect ratio of the part used is kept to within
			// rounding: half a pixel of the side computed, scaled by
			// the ratio it was computed with, plus half a source pixel
			// of the crop scaled to the output (a 1-pixel floor aside).
			cw, ch, fw, fh := float64(crop.Dx()), float64(crop.Dy()), float64(w), float64(h)
			tol := 0.5 + 0.5*max(cw/ch, ch/cw) + 0.5*max(fw, fh)/min(cw, ch)
			if min(w, h, crop.Dx(), crop.Dy()) > 1 && (abs(fw-fh*cw/ch) > tol || abs(fh-fw*ch/cw) > tol) {
				fail("aspect ratio not kept")
			}
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestExtensions(t *testing.T) {
	var want []string
	for ext := range imageExts {
		want = append(want, ext)
	}
	got := strings.Fields(Extensions)
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("Extensions says %q, the walk takes %q", got, want)
	}
}
