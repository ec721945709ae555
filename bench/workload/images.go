package workload

import (
	"fmt"
	"image"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The test images are hard for resamplers on purpose: beside photo-like
// content (smooth gradients and blobs, mild noise, hard-edged shapes) they
// hold a zone plate whose rings reach the Nyquist frequency at its rim, patches
// of 1-pixel lines at several pitches and angles, and text at two sizes plus a
// bitmap font.
//
// Every image is a pure function of its size and seed: each pixel depends only
// on its coordinates and on parameters drawn once from a PCG generator, so the
// rows can be rendered in parallel and the same call gives the same bytes on
// every run. The content is rendered once at 16 bits per channel; the 8-bit
// and gray variants are the standard image/color conversions of it, so
// color.RGBAModel.Convert(Photo16(...).At(x, y)) == Photo(...).At(x, y) and
// color.GrayModel.Convert(Photo16(...).At(x, y)) == PhotoGray(...).At(x, y).
// (The few floating-point steps — math.Cos, math.Exp and the glyph rasterizer
// — may round differently on another CPU architecture, which may move a rare
// pixel by one level there.)

// Photo returns an opaque w×h photo-like test chart drawn from seed.
func Photo(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb, _ []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			q := p[4*x : 4*x+4 : 4*x+4]
			q[0] = uint8(rgb[3*x] >> 8)
			q[1] = uint8(rgb[3*x+1] >> 8)
			q[2] = uint8(rgb[3*x+2] >> 8)
			q[3] = 0xff
		}
	}, false)
	return img
}

// Photo16 returns the chart of Photo at 16 bits per channel (opaque).
func Photo16(w, h int, seed uint64) *image.RGBA64 {
	img := image.NewRGBA64(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb, _ []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+8*w]
		for x := 0; x < w; x++ {
			q := p[8*x : 8*x+8 : 8*x+8]
			r, g, b := rgb[3*x], rgb[3*x+1], rgb[3*x+2]
			q[0], q[1] = uint8(r>>8), uint8(r)
			q[2], q[3] = uint8(g>>8), uint8(g)
			q[4], q[5] = uint8(b>>8), uint8(b)
			q[6], q[7] = 0xff, 0xff
		}
	}, false)
	return img
}

// PhotoGray returns the luma of the chart of Photo, 8 bits.
func PhotoGray(w, h int, seed uint64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb, _ []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range p {
			p[x] = uint8(luma(rgb[3*x:3*x+3:3*x+3]) >> 24)
		}
	}, false)
	return img
}

// PhotoGray16 returns the luma of the chart of Photo, 16 bits.
func PhotoGray16(w, h int, seed uint64) *image.Gray16 {
	img := image.NewGray16(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb, _ []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+2*w]
		for x := 0; x < w; x++ {
			v := luma(rgb[3*x:3*x+3:3*x+3]) >> 16
			p[2*x], p[2*x+1] = uint8(v>>8), uint8(v)
		}
	}, false)
	return img
}

// luma is color.GrayModel's weighting of 16-bit R, G, B, scaled by 2^16.
func luma(rgb []int32) uint32 {
	return 19595*uint32(rgb[0]) + 38470*uint32(rgb[1]) + 7471*uint32(rgb[2]) + 1<<15
}

// PhotoNRGBA returns the chart of Photo with an alpha channel that tests
// premultiplied filtering: opaque on the left, a ramp to fully transparent
// across the middle, fully transparent on the right, a fully transparent
// hard-edged hole in the opaque part, and a patch of 2-pixel stripes that
// alternate between opaque and fully transparent. Transparent pixels keep the
// chart's colours (as non-premultiplied images may), so a resampler that
// filters without premultiplying lets them bleed in.
func PhotoNRGBA(w, h int, seed uint64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb, alpha []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			q := p[4*x : 4*x+4 : 4*x+4]
			q[0] = uint8(rgb[3*x] >> 8)
			q[1] = uint8(rgb[3*x+1] >> 8)
			q[2] = uint8(rgb[3*x+2] >> 8)
			q[3] = uint8(alpha[x] >> 8)
		}
	}, true)
	return img
}

// Cutout returns a white disc and white text on a fully transparent black
// background (every transparent pixel is 0,0,0,0): after a downscale the edges
// must stay white with falling alpha, never grey — the no-dark-fringe test.
// The glyph edges are antialiased (white with partial alpha); the disc edge is
// hard. The seed moves the disc.
func Cutout(w, h int, seed uint64) *image.NRGBA {
	w, h = max(w, 0), max(h, 0)
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	if w == 0 || h == 0 {
		return img
	}
	rng := rand.New(rand.NewPCG(seed, 0x6375746f7574))
	m := float64(min(w, h))
	r := m * (0.18 + 0.08*rng.Float64())
	cx := float64(w)*0.72 + (rng.Float64()-0.5)*0.1*float64(w)
	cy := float64(h)*0.5 + (rng.Float64()-0.5)*0.2*float64(h)
	d := disc{cx: cx, cy: cy, r2: r * r, r: r}
	// Text on the left half; the disc may overlap it.
	text := image.NewRGBA(image.Rect(0, 0, (w+1)/2, h))
	ph := float64(h)
	lines := []textLine{
		{size: ph / 6, text: "Fringe"},
		{size: ph / 14, text: "white on clear"},
		{size: ph / 14, text: fmt.Sprintf("seed %d", seed)},
		{size: 0, text: "basicfont 7x13 no dark edges"},
	}
	drawText(text, lines, ph/20)
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		if y < text.Rect.Dy() {
			tr := text.Pix[y*text.Stride : y*text.Stride+4*text.Rect.Dx()]
			for x := 0; x < text.Rect.Dx(); x++ {
				if a := tr[4*x+3]; a != 0 {
					row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = 0xff, 0xff, 0xff, a
				}
			}
		}
		if x0, x1, ok := d.span(y, w); ok {
			for x := x0; x < x1; x++ {
				row[4*x], row[4*x+1], row[4*x+2], row[4*x+3] = 0xff, 0xff, 0xff, 0xff
			}
		}
	}
	return img
}

// scene holds everything drawn from the seed; render makes the rows from it.
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
	alpha  alphaPlan
}

// term is amp·X[x]·Y[y] for one background component, non-zero only on
// X[x0:x1] (blobs are cut off where they no longer reach one 16-bit level).
type term struct {
	xs     []float32
	ys     []float32
	x0, x1 int
	amp    [3]float32
}

type shape struct {
	disc  *disc
	poly  *convex
	color [3]int32
}

// disc is the set of pixels whose centres lie within r of (cx, cy).
type disc struct{ cx, cy, r, r2 float64 }

func (d *disc) span(y, w int) (x0, x1 int, ok bool) {
	dy := float64(y) + 0.5 - d.cy
	if dy*dy > d.r2 {
		return 0, 0, false
	}
	dx := math.Sqrt(d.r2 - float64(dy*dy))
	return clampSpan(int(math.Ceil(d.cx-dx-0.5)), int(math.Floor(d.cx+dx-0.5))+1, w)
}

// convex is a convex polygon: the pixels whose centres satisfy
// a·x + b·y + c ≥ 0 for every edge.
type convex struct {
	edges  [][3]float64
	y0, y1 int
}

func newConvex(pts [][2]float64) *convex {
	// Orient the edges so that the inside is on the left of each.
	area := 0.0
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		area += p[0]*q[1] - q[0]*p[1]
	}
	c := &convex{y0: math.MaxInt, y1: math.MinInt}
	for i, p := range pts {
		q := pts[(i+1)%len(pts)]
		a, b := -(q[1] - p[1]), q[0]-p[0]
		if area < 0 {
			a, b = -a, -b
		}
		c.edges = append(c.edges, [3]float64{a, b, -(a*p[0] + b*p[1])})
		c.y0 = min(c.y0, int(math.Floor(p[1])))
		c.y1 = max(c.y1, int(math.Ceil(p[1])))
	}
	return c
}

func (c *convex) span(y, w int) (x0, x1 int, ok bool) {
	if y < c.y0 || y > c.y1 {
		return 0, 0, false
	}
	yc := float64(y) + 0.5
	lo, hi := math.Inf(-1), math.Inf(1)
	for _, e := range c.edges {
		// a·xc + b·yc + c ≥ 0 with xc = x + 0.5.
		r := -(float64(e[1]*yc) + e[2])
		switch {
		case e[0] > 0:
			lo = math.Max(lo, r/e[0])
		case e[0] < 0:
			hi = math.Min(hi, r/e[0])
		case r > 0:
			return 0, 0, false
		}
	}
	if lo > hi {
		return 0, 0, false
	}
	return clampSpan(int(math.Ceil(math.Max(lo-0.5, -1))), int(math.Floor(math.Min(hi-0.5, float64(w))))+1, w)
}

func clampSpan(x0, x1, w int) (int, int, bool) {
	x0, x1 = max(x0, 0), min(x1, w)
	return x0, x1, x0 < x1
}

// zonePlate is 0.5 + 0.5·cos(k·r²) in a disc of radius R with k = π/(2R):
// the local frequency k·r/π rises linearly from 0 at the centre to 0.5
// cycles per pixel, the Nyquist frequency, at the rim.
type zonePlate struct {
	disc
	k float64
}

// linePatch is a light rectangle crossed by dark 1-pixel lines of the given
// pitch at angle θ: the pixels whose centre has (x·cos θ + y·sin θ) mod pitch
// below 1, measured from the patch corner.
type linePatch struct {
	x0, y0, x1, y1 int
	cos, sin       float64
	pitch          float64
}

type textPanel struct {
	x0, y0 int
	mask   *image.RGBA // white text, coverage in A
	paper  [3]int32
	ink    [3]int32
}

// alphaPlan is PhotoNRGBA's alpha: opaque left of rampX0, a linear ramp to 0
// at rampX1, transparent beyond; a transparent hole; a striped patch.
type alphaPlan struct {
	rampX0, rampX1 float64
	hole           disc
	sx0, sy0       int // striped patch, to the image's bottom right
	sx1, sy1       int
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

	// Alpha for PhotoNRGBA.
	s.alpha = alphaPlan{rampX0: 0.35 * fw, rampX1: 0.85 * fw}
	hr := m / 8
	s.alpha.hole = disc{cx: u(0.1, 0.25) * fw, cy: u(0.3, 0.7) * fh, r: hr, r2: hr * hr}
	s.alpha.sx0, s.alpha.sy0 = w/2, h*3/4
	s.alpha.sx1, s.alpha.sy1 = w*3/4, h-h/16
	return s
}

func to16(v float64) int32 {
	return int32(math.Round(math.Max(0, math.Min(1, v)) * 0xffff))
}

type textLine struct {
	size float64 // pixels; 0 for basicfont's 7×13 face
	text string
}

var goRegular = sync.OnceValue(func() *opentype.Font {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		panic(err) // the embedded font is known good
	}
	return f
})

// drawText draws the lines in white, top to bottom from a margin, onto dst
// (transparent where there is no text), clipped to dst.
func drawText(dst *image.RGBA, lines []textLine, margin float64) {
	y := margin
	for _, l := range lines {
		var face font.Face = basicfont.Face7x13
		if l.size > 0 {
			if l.size < 4 {
				continue // too small to be text
			}
			f, err := opentype.NewFace(goRegular(), &opentype.FaceOptions{Size: l.size, DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				continue
			}
			face = f
		}
		met := face.Metrics()
		y += float64(met.Ascent) / 64
		d := font.Drawer{Dst: dst, Src: image.White, Face: face, Dot: fixed.P(int(margin), int(y))}
		d.DrawString(l.text)
		y += float64(met.Descent)/64 + 0.25*float64(met.Height)/64
		if l.size > 0 {
			face.Close()
		}
	}
}

// rowBuf is one worker's scratch: the row's background in float, then its
// 16-bit RGB and alpha.
type rowBuf struct {
	f     [3][]float32
	rgb   []int32
	alpha []int32
}

// render makes every row and hands it to emit, rows in parallel over
// GOMAXPROCS goroutines (each row once, in no particular order).
func (s *scene) render(emit func(y int, rgb, alpha []int32), withAlpha bool) {
	if s.w == 0 || s.h == 0 {
		return
	}
	const band = 16
	workers := min(runtime.GOMAXPROCS(0), (s.h+band-1)/band)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := &rowBuf{rgb: make([]int32, 3*s.w)}
			for c := range b.f {
				b.f[c] = make([]float32, s.w)
			}
			if withAlpha {
				b.alpha = make([]int32, s.w)
			}
			for {
				y0 := int(next.Add(band)) - band
				if y0 >= s.h {
					return
				}
				for y := y0; y < min(y0+band, s.h); y++ {
					s.row(y, b)
					if withAlpha {
						s.alphaRow(y, b.alpha)
					}
					emit(y, b.rgb, b.alpha)
				}
			}
		}()
	}
	wg.Wait()
}

// row renders row y into b.rgb as 16-bit values.
func (s *scene) row(y int, b *rowBuf) {
	w := s.w
	yc := float32((float64(y)+0.5)/float64(s.h) - 0.5)
	for c := range b.f {
		v := s.base[c] + float32(s.ygrad[c]*yc)
		f := b.f[c]
		for x := range f {
			f[x] = v
		}
	}
	// The float32(…) conversions keep the compiler from fusing into FMA
	// instructions, so every build computes the same values.
	for i := range s.terms {
		t := &s.terms[i]
		ty := t.ys[y]
		if ty < 1e-6 && ty > -1e-6 {
			continue
		}
		cr, cg, cb := t.amp[0]*ty, t.amp[1]*ty, t.amp[2]*ty
		xs := t.xs[t.x0:t.x1]
		fr, fg, fb := b.f[0][t.x0:t.x1], b.f[1][t.x0:t.x1], b.f[2][t.x0:t.x1]
		fg, fb = fg[:len(xs)], fb[:len(xs)]
		fr = fr[:len(xs)]
		for x, v := range xs {
			fr[x] += float32(cr * v)
			fg[x] += float32(cg * v)
			fb[x] += float32(cb * v)
		}
	}
	rgb := b.rgb[:3*w]
	fr, fg, fb := b.f[0][:w], b.f[1][:w], b.f[2][:w]
	for x := range fr {
		q := rgb[3*x : 3*x+3 : 3*x+3]
		q[0] = unit16(fr[x])
		q[1] = unit16(fg[x])
		q[2] = unit16(fb[x])
	}

	for i := range s.shapes {
		sh := &s.shapes[i]
		var x0, x1 int
		var ok bool
		if sh.disc != nil {
			x0, x1, ok = sh.disc.span(y, w)
		} else {
			x0, x1, ok = sh.poly.span(y, w)
		}
		if ok {
			fill(rgb[3*x0:3*x1], sh.color)
		}
	}

	// Mild noise: per channel a triangular distribution of ±1200/65535
	// (standard deviation about 1.9 levels of 8 bits), from a hash of the
	// pixel's position.
	key := s.noise + uint64(y)*uint64(w)
	for x := 0; x < w; x++ {
		h := mix64(key + uint64(x))
		q := rgb[3*x : 3*x+3 : 3*x+3]
		for c := range 3 {
			n := int32(h&1023) + int32(h>>10&1023) - 1023
			h >>= 20
			q[c] = clamp16(q[c] + n*1200>>10)
		}
	}

	if z := s.zone; z != nil {
		if x0, x1, ok := z.span(y, w); ok {
			dy := float64(y) + 0.5 - z.cy
			for x := x0; x < x1; x++ {
				dx := float64(x) + 0.5 - z.cx
				v := int32(math.Round(float64(0.5+float64(0.5*math.Cos(z.k*(float64(dx*dx)+float64(dy*dy))))) * 0xffff))
				rgb[3*x], rgb[3*x+1], rgb[3*x+2] = v, v, v
			}
		}
	}

	light, dark := to16(0.88), to16(0.08)
	for i := range s.grid {
		p := &s.grid[i]
		if y < p.y0 || y >= p.y1 || p.x0 >= w {
			continue
		}
		ty := (float64(y-p.y0) + 0.5) * p.sin
		for x := p.x0; x < min(p.x1, w); x++ {
			t := float64((float64(x-p.x0)+0.5)*p.cos) + ty
			v := light
			if t-float64(p.pitch*math.Floor(t/p.pitch)) < 1 {
				v = dark
			}
			rgb[3*x], rgb[3*x+1], rgb[3*x+2] = v, v, v
		}
	}

	if p := s.panel; p != nil {
		my := y - p.y0
		if my >= 0 && my < p.mask.Rect.Dy() {
			m := p.mask.Pix[my*p.mask.Stride:]
			for mx := 0; mx < p.mask.Rect.Dx() && p.x0+mx < w; mx++ {
				a := int32(m[4*mx+3])
				q := rgb[3*(p.x0+mx) : 3*(p.x0+mx)+3 : 3*(p.x0+mx)+3]
				for c := range 3 {
					q[c] = (p.paper[c]*(255-a) + p.ink[c]*a + 127) / 255
				}
			}
		}
	}
}

// alphaRow fills a with PhotoNRGBA's 16-bit alpha for row y.
func (s *scene) alphaRow(y int, a []int32) {
	p := &s.alpha
	for x := range a {
		xc := float64(x) + 0.5
		switch {
		case xc <= p.rampX0:
			a[x] = 0xffff
		case xc >= p.rampX1:
			a[x] = 0
		default:
			a[x] = int32(math.Round(float64((p.rampX1-xc)/(p.rampX1-p.rampX0)) * 0xffff))
		}
	}
	if x0, x1, ok := p.hole.span(y, s.w); ok {
		clear(a[x0:x1])
	}
	if y >= p.sy0 && y < p.sy1 {
		for x := p.sx0; x < p.sx1; x++ {
			a[x] = 0xffff * int32((x-p.sx0)/2%2^1)
		}
	}
}

func fill(rgb []int32, c [3]int32) {
	for i := 0; i+3 <= len(rgb); i += 3 {
		rgb[i], rgb[i+1], rgb[i+2] = c[0], c[1], c[2]
	}
}

func unit16(v float32) int32 {
	switch {
	case v <= 0:
		return 0
	case v >= 1:
		return 0xffff
	}
	return int32(float32(v*0xffff) + 0.5)
}

func clamp16(v int32) int32 {
	return min(max(v, 0), 0xffff)
}

// mix64 is SplitMix64's finalizer: a fast, well-mixed hash of x.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
