package main

import (
	"fmt"
	"io"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/internal/chunk"
)

// inFlight is how many blocks exist: one being filled, one waiting in the
// channel, one being tested and written. Memory stays at that, whatever the
// length of the input.
const inFlight = 3

type filled struct {
	b   *primeio.Block
	err error
}

// pump tests every number of src with eng and writes the verdicts to w in
// input order. A goroutine fills the next block while this one tests and
// writes the current one, so reading overlaps testing.
func pump(src primeio.Source, eng corescale.PrimeTester, workers int, w *primeio.Writer) error {
	free := make(chan *primeio.Block, inFlight)
	for range inFlight {
		free <- primeio.NewBlock(primeio.BlockSize)
	}
	full := make(chan filled, 1)
	done := make(chan struct{})
	defer close(done)
	go func() {
		for {
			var b *primeio.Block
			select {
			case b = <-free:
			case <-done:
				return
			}
			err := src.Fill(b)
			select {
			case full <- filled{b, err}:
			case <-done:
				return
			}
			if err != nil {
				return
			}
		}
	}()
	for {
		f := <-full
		if f.err == io.EOF {
			return nil
		}
		if f.err != nil {
			return f.err
		}
		if err := testBlock(f.b, eng, workers); err != nil {
			return err
		}
		if err := w.Write(f.b); err != nil {
			return err
		}
		free <- f.b
	}
}

// testBlock sets the verdicts of b: the engine's for the numbers below 2^64,
// math/big's probable ones for the rest.
func testBlock(b *primeio.Block, eng corescale.PrimeTester, workers int) error {
	b.Prime = b.Prime[:len(b.Nums)]
	if err := eng.TestPrimes(b.Nums, b.Prime); err != nil {
		return fmt.Errorf("prime engine: %w", err)
	}
	testBig(b.Big, workers)
	return nil
}

// testBig runs math/big's Baillie–PSW test on workers goroutines, one
// number per chunk: one big number costs microseconds to seconds.
func testBig(bs []primeio.Big, workers int) {
	chunk.Run(len(bs), 1, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			bs[i].Prime = bs[i].N.ProbablyPrime(0)
		}
	})
}
