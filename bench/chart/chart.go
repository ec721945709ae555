package chart

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// The size of every chart in pixels: 16 × 11 cm at 96 dpi, as the charts
// of gonum/plot were before.
const (
	Width  = 640
	Height = 440
)

// maxTicks is how many intervals an axis is divided into at most.
const maxTicks = 6

var (
	gridColour = color.RGBA{R: 222, G: 222, B: 222, A: 255}
	axisColour = color.RGBA{A: 255}
)

// Point is a value on a line chart, in the axes' units.
type Point struct{ X, Y float64 }

// Range is the span of an axis, in its units.
type Range struct {
	Min, Max float64
	// Whole puts ticks at whole numbers only, for an axis of counts
	// (workers) on which 0.5 means nothing.
	Whole bool
}

// least is the smallest step between r's ticks.
func (r Range) least() float64 {
	if r.Whole {
		return 1
	}
	return 0
}

func (r Range) ticks() []float64 { return ticks(r.Min, r.Max, maxTicks, r.least()) }

func (r Range) tickLabel(v float64) string { return tickLabel(v, r.Min, r.Max, maxTicks, r.least()) }

func (r Range) check(name string) error {
	span := r.Max - r.Min
	if !(r.Min < r.Max) || math.IsInf(span, 0) {
		return fmt.Errorf("chart: the %s axis runs from %v to %v: want the first below the second, both finite and less than float64's largest value apart", name, r.Min, r.Max)
	}
	if !Tickable(r.Min, r.Max) {
		return fmt.Errorf("chart: the %s axis runs from %v to %v: a span of %v is too short to tick in float64: want at least 1e-9 of the larger bound's size and 1e-300", name, r.Min, r.Max, span)
	}
	return nil
}

// Series is a line of a line chart.
type Series struct {
	// Label names it in the legend; a series without one is left out of
	// the legend.
	Label  string
	Points []Point
	Colour color.RGBA
	// Width is the line's width in pixels; 0 draws no line, only dots.
	Width float64
	// Dash is the lengths in pixels of the pieces drawn and skipped in
	// turn; nil draws a solid line.
	Dash []float64
	// Dot is the radius in pixels of a dot drawn at each point; 0 draws none.
	Dot float64
}

// Lines is a line chart: series on linear X and Y axes, clipped to them,
// with a legend at the top left.
type Lines struct {
	Title, XLabel, YLabel string
	X, Y                  Range
	Series                []Series
}

// Draw draws the chart. It fails on an empty or reversed range or one float64
// cannot tick (see Tickable), a width or dot that is negative or wider than
// the image, a dash under minDash pixels, a value that is not a finite
// number and one so far outside the axes that its pixel is not.
func (c *Lines) Draw() (*image.RGBA, error) {
	img, _, err := c.draw()
	return img, err
}

// placed is where a chart's plot area and axes ended up.
type placed struct {
	plot   image.Rectangle
	middle []float64 // a bar chart's bars' middles, in pixels
}

func (c *Lines) draw() (*image.RGBA, placed, error) {
	if err := errors.Join(c.X.check("X"), c.Y.check("Y")); err != nil {
		return nil, placed{}, err
	}
	for _, s := range c.Series {
		if err := s.check(); err != nil {
			return nil, placed{}, err
		}
	}
	fs, err := newFaces()
	if err != nil {
		return nil, placed{}, err
	}
	xTicks, yTicks := c.X.ticks(), c.Y.ticks()
	xLabel, yLabel := c.X.tickLabel, c.Y.tickLabel
	f := newFrame(fs, c.Title, c.YLabel, yTicks, yLabel, c.XLabel, textHeight(fs.tick))
	xa, ya := f.axes(c.X, c.Y)

	for _, v := range xTicks {
		x := int(math.Round(xa.Pixel(v)))
		rect(f.img, image.Rect(x, f.plot.Min.Y, x+1, f.plot.Max.Y), gridColour)
		rect(f.img, image.Rect(x, f.plot.Max.Y, x+1, f.plot.Max.Y+tickLength), axisColour)
		text(f.img, fs.tick, xLabel(v), x, f.plot.Max.Y+tickLength+gap, alignCentre)
	}
	f.yAxis(ya, yTicks, yLabel)

	// Each series is rasterized on its own, the size of the plot area, so
	// that what falls outside the axes is cut off.
	var z vector.Rasterizer
	z.Reset(f.plot.Dx(), f.plot.Dy())
	p := pen{&z}
	at := func(q Point) point {
		return point{xa.Pixel(q.X) - float64(f.plot.Min.X), ya.Pixel(q.Y) - float64(f.plot.Min.Y)}
	}
	for _, s := range c.Series {
		pts := make([]point, len(s.Points))
		for i, q := range s.Points {
			pts[i] = at(q)
			if !(math.Abs(pts[i].x) <= maxPixel && math.Abs(pts[i].y) <= maxPixel) {
				return nil, placed{}, fmt.Errorf("chart: series %q: point (%v, %v) lies too far outside the axes to draw: over %g pixels", s.Label, q.X, q.Y, maxPixel)
			}
		}
		if s.Width > 0 && len(pts) > 1 {
			p.polyline(pts, s.Width, s.Dash)
		}
		if s.Dot > 0 {
			for _, q := range pts {
				p.disc(q, s.Dot)
			}
		}
		fill(&z, f.img, f.plot, s.Colour)
	}
	f.frameAxes()
	f.legend(c.Series)
	return f.img, placed{plot: f.plot}, nil
}

// diagonal is the image's diagonal in pixels: no line is wider, no dot
// wider in radius, for either to cover the whole image.
var diagonal = math.Hypot(Width, Height)

// maxPixel bounds where a point may land, in pixels from the plot's
// corner: beyond it, differences of positions overflow to ±Inf, and so
// would pen's clipping of the lines between them.
const maxPixel = 1e300

// minDash is the shortest piece of a dash pattern, in pixels: the pieces
// are drawn one by one, and shorter ones would be too many to be worth it.
const minDash = 0.1

func (s Series) check() error {
	for _, size := range []struct {
		name string
		v    float64
	}{{"width", s.Width}, {"dot", s.Dot}} {
		if !(size.v >= 0 && size.v <= diagonal) {
			return fmt.Errorf("chart: series %q: %s %v: want a number from 0 to %.0f pixels, the image's diagonal", s.Label, size.name, size.v, diagonal)
		}
	}
	for _, d := range s.Dash {
		if !(d >= minDash) || math.IsInf(d, 0) {
			return fmt.Errorf("chart: series %q: dash %v: every length must be finite and at least %v pixels", s.Label, s.Dash, minDash)
		}
	}
	for _, q := range s.Points {
		if math.IsNaN(q.X) || math.IsNaN(q.Y) || math.IsInf(q.X, 0) || math.IsInf(q.Y, 0) {
			return fmt.Errorf("chart: series %q: point (%v, %v) is not a finite number", s.Label, q.X, q.Y)
		}
	}
	return nil
}

// Bars is a bar chart: one bar per label, on a Y axis from 0 to Max.
type Bars struct {
	Title, YLabel string
	Labels        []string
	Values        []float64
	Colour        color.RGBA
	// Max is the top of the Y axis; 0 leaves a tenth of the largest value
	// above it.
	Max float64
}

// barWidth is the widest a bar is drawn, in pixels; narrower when many
// bars share the width.
const barWidth = 38

// Draw draws the chart. It fails when labels and values differ in number,
// when there are none, on a value that is negative or not a finite number,
// and on a Max from 0 to which float64 cannot tick (negative, NaN, +Inf,
// under 1e-300; see Tickable).
func (c *Bars) Draw() (*image.RGBA, error) {
	img, _, err := c.draw()
	return img, err
}

func (c *Bars) draw() (*image.RGBA, placed, error) {
	if len(c.Labels) != len(c.Values) || len(c.Values) == 0 {
		return nil, placed{}, fmt.Errorf("chart: %d labels for %d values: want one per value, at least one", len(c.Labels), len(c.Values))
	}
	top := c.Max
	for i, v := range c.Values {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, placed{}, fmt.Errorf("chart: bar %q: value %v: want a finite number, 0 or more", c.Labels[i], v)
		}
		if c.Max == 0 {
			top = max(top, v*1.1)
		}
	}
	if top == 0 {
		top = 1 // all bars empty: an axis still needs a span
	}
	y := Range{Min: 0, Max: top}
	if err := y.check("Y"); err != nil {
		return nil, placed{}, err
	}
	fs, err := newFaces()
	if err != nil {
		return nil, placed{}, err
	}
	yTicks, yLabel := y.ticks(), y.tickLabel

	// Labels too wide for their bar's share of the width are written
	// upwards, each in a column of its own, in at most a third of the
	// height: longer ones are cut short, for the plot to keep the rest.
	widest := 0
	for _, l := range c.Labels {
		widest = max(widest, textWidth(fs.tick, l))
	}
	left, right := columns(fs, c.YLabel, yTicks, yLabel)
	slot := float64(right-left) / float64(len(c.Values))
	upright := float64(widest) > slot-4
	labelRoom := textHeight(fs.tick)
	if upright {
		labelRoom = min(widest, Height/3)
	}
	f := newFrame(fs, c.Title, c.YLabel, yTicks, yLabel, "", labelRoom)
	_, ya := f.axes(Range{Min: 0, Max: 1}, y)
	f.yAxis(ya, yTicks, yLabel)
	w := min(barWidth, 0.6*slot)
	middles := make([]float64, len(c.Values))
	for i, v := range c.Values {
		mid := float64(f.plot.Min.X) + slot*(float64(i)+0.5)
		middles[i] = mid
		bar := image.Rect(int(math.Round(mid-w/2)), int(math.Round(ya.Pixel(min(v, top)))), int(math.Round(mid+w/2)), f.plot.Max.Y)
		rect(f.img, bar, c.Colour)
		x := int(math.Round(mid))
		rect(f.img, image.Rect(x, f.plot.Max.Y, x+1, f.plot.Max.Y+tickLength), axisColour)
		if upright {
			label := elide(fs.tick, c.Labels[i], labelRoom)
			l := textWidth(fs.tick, label)
			textUp(f.img, fs.tick, label, x-textHeight(fs.tick)/2, f.plot.Max.Y+tickLength+gap+l/2)
		} else {
			text(f.img, fs.tick, c.Labels[i], x, f.plot.Max.Y+tickLength+gap, alignCentre)
		}
	}
	f.frameAxes()
	return f.img, placed{plot: f.plot, middle: middles}, nil
}
