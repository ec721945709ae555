package resample_test

import (
	"fmt"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/resample"
)

func ExampleKernelOf() {
	k, err := resample.KernelOf(corescale.CatmullRom)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("support", k.Support, "interpolating", k.Interpolating())
	for _, x := range []float64{0, 0.25, 0.5, 1.5, 2} {
		fmt.Printf("K(%.2f) = %.4f\n", x, k.At(x))
	}

	_, err = resample.KernelOf(corescale.Nearest)
	fmt.Println(err)
	// Output:
	// support 2 interpolating true
	// K(0.00) = 1.0000
	// K(0.25) = 0.8672
	// K(0.50) = 0.5625
	// K(1.50) = -0.0625
	// K(2.00) = 0.0000
	// filter "nearest" has no kernel
}

// Halving an axis of 8 pixels with the linear filter: the tent is
// stretched to a radius of 2 source pixels, so each output reads four
// (three at the edges, renormalised), and the weights of each output sum
// to one: 2^22 in fixed point.
func ExampleNewTable() {
	k, _ := resample.KernelOf(corescale.Linear)
	t := resample.NewTable(8, 0, 8, 4, k)
	for i := range t.Out {
		start, w, fixed := t.Taps(i)
		fmt.Printf("output %d: sources %d…%d weights %.3f fixed %d\n", i, start, start+len(w)-1, w, fixed)
	}
	// Output:
	// output 0: sources 0…2 weights [0.429 0.429 0.143] fixed [1797559 1797559 599186]
	// output 1: sources 1…4 weights [0.125 0.375 0.375 0.125] fixed [524288 1572864 1572864 524288]
	// output 2: sources 3…6 weights [0.125 0.375 0.375 0.125] fixed [524288 1572864 1572864 524288]
	// output 3: sources 5…7 weights [0.143 0.429 0.429] fixed [599186 1797559 1797559]
}

func ExampleNearestIndices() {
	fmt.Println(resample.NearestIndices(0, 9, 3, 9))
	fmt.Println(resample.NearestIndices(0, 3, 6, 3))
	// Output:
	// [1 4 7]
	// [0 0 1 1 2 2]
}
