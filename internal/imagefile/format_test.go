package imagefile

import (
	"image"
	"testing"
)

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want Format
		ok   bool
	}{
		{"\xff\xd8\xff\xe0\x00\x10JFIF", JPEG, true},
		{"\x89PNG\r\n\x1a\n\x00\x00", PNG, true},
		{"GIF87a", GIF, true},
		{"GIF89a\x01\x00", GIF, true},
		{"BM\x00\x00", BMP, true},
		{"II*\x00\x08\x00\x00\x00", TIFF, true},
		{"MM\x00*\x00\x00\x00\x08", TIFF, true},
		{"RIFF\x00\x00\x00\x00WEBPVP8 ", WebP, true},
		{"RIFF\x00\x00\x00\x00WEBPVP8L", WebP, true},
		{"RIFF\x00\x00\x00\x00WEBPVP8X", WebP, true},
		{"RIFF\x00\x00\x00\x00WAVEfmt ", "", false}, // a RIFF that is not WebP
		{"\xff\xd8", "", false},                     // SOI without a marker after it
		{"GIF88a", "", false},
		{"II+\x00", "", false}, // BigTIFF, which x/image/tiff does not read
		{"<svg", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := sniff([]byte(tt.head))
		if got != tt.want || ok != tt.ok {
			t.Errorf("sniff(%q) = %q, %v; want %q, %v", tt.head, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseOutput(t *testing.T) {
	for in, want := range map[string]Format{"jpeg": JPEG, "jpg": JPEG, "png": PNG, "keep": Keep} {
		if got, err := ParseOutput(in); got != want || err != nil {
			t.Errorf("ParseOutput(%q) = %q, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "gif", "webp", "JPEG", "tiff"} {
		if _, err := ParseOutput(in); err == nil {
			t.Errorf("ParseOutput(%q) succeeded", in)
		}
	}
}

func TestResolve(t *testing.T) {
	ycc := image.NewYCbCr(image.Rect(0, 0, 2, 2), image.YCbCrSubsampleRatio420)
	nrgba := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	tests := []struct {
		asked Format
		in    Format
		img   image.Image
		want  Format
	}{
		{Keep, JPEG, ycc, JPEG},
		{Keep, JPEG, nrgba, JPEG}, // e.g. a rotated odd-sized JPEG
		{Keep, PNG, nrgba, PNG},
		{Keep, GIF, nrgba, PNG},
		{Keep, BMP, nrgba, PNG},
		{Keep, TIFF, nrgba, PNG},
		{Keep, WebP, ycc, PNG},   // lossy, opaque: photo.jpg may be another input's
		{Keep, WebP, nrgba, PNG}, // lossless or with alpha
		{JPEG, PNG, nrgba, JPEG}, // an explicit choice wins
		{PNG, JPEG, ycc, PNG},
	}
	for _, tt := range tests {
		d := &Decoded{Info: Info{Format: tt.in}, Image: tt.img}
		if got := tt.asked.Resolve(d); got != tt.want {
			t.Errorf("%q.Resolve(%s %T) = %q, want %q", tt.asked, tt.in, tt.img, got, tt.want)
		}
	}
}

func TestExt(t *testing.T) {
	for f, want := range map[Format]string{JPEG: ".jpg", PNG: ".png", GIF: ".gif", BMP: ".bmp", TIFF: ".tif", WebP: ".webp", Keep: ""} {
		if got := f.Ext(); got != want {
			t.Errorf("%q.Ext() = %q, want %q", f, got, want)
		}
	}
}
