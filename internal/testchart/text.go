package testchart

import (
	"image"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// textPanel is the chart's cell of dark ink on light paper at (x0, y0): the
// text is drawn once into mask, and each row blends paper and ink by it.
type textPanel struct {
	x0, y0 int
	mask   *image.RGBA // white text, coverage in A
	paper  [3]int32
	ink    [3]int32
}

// textLine is one line for drawText.
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
