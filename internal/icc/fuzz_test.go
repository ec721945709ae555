package icc

import (
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: no profile, however corrupt, crashes Parse or a conversion
// through what it accepted; a refusal is an error.
func FuzzParse(f *testing.F) {
	seeds := append(generatedSeeds(f), header("RGB ", nil), header("GRAY", map[string][]byte{"desc": []byte("desc\x00\x00\x00\x00\x00\x00\x00\x03ab\x00")}))
	files, _ := filepath.Glob("/usr/share/color/icc/*/*.ic[cm]")
	more, _ := filepath.Glob("/usr/share/color/icc/*.ic[cm]")
	for _, name := range append(files, more...) {
		if b, err := os.ReadFile(name); err == nil && len(b) < 1<<16 {
			seeds = append(seeds, b)
		}
	}
	for _, s := range seeds {
		f.Add(s)
		// and damaged: truncated, and with the tag table's first entry and
		// the first tag's data overwritten
		f.Add(s[:len(s)/2])
		if len(s) > 200 {
			c := append([]byte(nil), s...)
			copy(c[132:], "\xff\xff\xff\xff\x00\x00\x00\x10\x7f\xff\xff\xff")
			f.Add(c)
			c = append([]byte(nil), s...)
			for i := 200; i < min(len(c), 260); i++ {
				c[i] ^= 0xa5
			}
			f.Add(c)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		_ = p.String()
		r := image.Rect(0, 0, 3, 2)
		var img image.Image
		switch p.Space() {
		case SpaceGray:
			img = image.NewGray(r)
		case SpaceCMYK:
			img = image.NewCMYK(r)
		default:
			img = image.NewNRGBA(r)
		}
		if _, err := ToSRGB(img, p, 1); err != nil && !strings.HasPrefix(err.Error(), "icc: ") {
			t.Fatalf("error without context: %v", err)
		}
	})
}
