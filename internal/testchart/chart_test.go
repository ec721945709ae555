package testchart

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// photo16 is the chart at the 16 bits per channel it is rendered at
// (opaque): the reference Photo and PhotoGray are conversions of.
func photo16(w, h int, seed uint64) *image.RGBA64 {
	img := image.NewRGBA64(image.Rect(0, 0, max(w, 0), max(h, 0)))
	newScene(w, h, seed).render(func(y int, rgb []int32) {
		p := img.Pix[y*img.Stride : y*img.Stride+8*w]
		for x := 0; x < w; x++ {
			q := p[8*x : 8*x+8 : 8*x+8]
			r, g, b := rgb[3*x], rgb[3*x+1], rgb[3*x+2]
			q[0], q[1] = uint8(r>>8), uint8(r)
			q[2], q[3] = uint8(g>>8), uint8(g)
			q[4], q[5] = uint8(b>>8), uint8(b)
			q[6], q[7] = 0xff, 0xff
		}
	})
	return img
}

// pix returns the pixel bytes of every image kind made here.
func pix(img image.Image) []byte {
	switch m := img.(type) {
	case *image.RGBA:
		return m.Pix
	case *image.RGBA64:
		return m.Pix
	case *image.NRGBA:
		return m.Pix
	case *image.Gray:
		return m.Pix
	}
	panic("unexpected image type")
}

var makers = []struct {
	name string
	make func(w, h int, seed uint64) image.Image
}{
	{"Photo", func(w, h int, s uint64) image.Image { return Photo(w, h, s) }},
	{"photo16", func(w, h int, s uint64) image.Image { return photo16(w, h, s) }},
	{"PhotoGray", func(w, h int, s uint64) image.Image { return PhotoGray(w, h, s) }},
	{"Cutout", func(w, h int, s uint64) image.Image { return Cutout(w, h, s) }},
}

func TestImagesDeterministic(t *testing.T) {
	for _, m := range makers {
		a, b := pix(m.make(640, 427, 7)), pix(m.make(640, 427, 7))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two calls with seed 7 differ", m.name)
		}
		if c := pix(m.make(640, 427, 8)); bytes.Equal(a, c) {
			t.Errorf("%s: seeds 7 and 8 give the same image", m.name)
		}
	}
}

// The rows are rendered in parallel; the bytes must not depend on how many
// goroutines made them.
func TestImagesIndependentOfGOMAXPROCS(t *testing.T) {
	many := Photo(333, 517, 3)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if one := Photo(333, 517, 3); !bytes.Equal(one.Pix, many.Pix) {
		t.Error("Photo differs between GOMAXPROCS 1 and the default")
	}
}

func TestImagesSizes(t *testing.T) {
	sizes := [][2]int{{0, 0}, {0, 5}, {5, 0}, {-3, 4}, {1, 1}, {2, 1}, {1, 1000}, {1000, 1}, {3, 2}, {17, 9}, {31, 64}, {64, 31}, {300, 1900}, {1920, 1080}}
	for _, m := range makers {
		for _, s := range sizes {
			img := m.make(s[0], s[1], 1)
			want := image.Rect(0, 0, max(s[0], 0), max(s[1], 0))
			if img.Bounds() != want {
				t.Errorf("%s(%d, %d): bounds %v, want %v", m.name, s[0], s[1], img.Bounds(), want)
			}
		}
	}
}

func TestPhotoOpaque(t *testing.T) {
	img := Photo(500, 300, 2)
	for i := 3; i < len(img.Pix); i += 4 {
		if img.Pix[i] != 0xff {
			t.Fatalf("Photo: pixel %d has alpha %d", i/4, img.Pix[i])
		}
	}
	if !img.Opaque() {
		t.Error("Photo: Opaque() is false")
	}
}

// The 8-bit and gray charts are image/color's conversions of the 16-bit one.
func TestPhotoVariantsAgree(t *testing.T) {
	const w, h, seed = 401, 263, 5
	p16 := photo16(w, h, seed)
	p8, g8 := Photo(w, h, seed), PhotoGray(w, h, seed)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := p16.At(x, y)
			if got, want := p8.RGBAAt(x, y), color.RGBAModel.Convert(c).(color.RGBA); got != want {
				t.Fatalf("(%d,%d): Photo %v, RGBAModel(photo16) %v", x, y, got, want)
			}
			if got, want := g8.GrayAt(x, y), color.GrayModel.Convert(c).(color.Gray); got != want {
				t.Fatalf("(%d,%d): PhotoGray %v, GrayModel(photo16) %v", x, y, got, want)
			}
		}
	}
}

// The chart must hold what makes it hard: many levels, hard edges, and
// 1-pixel detail at the Nyquist frequency.
func TestPhotoContent(t *testing.T) {
	img := PhotoGray(1200, 800, 1)
	var hist [256]int
	edges, alternations := 0, 0
	for y := 0; y < 800; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+1200]
		for x, v := range row {
			hist[v]++
			if x+2 < len(row) {
				d1, d2 := int(row[x+1])-int(v), int(row[x+2])-int(row[x+1])
				if d1 > 120 || d1 < -120 {
					edges++
				}
				// Light-dark-light or dark-light-dark: detail at Nyquist.
				if (d1 > 100 && d2 < -100) || (d1 < -100 && d2 > 100) {
					alternations++
				}
			}
		}
	}
	levels := 0
	for _, n := range hist {
		if n > 0 {
			levels++
		}
	}
	if levels < 200 {
		t.Errorf("only %d grey levels", levels)
	}
	if edges < 5000 {
		t.Errorf("only %d hard edges", edges)
	}
	if alternations < 2000 {
		t.Errorf("only %d single-pixel alternations", alternations)
	}
}

func TestCutout(t *testing.T) {
	img := Cutout(900, 600, 4)
	var zero, full, part int
	for i := 0; i < len(img.Pix); i += 4 {
		p := img.Pix[i : i+4]
		switch {
		case p[3] == 0:
			if p[0] != 0 || p[1] != 0 || p[2] != 0 {
				t.Fatalf("transparent pixel %d is %v, want 0,0,0,0", i/4, p)
			}
			zero++
		case p[0] != 0xff || p[1] != 0xff || p[2] != 0xff:
			t.Fatalf("visible pixel %d is %v, want white", i/4, p)
		case p[3] == 0xff:
			full++
		default:
			part++
		}
	}
	if zero < len(img.Pix)/8 || full < 10000 || part < 100 {
		t.Errorf("%d transparent, %d opaque, %d partial pixels", zero, full, part)
	}
}

// TestLook writes the charts as PNG files to look at when
// CORESCALE_LOOK names a folder: CORESCALE_LOOK=/tmp go test -run Look.
func TestLook(t *testing.T) {
	dir := os.Getenv("CORESCALE_LOOK")
	if dir == "" {
		t.Skip("set CORESCALE_LOOK to a folder to write the charts there")
	}
	for _, m := range makers {
		var buf bytes.Buffer
		if err := png.Encode(&buf, m.make(1200, 800, 1)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, m.name+".png"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
