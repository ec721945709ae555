package imagefile

import (
	"bytes"
	"image"
	"image/color"
	"testing"
	"time"
)

// FuzzDecodeBMP drives the BMP decoder alone. Whatever the bytes, the
// config and the decode agree: a header the config refuses the decode
// refuses with the same error; a decoded image has the config's size and
// colour model and is one of the two types the decoder promises; and it
// comes back promptly.
func FuzzDecodeBMP(f *testing.F) {
	for _, c := range bmpCases() {
		f.Add(c.file)
	}
	pal := make([]byte, 4*16)
	for _, data := range [][]byte{
		{3, 1, 1, 2, 0, 0, 4, 3, 0, 1},
		{1, 9, 0, 2, 2, 1, 1, 4, 0, 1},
		{0, 3, 1, 2, 3, 0, 1, 4, 0, 0, 0, 4, 5, 6, 7, 8, 0, 1},
	} {
		f.Add(bmpHdr{size: 40, w: 4, h: 3, bits: 8, compression: biRLE8, clrUsed: 16, palette: pal}.file(data))
		f.Add(bmpHdr{size: 124, w: 4, h: -3, bits: 4, compression: biRLE4, palette: pal}.file(data))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		cfg, cfgErr := decodeBMPConfig(bytes.NewReader(data))
		if cfgErr == nil && int64(cfg.Width)*int64(cfg.Height) > fuzzMaxPixels {
			return // the caller's pixel limit refuses it before decodeBMP
		}
		m, err := decodeBMP(bytes.NewReader(data))
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("took %v on %d bytes", took, len(data))
		}
		if cfgErr != nil {
			if err == nil || err.Error() != cfgErr.Error() {
				t.Fatalf("config refused it (%v), decode said %v", cfgErr, err)
			}
			return
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		if b := m.Bounds(); b != image.Rect(0, 0, cfg.Width, cfg.Height) {
			t.Fatalf("bounds %v, config %d×%d", b, cfg.Width, cfg.Height)
		}
		switch m.(type) {
		case *image.RGBA:
			if cfg.ColorModel != color.RGBAModel {
				t.Fatalf("*image.RGBA, config model %v", cfg.ColorModel)
			}
		case *image.NRGBA:
			if cfg.ColorModel != color.NRGBAModel {
				t.Fatalf("*image.NRGBA, config model %v", cfg.ColorModel)
			}
		default:
			t.Fatalf("decoded a %T", m)
		}
	})
}
