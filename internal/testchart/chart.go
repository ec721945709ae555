package testchart

import (
	"fmt"
	"image"
	"math/rand/v2"
)

// Photo returns an opaque w×h photo-like test chart drawn from seed.
func Photo(w, h int, seed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := 0; x < w; x++ {
			q := p[4*x : 4*x+4 : 4*x+4]
			q[0] = uint8(rgb[3*x] >> 8)
			q[1] = uint8(rgb[3*x+1] >> 8)
			q[2] = uint8(rgb[3*x+2] >> 8)
			q[3] = 0xff
		}
	})
	return img
}

// PhotoGray returns the luma of the chart of Photo, 8 bits.
func PhotoGray(w, h int, seed uint64) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+w]
		for x := range p {
			p[x] = uint8(luma(rgb[3*x:3*x+3:3*x+3]) >> 24)
		}
	})
	return img
}

// luma is color.GrayModel's weighting of 16-bit R, G, B, scaled by 2^16.
func luma(rgb []int32) uint32 {
	return 19595*uint32(rgb[0]) + 38470*uint32(rgb[1]) + 7471*uint32(rgb[2]) + 1<<15
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
