package testchart

import "math"

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
