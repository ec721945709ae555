package backend

import (
	"image"
	"os"
	"path/filepath"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/gpu/emu"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/testchart"
	"github.com/corescale/corescale/internal/thumbnail"
)

// TestDeviceImagesSpan: the GPU adapter resizes a span that does not fall
// on whole pixels (the crop of a JPEG decoded reduced) as the CPU engine
// does, byte for byte: the 8-bit types a reduced decode gives (YCbCr of
// each subsampling, to 4:4:4 and to 4:2:0, RGBA, gray), every filter; and
// refuses the spans the CPU engine refuses.
func TestDeviceImagesSpan(t *testing.T) {
	device := Choice{Backend: corescale.GPUEmu, Workers: 2, Driver: &emu.Driver{}}
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	f, err := os.Create(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := imagefile.Encode(f, image.NewGray(image.Rect(0, 0, 4, 4)), imagefile.PNG, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := thumbnail.Plan([]string{in}, filepath.Join(dir, "out"), imagefile.Keep)
	if err != nil {
		t.Fatal(err)
	}
	full := image.Rect(0, 0, 97, 71)
	images := map[string]image.Image{
		"rgba": testchart.Photo(97, 71, 1),
		"gray": testchart.PhotoGray(97, 71, 2),
	}
	for _, ratio := range []image.YCbCrSubsampleRatio{image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422, image.YCbCrSubsampleRatio444} {
		m := image.NewYCbCr(full, ratio)
		for i := range m.Y {
			m.Y[i] = uint8(i * 7)
		}
		for i := range m.Cb {
			m.Cb[i], m.Cr[i] = uint8(i*5+i/13), uint8(255-i*3)
		}
		images["ycbcr "+ratio.String()] = m
	}
	spans := [][4]float64{{0, 0, 96.125, 70.375}, {0.875, 0.5, 97, 71}, {11.25, 3.625, 80.5, 70.375}}
	for _, f := range corescale.Filters {
		r, _, err := device.Thumbnails(resize.Options{Filter: f}, b)
		if err != nil {
			t.Fatal(err)
		}
		sr, ok := r.(thumbnail.SpanResizer)
		if !ok {
			t.Fatalf("the GPU adapter %T is not a thumbnail.SpanResizer", r)
		}
		cpu, _ := resize.New(resize.Options{Filter: f, Workers: 1})
		for name, img := range images {
			for _, span := range spans {
				got, err := sr.ResizeImageSpan(img, span, 23, 17)
				if err != nil {
					t.Fatal(err)
				}
				want, err := cpu.ResizeImageSpan(img, span, 23, 17)
				if err != nil {
					t.Fatal(err)
				}
				if !sameImage(got, want) {
					t.Errorf("%s, %s, span %v: the GPU adapter gave %T %s, the CPU %T %s", name, f, span, got, describe(got), want, describe(want))
				}
				if m, ok := img.(*image.YCbCr); ok {
					got, err := sr.ResizeYCbCrSpan(m, span, 23, 17, image.YCbCrSubsampleRatio420)
					if err != nil {
						t.Fatal(err)
					}
					want, err := cpu.ResizeYCbCrSpan(m, span, 23, 17, image.YCbCrSubsampleRatio420)
					if err != nil {
						t.Fatal(err)
					}
					if !sameImage(got, want) {
						t.Errorf("%s, %s, span %v to 4:2:0: the GPU adapter's planes differ from the CPU's", name, f, span)
					}
				}
			}
			for _, bad := range [][4]float64{{0, 0, 97.5, 71}, {5, 0, 5, 71}, {-1, 0, 50, 71}} {
				if _, err := sr.ResizeImageSpan(img, bad, 23, 17); err == nil {
					t.Errorf("%s, span %v: no error", name, bad)
				}
			}
		}
		r.(interface{ Close() error }).Close()
	}
}
