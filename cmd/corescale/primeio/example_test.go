package primeio_test

import (
	"fmt"
	"io"
	"os"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/prime"
)

func ExampleParseNumber() {
	n, err := primeio.ParseNumber("0x61", "--from")
	fmt.Println(n, err)
	n, err = primeio.ParseNumber("340282366920938463463374607431768211456", "--to") // 2^128
	fmt.Println(n, err)
	_, err = primeio.ParseNumber("12abc", "--to")
	fmt.Println(err)
	// Output:
	// 97 <nil>
	// 340282366920938463463374607431768211456 <nil>
	// --to: "12abc" is not a number (want decimal or 0x hex)
}

// The loop of `corescale prime`: a Source fills a Block, the caller tests
// it — numbers below 2^64 with an engine, larger ones with math/big — and
// a Writer prints the verdicts.
func ExampleNewWriter() {
	// 2^89 − 1 is a Mersenne prime, past 2^64: its verdict is probable.
	src := primeio.NewArgs([]string{"2", "9", "0x61", "618970019642690137449562111", "1000000000000000000000"})
	b := primeio.NewBlock(primeio.BlockSize)
	w := primeio.NewWriter(os.Stdout, primeio.Text, primeio.All)
	for {
		err := src.Fill(b)
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		// Prime comes back from Fill empty, with room for the verdicts.
		b.Prime = b.Prime[:len(b.Nums)]
		if err := (prime.Serial{}).TestPrimes(b.Nums, b.Prime); err != nil {
			fmt.Println(err)
			return
		}
		for i := range b.Big {
			b.Big[i].Prime = b.Big[i].N.ProbablyPrime(0)
		}
		if err := w.Write(b); err != nil {
			fmt.Println(err)
			return
		}
	}
	if err := w.Close(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2 prime
	// 9 composite
	// 97 prime
	// 618970019642690137449562111 prime?
	// 1000000000000000000000 composite
}

// A bad argument is reported with its position, before anything is tested.
func ExampleNewArgs() {
	err := primeio.NewArgs([]string{"7", "0x1g"}).Fill(primeio.NewBlock(primeio.BlockSize))
	fmt.Println(err)
	// Output:
	// argument 2: "0x1g" is not a number (want decimal or 0x hex)
}
