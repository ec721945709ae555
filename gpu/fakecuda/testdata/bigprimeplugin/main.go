// Command bigprimeplugin tests the decimal numbers on stdin, one a line,
// with gpu.BigPrimeDevices on the driver gpu.Find loads (the real plugin,
// corescale-cuda.so beside it), and prints "N 1" or "N 0" for each: what
// the CLI's big-number path will do once it is hooked up, for
// plugin_test.go's TestPluginBigPrime.
package main

import (
	"bufio"
	"fmt"
	"math/big"
	"os"

	"github.com/corescale/corescale/gpu"
)

func main() {
	var ns []*big.Int
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		n, ok := new(big.Int).SetString(sc.Text(), 10)
		if !ok {
			fmt.Fprintf(os.Stderr, "bigprimeplugin: stdin:%d: %q is not a number\n", line, sc.Text())
			os.Exit(2)
		}
		ns = append(ns, n)
	}
	drv, err := gpu.Find()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigprimeplugin:", err)
		os.Exit(1)
	}
	p, err := gpu.NewBigPrimeDevices(drv, nil, 64<<10)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigprimeplugin:", err)
		os.Exit(1)
	}
	out := make([]bool, len(ns))
	err = p.TestBig(ns, out)
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bigprimeplugin:", err)
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	for i, n := range ns {
		v := 0
		if out[i] {
			v = 1
		}
		fmt.Fprintf(w, "%s %d\n", n, v)
	}
	w.Flush()
}
