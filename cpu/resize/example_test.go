package resize_test

import (
	"fmt"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
)

// Halving a gray 4×2 raster with the box filter averages each 2×2 block.
func ExampleEngine_Resize() {
	e, err := resize.New(resize.Options{Filter: corescale.Box, Workers: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	src := corescale.NewRaster(4, 2, 1)
	copy(src.Pix, []uint8{
		10, 20, 30, 40,
		30, 40, 50, 60,
	})
	dst := corescale.NewRaster(2, 1, 1)
	if err := e.Resize(dst, src); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dst.Width, dst.Height, dst.Pix)
	// Output:
	// 2 1 [25 45]
}

// The default filter is lanczos3; one engine serves any number of images
// and sizes, on every core when Workers is zero. The destination's size
// and channel count say what to make.
func ExampleNew() {
	e, err := resize.New(resize.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	src := corescale.NewRaster(64, 48, 3)
	for i := range src.Pix {
		src.Pix[i] = 200 // a flat colour stays flat
	}
	dst := corescale.NewRaster(16, 12, 3)
	if err := e.Resize(dst, src); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(dst.Width, dst.Height, dst.Pix[:6])

	// Sizes must be positive, and channels must match.
	fmt.Println(e.Resize(corescale.NewRaster(16, 12, 4), src))
	// Output:
	// 16 12 [200 200 200 200 200 200]
	// resize: 3 channels into 4
}
