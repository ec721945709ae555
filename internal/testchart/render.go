package testchart

import (
	"math"
	"runtime"
	"sync"

	"github.com/corescale/corescale/internal/chunk"
)

// rowBuf is a chunk's scratch: the row's background in float, then its
// 16-bit RGB.
type rowBuf struct {
	f   [3][]float32
	rgb []int32
}

// band is how many rows a goroutine takes at a time.
const band = 16

// render makes every row and hands it to emit, rows in parallel over
// GOMAXPROCS goroutines (each row once, in no particular order). The rows
// depend only on y, never on which goroutine or buffer made them.
func (s *scene) render(emit func(y int, rgb []int32)) {
	if s.w == 0 || s.h == 0 {
		return
	}
	bufs := sync.Pool{New: func() any {
		b := &rowBuf{rgb: make([]int32, 3*s.w)}
		for c := range b.f {
			b.f[c] = make([]float32, s.w)
		}
		return b
	}}
	chunk.Run(s.h, band, runtime.GOMAXPROCS(0), func(lo, hi int) {
		b := bufs.Get().(*rowBuf)
		for y := lo; y < hi; y++ {
			s.row(y, b)
			emit(y, b.rgb)
		}
		bufs.Put(b)
	})
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
