package main

import (
	"fmt"
	"io"
	"math/big"
	"sync"

	"github.com/corescale/corescale/internal/backend"
)

// bigEngine tests the numbers of 2^64 to bigprime.MaxBits of a run: on
// the choice's GPUs when it has them, else (or when an auto choice's
// engine does not start) on the CPU batch engine. The GPU engine is made
// when the first such number comes, so that a run of 64-bit numbers never
// loads its module (2.5 MB of PTX), and kept for the rest of the run.
type bigEngine struct {
	choice  *backend.Choice
	workers int
	// verbose, when set, is where to say where the numbers go.
	verbose io.Writer

	// scratch is pump's testBlockBig's on its Fill path (pumpLines gives
	// each worker its own).
	scratch bigScratch

	mu      sync.Mutex
	started bool
	gpu     backend.BigPrimeTester // nil: the CPU engine
	err     error                  // why the GPU engine could not start
}

// engine returns the GPU engine, nil for the CPU one, or why a GPU
// backend asked for has none.
func (b *bigEngine) engine() (backend.BigPrimeTester, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.started {
		return b.gpu, b.err
	}
	b.started = true
	if b.choice == nil {
		return nil, nil
	}
	e, fellBack, err := b.choice.BigPrimeTester()
	b.gpu, b.err = e, err
	switch {
	case b.verbose == nil || err != nil:
	case fellBack != "":
		fmt.Fprintf(b.verbose, "corescale: %s; numbers of 2^64 to 4096 bits go to the CPU multi-precision engine\n", fellBack)
	case e != nil:
		fmt.Fprintf(b.verbose, "corescale: the GPU big-number engine started for the numbers of 2^64 to 4096 bits\n")
	}
	return b.gpu, b.err
}

// test sets the verdicts of ns, of 65 to bigprime.MaxBits bits.
func (b *bigEngine) test(ns []*big.Int, out []bool) error {
	e, err := b.engine()
	if err != nil {
		return err
	}
	if e == nil {
		testBigCPU(ns, out, b.workers)
		return nil
	}
	if err := e.TestBig(ns, out); err != nil {
		return fmt.Errorf("GPU big prime engine: %w", err)
	}
	return nil
}

// close closes the GPU engine if one was made.
func (b *bigEngine) close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c, ok := b.gpu.(io.Closer); ok {
		c.Close()
	}
}

// where says where the numbers of 2^64 and above go, for --verbose.
func (b *bigEngine) where() string {
	if b.choice != nil && !b.choice.CPU() {
		return "numbers of 2^64 to 4096 bits go to the GPU big-number engine (started when the first comes), larger ones to math/big"
	}
	return "numbers of 2^64 to 4096 bits go to the multi-precision engine, larger ones to math/big"
}
