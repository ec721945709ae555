package chart

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// goRegular is parsed by the first chart drawn, never at init: goregular.TTF
// is static data that stays on disk until then.
var goRegular = sync.OnceValues(func() (*opentype.Font, error) {
	f, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("chart: the Go Regular font: %w", err)
	}
	return f, nil
})

// Text sizes in pixels.
const (
	titleSize = 15
	labelSize = 13
	tickSize  = 12
)

// faces are the text sizes of one drawing. A face holds scratch buffers, so
// each drawing makes its own.
type faces struct{ title, label, tick font.Face }

func newFaces() (faces, error) {
	f, err := goRegular()
	if err != nil {
		return faces{}, err
	}
	face := func(size float64) font.Face {
		// NewFace fails only on a nil font or a size out of range, neither
		// of which is possible here.
		ff, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
		return ff
	}
	return faces{title: face(titleSize), label: face(labelSize), tick: face(tickSize)}, nil
}

// textWidth is how many pixels s advances in face.
func textWidth(face font.Face, s string) int {
	return font.MeasureString(face, s).Ceil()
}

// textHeight is the height of a line of face, ascent and descent.
func textHeight(face font.Face) int {
	m := face.Metrics()
	return (m.Ascent + m.Descent).Ceil()
}

// ellipsis ends a text cut short.
const ellipsis = "…"

// elide returns s or, when it is wider than room pixels, the longest start
// of it that fits with an ellipsis after it, cut between characters; ""
// when not even the ellipsis fits. A cut text says it was cut, where a
// clipped one would run off the image or into what is next to it.
func elide(face font.Face, s string, room int) string {
	if textWidth(face, s) <= room {
		return s
	}
	for cut := len(s); cut > 0; {
		_, size := utf8.DecodeLastRuneInString(s[:cut])
		cut -= size
		if short := strings.TrimRight(s[:cut], " ") + ellipsis; textWidth(face, short) <= room {
			return short
		}
	}
	return ""
}

// anchor says which point of a text's box a position gives: its left,
// centre or right, at the top of the line.
type anchor int

const (
	alignLeft anchor = iota
	alignCentre
	alignRight
)

// text writes s in black with the top of its line at y, its left, centre or
// right (as a says) at x.
func text(dst *image.RGBA, face font.Face, s string, x, y int, a anchor) {
	switch a {
	case alignCentre:
		x -= textWidth(face, s) / 2
	case alignRight:
		x -= textWidth(face, s)
	}
	d := font.Drawer{Dst: dst, Src: image.Black, Face: face,
		Dot: fixed.P(x, y+face.Metrics().Ascent.Ceil())}
	d.DrawString(s)
}

// textUp writes s in black reading upwards (turned a quarter anticlockwise),
// the top of its line at column x and its middle at row y.
func textUp(dst *image.RGBA, face font.Face, s string, x, y int) {
	w, h := textWidth(face, s), textHeight(face)
	flat := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: flat, Src: image.Opaque, Face: face, Dot: fixed.P(0, face.Metrics().Ascent.Ceil())}
	d.DrawString(s)
	// The text's left end goes to the bottom: its pixel (i, j) lands at
	// column j, row w−1−i.
	up := image.NewAlpha(image.Rect(0, 0, h, w))
	for j := range h {
		for i := range w {
			up.SetAlpha(j, w-1-i, flat.AlphaAt(i, j))
		}
	}
	r := image.Rect(x, y-w/2, x+h, y-w/2+w)
	draw.DrawMask(dst, r, image.Black, image.Point{}, up, image.Point{}, draw.Over)
}

// rect fills r with c, blending by c's alpha.
func rect(dst *image.RGBA, r image.Rectangle, c color.Color) {
	draw.Draw(dst, r, image.NewUniform(c), image.Point{}, draw.Over)
}
