package chart

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	red  = color.RGBA{R: 255, A: 255}
	blue = color.RGBA{B: 255, A: 255}
)

// near reports whether c is close to want: anti-aliasing blends the edges
// of shapes, never their middles.
func near(c, want color.RGBA) bool {
	d := func(a, b uint8) bool { return math.Abs(float64(a)-float64(b)) <= 24 }
	return d(c.R, want.R) && d(c.G, want.G) && d(c.B, want.B)
}

// TestLinesDrawsPoints: dots land where their values map on the axes, Y
// upwards; a line runs along its values; what lies outside the axes is cut
// off; and the legend names the series.
func TestLinesDrawsPoints(t *testing.T) {
	c := Lines{
		Title: "t", XLabel: "x", YLabel: "y",
		X: Range{Min: 0, Max: 10}, Y: Range{Min: 0, Max: 10},
		Series: []Series{
			{Points: []Point{{2, 3}, {7, 8}}, Colour: red, Dot: 4},
			// Out to X = 20, twice the axis: cut at the plot's edge.
			{Label: "level", Points: []Point{{0, 5}, {5, 5}, {20, 5}}, Colour: blue, Width: 3},
		},
	}
	img, at, err := c.draw()
	if err != nil {
		t.Fatal(err)
	}
	pixel := func(x, y float64) color.RGBA { return img.RGBAAt(int(math.Floor(x)), int(math.Floor(y))) }
	// Where values should land, worked out here from the plot's corners
	// rather than by the code under test: X rightwards, Y upwards.
	px := func(v float64) float64 { return float64(at.plot.Min.X) + v/10*float64(at.plot.Dx()) }
	py := func(v float64) float64 { return float64(at.plot.Max.Y) - v/10*float64(at.plot.Dy()) }

	for _, p := range []Point{{2, 3}, {7, 8}} {
		x, y := px(p.X), py(p.Y)
		if c := pixel(x, y); !near(c, red) {
			t.Errorf("dot at (%v, %v): pixel (%.0f, %.0f) is %v, want red", p.X, p.Y, x, y, c)
		}
		// Upside down, the dot would be here.
		if c := pixel(x, py(10-p.Y)); near(c, red) {
			t.Errorf("pixel of (%v, %v) is red: Y runs downwards", p.X, 10-p.Y)
		}
	}
	// Every red pixel is within a dot's radius (and a pixel of blending) of
	// a dot's centre: nothing red is drawn elsewhere.
	reds := 0
	for y := img.Rect.Min.Y; y < img.Rect.Max.Y; y++ {
		for x := img.Rect.Min.X; x < img.Rect.Max.X; x++ {
			if c := img.RGBAAt(x, y); c.R > 128 && c.G < 100 && c.B < 100 {
				reds++
				ok := false
				for _, p := range []Point{{2, 3}, {7, 8}} {
					ok = ok || math.Hypot(float64(x)+0.5-px(p.X), float64(y)+0.5-py(p.Y)) < 4+1.5
				}
				if !ok {
					t.Fatalf("pixel (%d, %d) is red, away from every dot", x, y)
				}
			}
		}
	}
	if reds < 2*30 { // a disc of radius 4 covers about 50 pixels
		t.Errorf("%d red pixels, want two dots' worth", reds)
	}

	y := py(5)
	for _, v := range []float64{1, 5, 9.5} {
		if c := pixel(px(v), y); !near(c, blue) {
			t.Errorf("line at (%v, 5): pixel is %v, want blue", v, c)
		}
		for _, off := range []float64{-4, 4} {
			if c := pixel(px(v), y+off); c.B > 128 && c.R < 100 {
				t.Errorf("pixel %v rows from the line at X %v is blue: the line is too wide or misplaced", off, v)
			}
		}
	}
	for x := at.plot.Max.X; x < img.Rect.Max.X; x++ {
		if c := pixel(float64(x), y); c.B > 128 && c.R < 100 {
			t.Fatalf("pixel (%d, %.0f), right of the axes, is blue: the line is not cut at the plot's edge", x, y)
		}
	}
	// The legend's sample of the labelled line: a blue run at the top left.
	found := false
	for y := at.plot.Min.Y; y < at.plot.Min.Y+40 && !found; y++ {
		run := 0
		for x := at.plot.Min.X; x < at.plot.Min.X+60; x++ {
			if near(img.RGBAAt(x, y), blue) {
				run++
			}
		}
		found = run >= legendSample-2
	}
	if !found {
		t.Error("no legend sample of the labelled line at the top left of the plot")
	}
}

// TestLinesDashes: a dashed line is drawn in pieces of its dash's lengths,
// and a solid one is not.
func TestLinesDashes(t *testing.T) {
	for _, tc := range []struct {
		dash     []float64
		min, max int // runs of blue along the line
	}{
		{nil, 1, 1},
		{[]float64{5, 5}, 40, 70}, // ~560 pixels in 10 a period
		{[]float64{10, 30}, 10, 18},
	} {
		c := Lines{X: Range{Min: 0, Max: 1}, Y: Range{Min: 0, Max: 1},
			Series: []Series{{Points: []Point{{0, 0.5}, {1, 0.5}}, Colour: blue, Width: 2, Dash: tc.dash}}}
		img, at, err := c.draw()
		if err != nil {
			t.Fatal(err)
		}
		y := (at.plot.Min.Y + at.plot.Max.Y) / 2
		runs, on, inside := 0, false, 0
		for x := at.plot.Min.X; x < at.plot.Max.X; x++ {
			b := near(img.RGBAAt(x, y), blue)
			if b && !on {
				runs++
			}
			if b {
				inside++
			}
			on = b
		}
		if runs < tc.min || runs > tc.max {
			t.Errorf("dash %v: %d runs of blue along the line, want %d to %d", tc.dash, runs, tc.min, tc.max)
		}
		if len(tc.dash) == 2 {
			share := float64(inside) / float64(at.plot.Dx())
			want := tc.dash[0] / (tc.dash[0] + tc.dash[1])
			if math.Abs(share-want) > 0.1 {
				t.Errorf("dash %v: %.2f of the line drawn, want about %.2f", tc.dash, share, want)
			}
		}
	}
}

// TestBarsHeights: each bar stands from the axis to its value: its top row
// is where its value maps, and the heights go as the values.
func TestBarsHeights(t *testing.T) {
	values := []float64{1, 2, 4, 0.5}
	c := Bars{Title: "t", YLabel: "u/s", Labels: []string{"a", "bb", "ccc", "d"}, Values: values, Colour: red, Max: 5}
	img, at, err := c.draw()
	if err != nil {
		t.Fatal(err)
	}
	if len(at.middle) != len(values) {
		t.Fatalf("%d bars placed, want %d", len(at.middle), len(values))
	}
	unit := float64(at.plot.Dy()) / c.Max // pixels per unit of value
	for i, v := range values {
		x := int(at.middle[i])
		top := -1
		for y := at.plot.Min.Y; y < at.plot.Max.Y; y++ {
			if img.RGBAAt(x, y) == red {
				top = y
				break
			}
		}
		if top < 0 {
			t.Fatalf("bar %d (%v): no bar in column %d", i, v, x)
		}
		if want := int(math.Round(float64(at.plot.Max.Y) - v*unit)); top != want {
			t.Errorf("bar %d (%v): top at row %d, want %d", i, v, top, want)
		}
		for y := top; y < at.plot.Max.Y; y++ {
			if img.RGBAAt(x, y) != red {
				t.Errorf("bar %d (%v): row %d of column %d is not the bar's", i, v, y, x)
				break
			}
		}
		if h := float64(at.plot.Max.Y - top); math.Abs(h-unit*v) > 1 {
			t.Errorf("bar %d (%v): %v pixels high, want %.1f (%.1f a unit)", i, v, h, unit*v, unit)
		}
	}
	// Between the bars, nothing of theirs.
	gapX := int((at.middle[0] + at.middle[1]) / 2)
	for y := at.plot.Min.Y; y < at.plot.Max.Y; y++ {
		if img.RGBAAt(gapX, y) == red {
			t.Fatalf("pixel (%d, %d), between bars, is the bars' colour", gapX, y)
		}
	}
}

// TestBarsLongLabels: labels too wide to stand side by side are written
// upwards, each within its bar's share of the width: no label's ink
// reaches the columns halfway between two bars.
func TestBarsLongLabels(t *testing.T) {
	var labels []string
	var values []float64
	for i := range 10 {
		labels = append(labels, "gpu device "+strings.Repeat("x", i))
		values = append(values, float64(i+1))
	}
	img, at, err := (&Bars{Labels: labels, Values: values, Colour: blue}).draw()
	if err != nil {
		t.Fatal(err)
	}
	inked := 0
	for x := at.plot.Min.X; x < at.plot.Max.X; x++ {
		for y := at.plot.Max.Y + tickLength + 1; y < img.Rect.Max.Y; y++ {
			if img.RGBAAt(x, y).R < 128 {
				inked++
				break
			}
		}
	}
	if inked < 10*8 {
		t.Fatalf("%d columns below the axis hold text, want ten labels' worth", inked)
	}
	for i := 1; i < len(at.middle); i++ {
		x := int((at.middle[i-1] + at.middle[i]) / 2)
		for y := at.plot.Max.Y + tickLength + 1; y < img.Rect.Max.Y; y++ {
			if img.RGBAAt(x, y).R < 128 {
				t.Errorf("pixel (%d, %d), between labels %d and %d, is text: they run into each other", x, y, i-1, i)
				break
			}
		}
	}
}

func TestDrawRefusesBadCharts(t *testing.T) {
	unit := Range{Min: 0, Max: 1}
	level := []Point{{0, 0.5}, {1, 0.5}}
	for _, tc := range []struct {
		name string
		draw func() (*image.RGBA, error)
		want string
	}{
		{"reversed X", (&Lines{X: Range{Min: 5, Max: 1}, Y: Range{Min: 0, Max: 1}}).Draw, "X axis runs from 5 to 1"},
		{"empty Y", (&Lines{X: Range{Min: 0, Max: 1}, Y: Range{Min: 2, Max: 2}}).Draw, "Y axis runs from 2 to 2"},
		{"NaN point", (&Lines{X: Range{Min: 0, Max: 1}, Y: Range{Min: 0, Max: 1}, Series: []Series{{Label: "s", Points: []Point{{math.NaN(), 0}}}}}).Draw, `series "s": point (NaN, 0)`},
		{"zero dash", (&Lines{X: Range{Min: 0, Max: 1}, Y: Range{Min: 0, Max: 1}, Series: []Series{{Label: "s", Dash: []float64{4, 0}}}}).Draw, `series "s": dash [4 0]`},
		{"negative bar", (&Bars{Labels: []string{"a"}, Values: []float64{-1}}).Draw, `bar "a": value -1`},
		{"labels and values", (&Bars{Labels: []string{"a"}, Values: []float64{1, 2}}).Draw, "1 labels for 2 values"},
		{"no bars", (&Bars{}).Draw, "0 labels for 0 values"},
		{"bars above a negative top", (&Bars{Labels: []string{"a"}, Values: []float64{1}, Max: -1}).Draw, "Y axis runs from 0 to -1"},
		{"bars under a NaN top", (&Bars{Labels: []string{"a"}, Values: []float64{1}, Max: math.NaN()}).Draw, "Y axis runs from 0 to NaN"},
		// Each of these once hung or ran out of memory.
		{"span beyond float64", (&Lines{X: Range{Min: -1e308, Max: 1e308}, Y: unit}).Draw, "X axis runs from -1e+308 to 1e+308"},
		{"span too fine for float64", (&Lines{X: unit, Y: Range{Min: 1e17, Max: 1e17 + 16}}).Draw, "Y axis runs from 1e+17 to 1.0000000000000002e+17: a span of 16 is too short"},
		{"span under float64's powers of ten", (&Lines{X: Range{Min: 0, Max: 1e-310}, Y: unit}).Draw, "a span of 1e-310 is too short"},
		{"tiny dash", (&Lines{X: unit, Y: unit, Series: []Series{{Label: "s", Points: level, Width: 1, Dash: []float64{1e-12, 1e-12}}}}).Draw, `series "s": dash [1e-12 1e-12]`},
		{"huge dot", (&Lines{X: unit, Y: unit, Series: []Series{{Label: "s", Points: level, Dot: 1e300}}}).Draw, `series "s": dot 1e+300`},
		{"endless width", (&Lines{X: unit, Y: unit, Series: []Series{{Label: "s", Points: level, Width: math.Inf(1)}}}).Draw, `series "s": width +Inf`},
		{"point beyond float64's pixels", (&Lines{X: unit, Y: unit, Series: []Series{{Label: "s", Points: []Point{{0, 0.5}, {1e306, 0.5}}, Width: 1}}}).Draw, `series "s": point (1e+306, 0.5) lies too far`},
	} {
		img, err := tc.draw()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
		if img != nil {
			t.Errorf("%s: an image with the error", tc.name)
		}
	}
}

// TestLinesFarOutside: a line through a point far outside the axes is cut
// to them before it is drawn, dashes and all: it draws what the same line
// ending at the axes' edge draws, and quickly (it once walked dashes along
// 6e11 pixels, and the rasterizer row by row down from 6e11 rows above).
func TestLinesFarOutside(t *testing.T) {
	for _, tc := range []struct {
		name      string
		far, near []Point
		dash      []float64
	}{
		{"dashed, far right", []Point{{0, 0.5}, {1e9, 0.5}}, []Point{{0, 0.5}, {1, 0.5}}, []float64{5, 5}},
		{"solid, far above", []Point{{0.5, 0}, {0.5, 1e9}}, []Point{{0.5, 0}, {0.5, 1}}, nil},
		{"dashed, far both ways", []Point{{-1e9, 0.5}, {1e9, 0.5}}, []Point{{0, 0.5}, {1, 0.5}}, []float64{4, 6}},
	} {
		draw := func(pts []Point) (*image.RGBA, placed) {
			c := Lines{X: Range{Min: 0, Max: 1}, Y: Range{Min: 0, Max: 1},
				Series: []Series{{Points: pts, Colour: blue, Width: 2, Dash: tc.dash}}}
			img, at, err := c.draw()
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			return img, at
		}
		farImg, at := draw(tc.far)
		nearImg, _ := draw(tc.near)
		if tc.name == "dashed, far both ways" {
			// The pattern starts 1e9 units left of the axes: the phase at
			// the edge is not the near line's, so count dashes instead.
			y := (at.plot.Min.Y + at.plot.Max.Y) / 2
			runs, on := 0, false
			for x := at.plot.Min.X; x < at.plot.Max.X; x++ {
				b := near(farImg.RGBAAt(x, y), blue)
				if b && !on {
					runs++
				}
				on = b
			}
			if want := at.plot.Dx() / 10; runs < want-2 || runs > want+2 {
				t.Errorf("%s: %d dashes across the plot, want about %d", tc.name, runs, want)
			}
			continue
		}
		bad := 0
		for y := at.plot.Min.Y; y < at.plot.Max.Y; y++ {
			for x := at.plot.Min.X; x < at.plot.Max.X; x++ {
				if a, b := farImg.RGBAAt(x, y), nearImg.RGBAAt(x, y); !near(a, b) {
					bad++
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d pixels of the plot differ from the line ending at its edge", tc.name, bad)
		}
	}
}

// TestBarsAllZero: bars all 0 still get an axis (0 to 1) and draw no bar.
func TestBarsAllZero(t *testing.T) {
	img, at, err := (&Bars{Labels: []string{"a", "b"}, Values: []float64{0, 0}, Colour: red}).draw()
	if err != nil {
		t.Fatal(err)
	}
	for y := at.plot.Min.Y; y < at.plot.Max.Y; y++ {
		for x := at.plot.Min.X; x < at.plot.Max.X; x++ {
			if img.RGBAAt(x, y) == red {
				t.Fatalf("pixel (%d, %d) is a bar's, with every bar 0", x, y)
			}
		}
	}
}

// TestBarsLabelsTallerThanRoom: upright labels longer than the image is
// high are cut to a third of its height; the plot keeps the rest, right
// way up, and every bar stands on its axis.
func TestBarsLabelsTallerThanRoom(t *testing.T) {
	long := strings.Repeat("long label ", 8)
	c := Bars{Title: "t", Labels: []string{long, long, long}, Values: []float64{1, 2, 3}, Colour: red}
	img, at, err := c.draw()
	if err != nil {
		t.Fatal(err)
	}
	if at.plot.Min.Y < 0 || at.plot.Max.Y > Height || at.plot.Dy() < Height/3 {
		t.Fatalf("plot area %v: want one within the image's %d rows, at least a third of them", at.plot, Height)
	}
	for i, mid := range at.middle {
		if c := img.RGBAAt(int(mid), at.plot.Max.Y-1); c != red {
			t.Errorf("bar %d: pixel just above the axis is %v, not the bar's", i, c)
		}
	}
	// The labels' ink stops short of the bottom margin.
	for y := Height - pad; y < Height; y++ {
		for x := range Width {
			if img.RGBAAt(x, y).R < 128 {
				t.Fatalf("pixel (%d, %d), in the bottom margin, is ink: a label runs off the image", x, y)
			}
		}
	}
}

// TestLongTextElided: a title or axis label too long for its room is cut
// with an ellipsis rather than run into the image's margins or off it.
func TestLongTextElided(t *testing.T) {
	// 631 pixels at the title's size, against 624 of room.
	title := "prime-range64: speedup against workers (11th Gen Intel(R) Core(TM) i7-1185G7 @ 3.00GHz)"
	c := Lines{Title: title, XLabel: strings.Repeat("workers ", 20), YLabel: strings.Repeat("speedup ", 20),
		X: Range{Min: 0, Max: 1}, Y: Range{Min: 0, Max: 1}}
	img, at, err := c.draw()
	if err != nil {
		t.Fatal(err)
	}
	margin := func(x, y int) bool { return x < pad || x >= Width-pad || y < pad || y >= Height-pad }
	for y := range Height {
		for x := range Width {
			if margin(x, y) && img.RGBAAt(x, y).R < 128 {
				t.Fatalf("pixel (%d, %d), in the margin, is ink: text runs into it", x, y)
			}
		}
	}
	// The Y label stands beside the plot, no taller than it: centred on
	// the plot, it would run as far below it as above.
	for y := at.plot.Max.Y; y < Height; y++ {
		for x := pad; x < pad+20; x++ {
			if img.RGBAAt(x, y).R < 128 {
				t.Fatalf("pixel (%d, %d), left of the plot and below it, is ink: the Y label is taller than the plot", x, y)
			}
		}
	}
}

func TestElide(t *testing.T) {
	fs, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		s    string
		room int
		want string // "" for: fits room, starts as s, ends in "…"
	}{
		{"short", 100, "short"},
		{"", 0, ""},
		{"abc", 0, ""},
		{strings.Repeat("é", 100), 60, ""},
		{"speedup against workers (11th Gen Intel(R) Core(TM) i7-1185G7)", 150, ""},
	} {
		got := elide(fs.tick, tc.s, tc.room)
		if tc.want != "" || tc.s == "" || tc.room == 0 {
			if got != tc.want {
				t.Errorf("elide(%q, %d) = %q, want %q", tc.s, tc.room, got, tc.want)
			}
			continue
		}
		prefix, ok := strings.CutSuffix(got, "…")
		if !ok || !strings.HasPrefix(tc.s, prefix) || !utf8.ValidString(got) || strings.HasSuffix(prefix, " ") {
			t.Errorf("elide(%q, %d) = %q: want a prefix of it, without trailing spaces, then …", tc.s, tc.room, got)
		}
		if w := textWidth(fs.tick, got); w > tc.room || w < tc.room-2*textWidth(fs.tick, "é…") {
			t.Errorf("elide(%q, %d) = %q, %d pixels wide: want the most that fits", tc.s, tc.room, got, w)
		}
	}
}
