package imagefile

import (
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// pngDepth returns the bit depth and colour type from a PNG's IHDR.
func pngDepth(t *testing.T, b []byte) (depth, colourType byte) {
	t.Helper()
	if len(b) < 26 || string(b[12:16]) != "IHDR" {
		t.Fatal("no IHDR")
	}
	return b[24], b[25]
}

func TestEncodePNG(t *testing.T) {
	ycc := image.NewYCbCr(image.Rect(0, 0, 13, 7), image.YCbCrSubsampleRatio420)
	for i := range ycc.Y {
		ycc.Y[i] = uint8(i * 3)
	}
	for i := range ycc.Cb {
		ycc.Cb[i], ycc.Cr[i] = uint8(100+i), uint8(150-i)
	}
	tests := []struct {
		name       string
		img        image.Image
		depth      byte
		colourType byte // 0 gray, 2 RGB, 6 RGBA
	}{
		{"gray", patternGray(), 8, 0},
		{"gray16", patternGray16(), 16, 0},
		{"rgba opaque", patternOpaque(), 8, 2},
		{"nrgba", patternNRGBA(), 8, 6},
		{"nrgba64", patternNRGBA64(), 16, 6},
		{"rgba64 opaque", patternRGBA64(), 16, 2},
		{"ycbcr", ycc, 8, 2}, // not the 16 bits image/png would pick
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Encode(&b, tt.img, PNG, 0); err != nil {
				t.Fatal(err)
			}
			if d, c := pngDepth(t, b.Bytes()); d != tt.depth || c != tt.colourType {
				t.Errorf("depth %d colour type %d, want %d %d", d, c, tt.depth, tt.colourType)
			}
			back, err := png.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			if worst, _ := maxDiff(t, back, tt.img); worst > 0 {
				t.Errorf("round trip differs by %d", worst)
			}
		})
	}
}

func TestEncodeJPEG(t *testing.T) {
	big := photo(64, 48, 1)
	translucent := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	for i := 0; i < len(translucent.Pix); i += 4 {
		translucent.Pix[i], translucent.Pix[i+1], translucent.Pix[i+2], translucent.Pix[i+3] = 200, 0, 0, 0
	}
	opaqueNRGBA := image.NewNRGBA(big.Rect)
	copy(opaqueNRGBA.Pix, big.Pix)
	white := image.NewRGBA(image.Rect(0, 0, 32, 32))
	for i := range white.Pix {
		white.Pix[i] = 0xff
	}
	gray16 := image.NewGray16(image.Rect(0, 0, 16, 16))
	for i := 0; i < len(gray16.Pix); i += 2 {
		gray16.Pix[i], gray16.Pix[i+1] = 0x80, 0xff
	}
	gray := image.NewGray(gray16.Rect)
	for i := range gray.Pix {
		gray.Pix[i] = 0x80
	}
	tests := []struct {
		name string
		img  image.Image
		want image.Image
		typ  string // of image/jpeg's decoding: gray stays gray
		tol  int
	}{
		{"rgba", big, big, "*image.YCbCr", 30},
		{"opaque nrgba", opaqueNRGBA, big, "*image.YCbCr", 30},
		{"transparent red onto white", translucent, white, "*image.YCbCr", 2},
		{"gray16 as gray", gray16, gray, "*image.Gray", 1},
		{"nrgba64", patternNRGBA64(), flatten(patternNRGBA64()), "*image.YCbCr", 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Encode(&b, tt.img, JPEG, 95); err != nil {
				t.Fatal(err)
			}
			back, err := jpeg.Decode(&b)
			if err != nil {
				t.Fatal(err)
			}
			if typ := typeName(back); typ != tt.typ {
				t.Errorf("decoded as %s, want %s", typ, tt.typ)
			}
			if worst, mean := maxDiff(t, back, tt.want); worst > tt.tol || mean > 4 {
				t.Errorf("differs by up to %d (mean %.2f)", worst, mean)
			}
		})
	}
}

func typeName(m image.Image) string {
	switch m.(type) {
	case *image.Gray:
		return "*image.Gray"
	case *image.YCbCr:
		return "*image.YCbCr"
	}
	return "other"
}

func TestEncodeQuality(t *testing.T) {
	img := photo(64, 64, 2)
	size := func(q int) int {
		var b bytes.Buffer
		if err := Encode(&b, img, JPEG, q); err != nil {
			t.Fatalf("quality %d: %v", q, err)
		}
		return b.Len()
	}
	if size(0) != size(DefaultQuality) {
		t.Error("quality 0 is not the default")
	}
	if !(size(1) < size(50) && size(50) < size(100)) {
		t.Error("size does not grow with quality")
	}
	for _, q := range []int{-1, 101} {
		if err := Encode(&bytes.Buffer{}, img, JPEG, q); err == nil || !strings.Contains(err.Error(), "outside 1–100") {
			t.Errorf("quality %d: %v", q, err)
		}
	}
	for _, f := range []Format{GIF, WebP, Keep, ""} {
		if err := Encode(&bytes.Buffer{}, img, f, 0); err == nil {
			t.Errorf("format %q accepted", f)
		}
	}
}

// TestEncodeDecode round-trips through this package's own entry points.
func TestEncodeDecode(t *testing.T) {
	img := photo(40, 30, 3)
	for _, f := range []Format{JPEG, PNG} {
		var b bytes.Buffer
		if err := Encode(&b, img, f, 90); err != nil {
			t.Fatal(err)
		}
		d, err := decodeBytes(b.Bytes(), "x"+f.Ext(), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if d.Format != f || d.Width != 40 || d.Height != 30 {
			t.Errorf("%s: %+v", f, d.Info)
		}
		if worst, _ := maxDiff(t, d.Image, img); f == PNG && worst != 0 {
			t.Errorf("png differs by %d", worst)
		}
	}
}
