package chart

import (
	"image"
	"image/color"
	"math"

	"golang.org/x/image/vector"
)

// Spacing in pixels.
const (
	pad        = 8 // between the image's edge and anything on it
	gap        = 4 // between a tick, its label and the axis's label
	tickLength = 5
)

// frame is a chart's image with its plot area placed: the title above,
// the Y axis's ticks and label on the left, room below for the X axis's
// tick labels (xTickRoom pixels high) and label. Title and labels too long
// for their room are cut short (elide).
type frame struct {
	img  *image.RGBA
	fs   faces
	plot image.Rectangle
}

func newFrame(fs faces, title, yLabel string, yTicks []float64, yTickLabel func(float64) string, xLabel string, xTickRoom int) *frame {
	img := image.NewRGBA(image.Rect(0, 0, Width, Height))
	rect(img, img.Bounds(), color.White)
	f := &frame{img: img, fs: fs}

	// Without a title, room for the highest tick label, which stands half
	// a line above the plot's top.
	top := pad + textHeight(fs.tick)/2
	if title != "" {
		text(img, fs.title, elide(fs.title, title, Width-2*pad), Width/2, pad, alignCentre)
		top = pad + textHeight(fs.title) + gap
	}

	left, right := columns(fs, yLabel, yTicks, yTickLabel)
	bottom := Height - pad - xTickRoom - gap - tickLength
	if xLabel != "" {
		bottom -= textHeight(fs.label) + gap
	}
	f.plot = image.Rect(left, top, right, bottom)

	if yLabel != "" {
		textUp(img, fs.label, elide(fs.label, yLabel, f.plot.Dy()), pad, (f.plot.Min.Y+f.plot.Max.Y)/2)
	}
	if xLabel != "" {
		text(img, fs.label, elide(fs.label, xLabel, f.plot.Dx()), (f.plot.Min.X+f.plot.Max.X)/2, Height-pad-textHeight(fs.label), alignCentre)
	}
	return f
}

// columns are the left and right edges of the plot area: left of it the Y
// axis's label, tick labels and ticks.
func columns(fs faces, yLabel string, yTicks []float64, yTickLabel func(float64) string) (int, int) {
	widest := 0
	for _, v := range yTicks {
		widest = max(widest, textWidth(fs.tick, yTickLabel(v)))
	}
	left := pad + widest + gap + tickLength
	if yLabel != "" {
		left += textHeight(fs.label) + gap
	}
	// The rightmost X tick label may stand half its width past the axis.
	return left, Width - pad - textWidth(fs.tick, "0000")/2
}

// axes map x and y onto the plot area, Y upwards.
func (f *frame) axes(x, y Range) (Axis, Axis) {
	return Axis{Min: x.Min, Max: x.Max, From: float64(f.plot.Min.X), To: float64(f.plot.Max.X)},
		Axis{Min: y.Min, Max: y.Max, From: float64(f.plot.Max.Y), To: float64(f.plot.Min.Y)}
}

// yAxis draws the Y axis's grid lines, ticks and tick labels.
func (f *frame) yAxis(ya Axis, ticks []float64, label func(float64) string) {
	for _, v := range ticks {
		y := int(math.Round(ya.Pixel(v)))
		rect(f.img, image.Rect(f.plot.Min.X, y, f.plot.Max.X, y+1), gridColour)
		rect(f.img, image.Rect(f.plot.Min.X-tickLength, y, f.plot.Min.X, y+1), axisColour)
		text(f.img, f.fs.tick, label(v), f.plot.Min.X-tickLength-gap, y-textHeight(f.fs.tick)/2, alignRight)
	}
}

// frameAxes draws the axes' lines on the left and bottom of the plot area,
// over what was drawn up to them.
func (f *frame) frameAxes() {
	p := f.plot
	rect(f.img, image.Rect(p.Min.X-1, p.Min.Y, p.Min.X, p.Max.Y+1), axisColour)
	rect(f.img, image.Rect(p.Min.X-1, p.Max.Y, p.Max.X, p.Max.Y+1), axisColour)
}

// legendSample is the length in pixels of the piece of line that shows a
// series in the legend.
const legendSample = 30

// legend lists the series that have labels in a box at the plot's top left,
// each beside a sample of its line and dot.
func (f *frame) legend(series []Series) {
	var shown []Series
	widest := 0
	for _, s := range series {
		if s.Label != "" {
			shown = append(shown, s)
			widest = max(widest, textWidth(f.fs.tick, s.Label))
		}
	}
	if len(shown) == 0 {
		return
	}
	line := textHeight(f.fs.tick) + 2
	box := image.Rect(0, 0, gap+legendSample+gap+widest+gap, gap+line*len(shown)+gap).
		Add(f.plot.Min.Add(image.Pt(pad, pad)))
	rect(f.img, box, color.RGBA{R: 160, G: 160, B: 160, A: 255})
	rect(f.img, box.Inset(1), color.White)
	var z vector.Rasterizer
	z.Reset(box.Dx(), box.Dy())
	p := pen{&z}
	for i, s := range shown {
		y := gap + line*i
		mid := float64(y) + float64(line)/2
		if s.Width > 0 {
			p.polyline([]point{{gap, mid}, {gap + legendSample, mid}}, s.Width, s.Dash)
		}
		if s.Dot > 0 {
			p.disc(point{gap + legendSample/2, mid}, s.Dot)
		}
		fill(&z, f.img, box, s.Colour)
		text(f.img, f.fs.tick, s.Label, box.Min.X+gap+legendSample+gap, box.Min.Y+y+1, alignLeft)
	}
}
