package imagefile

import (
	"fmt"
	"image"
	"image/color"
	"testing"
)

func TestNormalize(t *testing.T) {
	cmyk := image.NewCMYK(image.Rect(0, 0, 5, 3))
	for i := range cmyk.Pix {
		cmyk.Pix[i] = uint8(i * 37)
	}
	nycc := image.NewNYCbCrA(image.Rect(0, 0, 6, 4), image.YCbCrSubsampleRatio420)
	for i := range nycc.Y {
		nycc.Y[i], nycc.A[i] = uint8(i*11), uint8(i*29)
	}
	for i := range nycc.Cb {
		nycc.Cb[i], nycc.Cr[i] = uint8(60+i*20), uint8(200-i*15)
	}
	alpha := image.NewAlpha(image.Rect(0, 0, 4, 4))
	alpha16 := image.NewAlpha16(image.Rect(0, 0, 4, 4))
	for i := range alpha.Pix {
		alpha.Pix[i] = uint8(i * 16)
	}
	for i := range alpha16.Pix {
		alpha16.Pix[i] = uint8(i * 7)
	}
	offset := patternGray()
	offset.Rect = offset.Rect.Add(image.Pt(-3, 5))
	offsetYCC := image.NewYCbCr(image.Rect(1, 1, 7, 5), image.YCbCrSubsampleRatio420)
	for i := range offsetYCC.Y {
		offsetYCC.Y[i] = uint8(i * 9)
	}
	badIndex := patternPaletted(opaquePalette[:2]) // indices 2 and 3 have no colour
	tests := []struct {
		name string
		in   image.Image
		typ  string
		want image.Image // nil: the input itself, compared through At
	}{
		{"gray kept", patternGray(), "*image.Gray", nil},
		{"ycbcr kept", image.NewYCbCr(image.Rect(0, 0, 6, 4), image.YCbCrSubsampleRatio420), "*image.YCbCr", nil},
		{"nrgba64 kept", patternNRGBA64(), "*image.NRGBA64", nil},
		{"gray off origin", offset, "*image.Gray", nil},
		{"ycbcr off origin", offsetYCC, "*image.RGBA", nil},
		{"paletted opaque", patternPaletted(opaquePalette), "*image.RGBA", nil},
		{"paletted translucent", patternPaletted(translucentPalette), "*image.NRGBA", nil},
		{"paletted index past the palette", badIndex, "*image.RGBA", func() image.Image {
			m := image.NewRGBA(badIndex.Rect)
			for y := range 7 {
				for x := range 13 {
					if i := badIndex.ColorIndexAt(x, y); i < 2 {
						m.Set(x, y, opaquePalette[i])
					} else {
						m.Set(x, y, color.Black)
					}
				}
			}
			return m
		}()},
		{"cmyk", cmyk, "*image.RGBA", nil},
		// Through At, NYCbCrA is premultiplied first, which loses the colour
		// of faint pixels; the conversion must not.
		{"nycbcra", nycc, "*image.NRGBA", func() image.Image {
			m := image.NewNRGBA(nycc.Rect)
			for y := range 4 {
				for x := range 6 {
					c := nycc.NYCbCrAAt(x, y)
					r, g, b := color.YCbCrToRGB(c.Y, c.Cb, c.Cr)
					m.SetNRGBA(x, y, color.NRGBA{r, g, b, c.A})
				}
			}
			return m
		}()},
		{"alpha", alpha, "*image.NRGBA", nil},
		{"alpha16", alpha16, "*image.NRGBA64", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := normalize(tt.in, tt.in.Bounds())
			if typ := fmt.Sprintf("%T", got); typ != tt.typ {
				t.Errorf("type %s, want %s", typ, tt.typ)
			}
			if got.Bounds().Min != (image.Point{}) {
				t.Errorf("origin %v", got.Bounds().Min)
			}
			want := tt.want
			if want == nil {
				want = tt.in
			}
			// Through 8-bit NRGBA, the precision every conversion here
			// keeps; exact, since they all use image/color's arithmetic.
			if worst, _ := maxDiff(t, got, want); worst > 0 {
				t.Errorf("differs by up to %d", worst)
			}
		})
	}
}

// TestNormalizeGIFCanvas places a GIF frame that covers part of the screen.
func TestNormalizeGIFCanvas(t *testing.T) {
	frame := patternPaletted(opaquePalette)
	frame.Rect = frame.Rect.Add(image.Pt(4, 1))
	got := normalize(frame, image.Rect(0, 0, 20, 10))
	m, ok := got.(*image.NRGBA)
	if !ok || m.Rect != image.Rect(0, 0, 20, 10) {
		t.Fatalf("%T %v", got, got.Bounds())
	}
	for y := range 10 {
		for x := range 20 {
			want := color.NRGBA{}
			if (image.Point{x, y}).In(frame.Rect) {
				want = color.NRGBAModel.Convert(frame.At(x, y)).(color.NRGBA)
			}
			if c := m.NRGBAAt(x, y); c != want {
				t.Fatalf("at %d,%d: %v, want %v", x, y, c, want)
			}
		}
	}
}

// TestExpandVP8Range pins the range expansion at its ends and middle.
func TestExpandVP8Range(t *testing.T) {
	for _, c := range []struct{ in, y, c uint8 }{
		{0, 0, 0}, {16, 0, 0}, {128, 130, 128}, {235, 255, 250}, {240, 255, 255}, {255, 255, 255},
	} {
		if vp8Luma[c.in] != c.y || vp8Chroma[c.in] != c.c {
			t.Errorf("%d: luma %d chroma %d, want %d %d", c.in, vp8Luma[c.in], vp8Chroma[c.in], c.y, c.c)
		}
	}
}
