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
// its facets are below a pixel for the radii charts use. A disc wholly off
// the rasterizer is left out: the rasterizer walks a shape row by row from
// its top, on the image or not.
func (p pen) disc(c point, r float64) {
	if !p.near(c, r+1) {
		return
	}
	const sides = 32
	var pts [sides]point
	for i := range pts {
		s, co := math.Sincos(2 * math.Pi * float64(i) / sides)
		pts[i] = point{c.x + r*co, c.y + r*s}
	}
	p.polygon(pts[:])
}

// near reports whether c is within margin of the rasterizer's area.
func (p pen) near(c point, margin float64) bool {
	size := p.z.Size()
	return c.x >= -margin && c.y >= -margin && c.x <= float64(size.X)+margin && c.y <= float64(size.Y)+margin
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
//
// Each piece of line is first cut to the rasterizer's area, widened by
// half the line and a pixel so that cut ends stay out of sight: a point
// far outside the axes would otherwise have the rasterizer walk every row
// to it, and the dashes be walked one by one all the way there.
func (p pen) polyline(pts []point, w float64, dash []float64) {
	margin := w/2 + 1
	pattern := dashes{lengths: dash}
	if len(dash) > 0 {
		pattern.start()
	}
	for i := 1; i < len(pts); i++ {
		a, b := pts[i-1], pts[i]
		d := point{b.x - a.x, b.y - a.y}
		along := func(t float64) point { return point{a.x + t*d.x, a.y + t*d.y} }
		l := math.Hypot(d.x, d.y)
		in, out, seen := p.clip(a, b, margin)
		if len(dash) == 0 {
			if seen {
				p.segment(along(in), along(out), w)
			}
			if i < len(pts)-1 {
				p.disc(pts[i], w/2)
			}
			continue
		}
		if !seen {
			pattern.skip(l)
			continue
		}
		pattern.skip(in * l)
		pattern.walk((out-in)*l, func(from, to float64) {
			p.segment(along(in+from/l), along(in+to/l), w)
		})
		pattern.skip((1 - out) * l)
	}
}

// clip returns the fractions of the way from a to b at which the segment
// enters and leaves the rasterizer's area widened by margin
// (Liang–Barsky), and whether it crosses it at all.
func (p pen) clip(a, b point, margin float64) (in, out float64, seen bool) {
	size := p.z.Size()
	d := point{b.x - a.x, b.y - a.y}
	in, out = 0, 1
	for _, edge := range []struct{ towards, room float64 }{
		{-d.x, a.x + margin},                  // left
		{d.x, float64(size.X) + margin - a.x}, // right
		{-d.y, a.y + margin},                  // top
		{d.y, float64(size.Y) + margin - a.y}, // bottom
	} {
		switch t := edge.room / edge.towards; {
		case edge.towards == 0: // parallel to the edge: wholly in or out
			if edge.room < 0 {
				return 0, 0, false
			}
		case edge.towards < 0: // coming in across the edge
			in = max(in, t)
		default: // going out across it
			out = min(out, t)
		}
	}
	return in, out, in < out
}

// dashes walks a dash pattern along a path: which of its lengths the walk
// is in and how much of it remains.
type dashes struct {
	lengths   []float64
	period    float64
	idx       int
	remaining float64
}

func (d *dashes) start() {
	d.period = 0
	for _, l := range d.lengths {
		d.period += l
	}
	d.idx, d.remaining = 0, d.lengths[0]
}

// walk goes l along the pattern, calling draw with the start and end of
// each drawn piece, measured from where the walk began.
func (d *dashes) walk(l float64, draw func(from, to float64)) {
	for pos := 0.0; pos < l; {
		run := min(d.remaining, l-pos)
		if d.idx%2 == 0 && draw != nil {
			draw(pos, pos+run)
		}
		pos += run
		d.remaining -= run
		if d.remaining <= 0 {
			d.idx = (d.idx + 1) % len(d.lengths)
			d.remaining = d.lengths[d.idx]
		}
	}
}

// skip goes l along the pattern drawing nothing; whole periods are
// skipped at once, so the cost does not grow with l.
func (d *dashes) skip(l float64) {
	d.walk(math.Mod(l, d.period), nil)
}

// fill paints what the rasterizer holds onto dst at r.Min in colour c, and
// empties it for the next shape of the same size.
func fill(z *vector.Rasterizer, dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	z.Draw(dst, r, image.NewUniform(c), image.Point{})
	z.Reset(r.Dx(), r.Dy())
}
