package primeio_test

import (
	"fmt"

	"github.com/corescale/corescale/cmd/corescale/primeio"
)

func ExampleParseBound() {
	for _, text := range []string{"1e12+1e9", "2^64-1", "(2^32-1)*2^32", "2^64-"} {
		n, err := primeio.ParseBound(text, "--to")
		fmt.Println(n, err)
	}
	// Output:
	// 1001000000000 <nil>
	// 18446744073709551615 <nil>
	// 18446744069414584320 <nil>
	// <nil> --to: "2^64-": missing a number after "-" at character 5
}
