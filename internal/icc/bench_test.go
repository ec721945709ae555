//go:build cgo

package icc

import (
	"image"
	"testing"
)

// BenchmarkBuildTransform is the cost a new profile pays once: building
// its RGBA transform to sRGB (the cache is bypassed by evicting it).
func BenchmarkBuildTransform(b *testing.B) {
	p := testProfile(b, "p3")
	for b.Loop() {
		t, err := build(p, rgba8)
		if err != nil {
			b.Fatal(err)
		}
		t.delete()
	}
}

// BenchmarkParse is Parse of a new profile, its sRGB check included.
func BenchmarkParse(b *testing.B) {
	base := testProfile(b, "p3").Bytes()
	i := 0
	for b.Loop() {
		i++
		c := append([]byte(nil), base...)
		c[24], c[25], c[26], c[27] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
		if _, err := Parse(c); err != nil {
			b.Fatal(err)
		}
	}
}

// benchmarkConvert converts a w×h image of testImage's rows (saturated
// sweeps, ramps, noise) from Display P3, restoring the pixels before each
// conversion (a copy, a percent of the time) so every run converts the
// same colours.
func benchmarkConvert(b *testing.B, w, h, workers int) {
	p := testProfile(b, "p3")
	src := image.NewNRGBA(image.Rect(0, 0, w, h))
	tile := testImage(w, 64).Pix
	for i := 0; i < len(src.Pix); i += len(tile) {
		copy(src.Pix[i:], tile)
	}
	m := image.NewNRGBA(src.Rect)
	b.SetBytes(int64(w * h * 4))
	for b.Loop() {
		copy(m.Pix, src.Pix)
		if _, err := ToSRGB(m, p, workers); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConvert600x400(b *testing.B)         { benchmarkConvert(b, 600, 400, 1) }
func BenchmarkConvert600x400Workers2(b *testing.B) { benchmarkConvert(b, 600, 400, 2) }
func BenchmarkConvert24MP(b *testing.B)            { benchmarkConvert(b, 6000, 4000, 1) }
func BenchmarkConvert24MPWorkers2(b *testing.B)    { benchmarkConvert(b, 6000, 4000, 2) }

// BenchmarkBuildGrayTransform is BenchmarkBuildTransform for a gray
// profile.
func BenchmarkBuildGrayTransform(b *testing.B) {
	p := testProfile(b, "gray18")
	for b.Loop() {
		t, err := build(p, gray8)
		if err != nil {
			b.Fatal(err)
		}
		t.delete()
	}
}

// benchmarkRun times one transform's 8-bit RGBA run over 600×400 pixels,
// in Go (the matrix-shaper path) or through Little CMS: their ratio.
func benchmarkRun(b *testing.B, lcms bool) {
	p := testProfile(b, "p3")
	t, err := acquire(p, rgba8)
	if err != nil {
		b.Fatal(err)
	}
	defer release(t)
	if t.fast == nil {
		b.Fatal("no matrix-shaper path for Display P3")
	}
	const w, h = 600, 400
	src := make([]byte, 4*w*h)
	tile := testImage(w, 64).Pix
	for i := 0; i < len(src); i += len(tile) {
		copy(src[i:], tile)
	}
	buf := make([]byte, len(src))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if lcms {
			t.runLCMS(src, buf, w, h, 4*w, 4*w)
		} else {
			t.run(src, buf, w, h, 4*w, 4*w)
		}
	}
}

func BenchmarkRunGo(b *testing.B)   { benchmarkRun(b, false) }
func BenchmarkRunLCMS(b *testing.B) { benchmarkRun(b, true) }
