package testchart

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
)

// scene holds everything drawn from the seed; render makes the rows from it.
// newScene draws in a fixed order, and every image depends on that order.
type scene struct {
	w, h  int
	terms []term // separable background terms
	base  [3]float32
	ygrad [3]float32 // linear gradient down the image

	shapes []shape
	noise  uint64 // seed of the per-pixel noise
	zone   *zonePlate
	grid   []linePatch
	panel  *textPanel
}

// term is amp·X[x]·Y[y] for one background component, non-zero only on
// X[x0:x1] (blobs are cut off where they no longer reach one 16-bit level).
type term struct {
	xs     []float32
	ys     []float32
	x0, x1 int
	amp    [3]float32
}

func newScene(w, h int, seed uint64) *scene {
	s := &scene{w: max(w, 0), h: max(h, 0)}
	if s.w == 0 || s.h == 0 {
		return s
	}
	rng := rand.New(rand.NewPCG(seed, 0x70686f746f))
	fw, fh := float64(w), float64(h)
	m := math.Min(fw, fh)
	u := func(lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

	// Background: a base colour, a gradient in x and in y, a few slow
	// cosine waves and soft Gaussian blobs.
	for c := range s.base {
		s.base[c] = float32(u(0.3, 0.7))
		s.ygrad[c] = float32(u(-0.25, 0.25))
	}
	ones := make([]float32, h)
	for i := range ones {
		ones[i] = 1
	}
	xgrad := make([]float32, w)
	for x := range xgrad {
		xgrad[x] = float32((float64(x)+0.5)/fw - 0.5)
	}
	t := term{xs: xgrad, ys: ones, x0: 0, x1: w}
	for c := range t.amp {
		t.amp[c] = float32(u(-0.3, 0.3))
	}
	s.terms = append(s.terms, t)
	wave := func(n int, f, phase float64, size float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(math.Cos(2*math.Pi*f*(float64(i)+0.5)/size + phase))
		}
		return v
	}
	for range 3 {
		t := term{
			xs: wave(w, u(0.3, 2.5), u(0, 2*math.Pi), fw),
			ys: wave(h, u(0.3, 2.5), u(0, 2*math.Pi), fh),
			x0: 0, x1: w,
		}
		for c := range t.amp {
			t.amp[c] = float32(u(-0.1, 0.1))
		}
		s.terms = append(s.terms, t)
	}
	for range 5 {
		sigma := u(m/14, m/4)
		cx, cy := u(0, fw), u(0, fh)
		gauss := func(n int, centre float64) []float32 {
			v := make([]float32, n)
			for i := range v {
				d := (float64(i) + 0.5 - centre) / sigma
				v[i] = float32(math.Exp(-0.5 * d * d))
			}
			return v
		}
		reach := 4.5 * sigma // exp(-0.5·4.5²) < 2^-16
		t := term{
			xs: gauss(w, cx), ys: gauss(h, cy),
			x0: max(0, int(cx-reach)), x1: min(w, int(cx+reach)+1),
		}
		for c := range t.amp {
			t.amp[c] = float32(u(-0.3, 0.3))
		}
		if t.x0 < t.x1 {
			s.terms = append(s.terms, t)
		}
	}

	// Hard-edged shapes anywhere: discs, rectangles, rotated rectangles and
	// triangles, in saturated colours, near black or near white.
	colour := func() [3]int32 {
		var c [3]int32
		switch k := rng.IntN(4); k {
		case 0, 1:
			v := u(0.01, 0.08)
			if k == 1 {
				v = u(0.92, 0.99)
			}
			for i := range c {
				c[i] = to16(v + u(-0.01, 0.01))
			}
		default:
			for i := range c {
				c[i] = to16(u(0, 1))
			}
			c[rng.IntN(3)] = to16(u(0.85, 1)) // one strong primary
		}
		return c
	}
	for i := range 28 {
		cx, cy := u(0, fw), u(0, fh)
		sz := u(m/40, m/7)
		sh := shape{color: colour()}
		switch i % 4 {
		case 0:
			r := sz / 2
			sh.disc = &disc{cx: cx, cy: cy, r: r, r2: r * r}
		case 1: // axis-aligned rectangle
			a, b := sz/2, u(0.3, 1)*sz/2
			sh.poly = newConvex([][2]float64{{cx - a, cy - b}, {cx + a, cy - b}, {cx + a, cy + b}, {cx - a, cy + b}})
		case 2: // rotated rectangle
			a, b, th := sz/2, u(0.2, 1)*sz/2, u(0, math.Pi)
			cs, sn := math.Cos(th), math.Sin(th)
			var pts [][2]float64
			for _, p := range [][2]float64{{-a, -b}, {a, -b}, {a, b}, {-a, b}} {
				pts = append(pts, [2]float64{cx + p[0]*cs - p[1]*sn, cy + p[0]*sn + p[1]*cs})
			}
			sh.poly = newConvex(pts)
		case 3: // triangle
			th := u(0, 2*math.Pi)
			var pts [][2]float64
			for k := range 3 {
				a := th + float64(k)*2*math.Pi/3 + u(-0.4, 0.4)
				pts = append(pts, [2]float64{cx + sz/2*math.Cos(a), cy + sz/2*math.Sin(a)})
			}
			sh.poly = newConvex(pts)
		}
		s.shapes = append(s.shapes, sh)
	}
	s.noise = rng.Uint64()

	// The chart: a 3×2 grid of cells (2×3 when portrait), three of which,
	// chosen by the seed, hold the zone plate, the line patches and the text.
	cols, rows := 3, 2
	if h > w {
		cols, rows = 2, 3
	}
	cells := rng.Perm(cols * rows)
	cell := func(i int) (x0, y0, x1, y1 int) {
		cx, cy := cells[i]%cols, cells[i]/cols
		x0, x1 = cx*w/cols, (cx+1)*w/cols
		y0, y1 = cy*h/rows, (cy+1)*h/rows
		inset := min(x1-x0, y1-y0) / 16
		return x0 + inset, y0 + inset, x1 - inset, y1 - inset
	}

	{
		x0, y0, x1, y1 := cell(0)
		r := float64(min(x1-x0, y1-y0)) / 2
		if r >= 2 {
			z := &zonePlate{k: math.Pi / (2 * r)}
			z.cx, z.cy, z.r, z.r2 = float64(x0+x1)/2, float64(y0+y1)/2, r, r*r
			s.zone = z
		}
	}
	{
		// Rows of patches at 0° (vertical lines), 90°, 45° and 30°; columns
		// at pitches 2, 3, 4, 6 and 9 pixels.
		x0, y0, x1, y1 := cell(1)
		angles := []float64{0, 90, 45, 30}
		pitches := []float64{2, 3, 4, 6, 9}
		gap := max(1, min(x1-x0, y1-y0)/40)
		pw := (x1 - x0 - gap*(len(pitches)-1)) / len(pitches)
		ph := (y1 - y0 - gap*(len(angles)-1)) / len(angles)
		if pw >= 4 && ph >= 4 {
			for i, a := range angles {
				cs, sn := math.Cos(a*math.Pi/180), math.Sin(a*math.Pi/180)
				switch a {
				case 0:
					cs, sn = 1, 0
				case 90:
					cs, sn = 0, 1
				}
				for j, p := range pitches {
					px, py := x0+j*(pw+gap), y0+i*(ph+gap)
					s.grid = append(s.grid, linePatch{x0: px, y0: py, x1: px + pw, y1: py + ph, cos: cs, sin: sn, pitch: p})
				}
			}
		}
	}
	{
		x0, y0, x1, y1 := cell(2)
		if x1-x0 >= 16 && y1-y0 >= 16 {
			p := &textPanel{
				x0: x0, y0: y0,
				mask:  image.NewRGBA(image.Rect(0, 0, x1-x0, y1-y0)),
				paper: [3]int32{to16(0.94), to16(0.93), to16(0.88)},
				ink:   [3]int32{to16(0.04), to16(0.04), to16(0.07)},
			}
			ph := float64(y1 - y0)
			drawText(p.mask, []textLine{
				{size: ph / 6, text: "Resample"},
				{size: ph / 6, text: "Aa Bb 0123"},
				{size: ph / 15, text: "The quick brown fox jumps over the lazy dog."},
				{size: ph / 15, text: "PACK MY BOX WITH FIVE DOZEN LIQUOR JUGS"},
				{size: ph / 15, text: fmt.Sprintf("seed %d  %dx%d  1lIi| oO0 ,.;:", seed, w, h)},
				{size: 0, text: "basicfont 7x13: the fine print a thumbnail loses"},
			}, ph/24)
			s.panel = p
		}
	}
	return s
}

func to16(v float64) int32 {
	return int32(math.Round(math.Max(0, math.Min(1, v)) * 0xffff))
}
