package backend_test

import (
	"fmt"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/backend"
)

// A handful of numbers never wakes a GPU: auto takes the parallel path
// without probing for one.
func ExampleChoose() {
	c, err := backend.Choose(backend.Request{Backend: corescale.Auto, Workers: 2,
		Job: backend.Job{Kind: backend.Numbers, Size: 3}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(c.Label())
	fmt.Println(c.Why)
	eng, _ := c.PrimeTester()
	verdicts := make([]bool, 3)
	eng.TestPrimes([]uint64{97, 561, 1000003}, verdicts)
	fmt.Println(verdicts)
	// Output:
	// parallel×2
	// backend auto chose parallel with 2 workers: 3 numbers (under 1048576), too small to be worth starting a GPU, which was not probed
	// [true false true]
}
