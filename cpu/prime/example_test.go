package prime_test

import (
	"fmt"

	"github.com/corescale/corescale/cpu/prime"
)

func ExampleIsPrime() {
	fmt.Println(prime.IsPrime(97))
	fmt.Println(prime.IsPrime(1<<61 - 1))            // a Mersenne prime
	fmt.Println(prime.IsPrime(3215031751))           // a strong pseudoprime to bases 2, 3, 5 and 7
	fmt.Println(prime.IsPrime(18446744073709551557)) // 2^64 − 59, the largest 64-bit prime
	// Output:
	// true
	// true
	// false
	// true
}

// The engines test a batch at once and write one verdict per number, in
// the input's order.
func ExampleSerial() {
	ns := []uint64{1, 2, 91, 97, 561, 1000003, 0xffffffffffffffc5}
	verdicts := make([]bool, len(ns))
	if err := (prime.Serial{}).TestPrimes(ns, verdicts); err != nil {
		fmt.Println(err)
		return
	}
	for i, n := range ns {
		fmt.Println(n, verdicts[i])
	}
	// Output:
	// 1 false
	// 2 true
	// 91 false
	// 97 true
	// 561 false
	// 1000003 true
	// 18446744073709551557 true
}

// The parallel engine gives the same verdicts as the serial one, on
// Workers goroutines; here, the primes below a million.
func ExampleParallel() {
	ns := make([]uint64, 1_000_000)
	for i := range ns {
		ns[i] = uint64(i)
	}
	verdicts := make([]bool, len(ns))
	if err := (prime.Parallel{Workers: 2}).TestPrimes(ns, verdicts); err != nil {
		fmt.Println(err)
		return
	}
	count := 0
	for _, p := range verdicts {
		if p {
			count++
		}
	}
	fmt.Println(count, "primes below a million")
	// Output:
	// 78498 primes below a million
}
