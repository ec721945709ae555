package thumbnail

import (
	"image"
	"testing"

	"github.com/corescale/corescale/internal/imagefile"
)

// TestShrinkSpan: a crop of the full upright image maps to the reduced
// image's pixels as the DCT reduction lays them out, the partial last
// pixel where the orientation puts it: at the end of an axis as stored,
// at its start where the orientation turns that axis around.
func TestShrinkSpan(t *testing.T) {
	for _, c := range []struct {
		o    imagefile.Orientation
		w, h int
		crop image.Rectangle
		want [4]float64
	}{
		{imagefile.Upright, 2401, 1603, image.Rect(0, 0, 2401, 1603), [4]float64{0, 0, 300.125, 200.375}},
		{imagefile.Rotate180, 2401, 1603, image.Rect(0, 0, 2401, 1603), [4]float64{0.875, 0.625, 301, 201}},
		{imagefile.FlipH, 2401, 1603, image.Rect(0, 0, 2401, 1603), [4]float64{0.875, 0, 301, 200.375}},
		{imagefile.FlipV, 2401, 1603, image.Rect(0, 0, 2401, 1603), [4]float64{0, 0.625, 300.125, 201}},
		{imagefile.Transpose, 1603, 2401, image.Rect(0, 0, 1603, 2401), [4]float64{0, 0, 200.375, 300.125}},
		{imagefile.Rotate90, 1603, 2401, image.Rect(0, 0, 1603, 2401), [4]float64{0.625, 0, 201, 300.125}},
		{imagefile.Transverse, 1603, 2401, image.Rect(0, 0, 1603, 2401), [4]float64{0.625, 0.875, 201, 301}},
		{imagefile.Rotate270, 1603, 2401, image.Rect(0, 0, 1603, 2401), [4]float64{0, 0.875, 200.375, 301}},
		// A cover crop of 2400×1600 to 4:3: 2133 wide from x = 133.
		{imagefile.Upright, 2400, 1600, image.Rect(133, 0, 2266, 1600), [4]float64{16.625, 0, 283.25, 200}},
	} {
		reduced := image.NewGray(image.Rect(0, 0, (c.w+7)/8, (c.h+7)/8))
		d := &imagefile.Decoded{Info: imagefile.Info{Width: c.w, Height: c.h, Orientation: c.o}, Image: reduced, Shrink: 8}
		if got := shrinkSpan(c.crop, d); got != c.want {
			t.Errorf("orientation %d, %dx%d, crop %v: span %v, want %v", c.o, c.w, c.h, c.crop, got, c.want)
		}
	}
}
