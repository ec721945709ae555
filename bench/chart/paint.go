package chart

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// point is a position in pixels, in the coordinates of the rasterizer.
type point struct{ x, y float64 }

// pen adds filled shapes to a rasterizer. The rasterizer sums the signed
// areas of its paths, so two overlapping shapes wound opposite ways cancel
// into a hole; pen winds every shape the same way, and overlaps stay
// filled (a dashed line's pieces, a line's joins and its dots).
type pen struct{ z *vector.Rasterizer }

// polygon fills the closed polygon through pts.
func (p pen) polygon(pts []point) {
	area := 0.0
	for i, a := range pts {
		b := pts[(i+1)%len(pts)]
		area += a.x*b.y - b.x*a.y
	}
	p.z.MoveTo(float32(pts[0].x), float32(pts[0].y))
	for i := 1; i < len(pts); i++ {
		j := i
		if area < 0 {
			j = len(pts) - i
		}
		p.z.LineTo(float32(pts[j].x), float32(pts[j].y))
	}
	p.z.ClosePath()
}

// disc fills a circle of radius r around c, as a polygon fine enough that
// its facets are below a pixel for the radii charts use.
func (p pen) disc(c point, r float64) {
	const sides = 32
	var pts [sides]point
	for i := range pts {
		s, co := math.Sincos(2 * math.Pi * float64(i) / sides)
		pts[i] = point{c.x + r*co, c.y + r*s}
	}
	p.polygon(pts[:])
}

// segment fills the rectangle of width w along a to b (square ends, flush
// with a and b).
func (p pen) segment(a, b point, w float64) {
	dx, dy := b.x-a.x, b.y-a.y
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*w/2, dx/l*w/2
	p.polygon([]point{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
}

// polyline strokes pts with width w: solid with round joins when dash is
// empty, else alternately drawn and skipped along its length by dash's
// lengths (on, off, on, …), the pattern running on across corners.
func (p pen) polyline(pts []point, w float64, dash []float64) {
	if len(dash) == 0 {
		for i := 1; i < len(pts); i++ {
			p.segment(pts[i-1], pts[i], w)
			if i < len(pts)-1 {
				p.disc(pts[i], w/2)
			}
		}
		return
	}
	idx, remaining := 0, dash[0] // the dash piece we are in, and how much of it remains
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		l := math.Hypot(b.x-a.x, b.y-a.y)
		for pos := 0.0; pos < l; {
			run := min(remaining, l-pos)
			if idx%2 == 0 && run > 0 {
				from, to := pos/l, (pos+run)/l
				p.segment(point{a.x + from*(b.x-a.x), a.y + from*(b.y-a.y)},
					point{a.x + to*(b.x-a.x), a.y + to*(b.y-a.y)}, w)
			}
			pos += run
			remaining -= run
			if remaining <= 0 {
				idx = (idx + 1) % len(dash)
				remaining = dash[idx]
			}
		}
	}
}

// fill paints what the rasterizer holds onto dst at r.Min in colour c, and
// empties it for the next shape of the same size.
func fill(z *vector.Rasterizer, dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	z.Draw(dst, r, image.NewUniform(c), image.Point{})
	z.Reset(r.Dx(), r.Dy())
}
