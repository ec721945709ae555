package main

import (
	"fmt"
	"math"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/sieve"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/backend"
)

// gpuRange is the GPU backend of --from/--to: the range's numbers below
// 2^64 sieved on the device (gpu.SieveEngine), those above on the CPU as
// on every path, their survivors tested by the run's bigEngine.
type gpuRange struct {
	drv  gpu.Driver
	opts gpu.SieveOptions
}

// gpuSieveOptions, when set, replaces the engine's options; tests set it
// to force many segments and chunks.
var gpuSieveOptions *gpu.SieveOptions

// newGPURange returns the GPU range backend when the choice runs on a GPU
// (asked for by name, or chosen by auto for a large range) and the range is
// not to be tested number by number; else nil.
func newGPURange(choice backend.Choice, method sieve.Method) *gpuRange {
	if choice.CPU() || method == sieve.Test {
		return nil
	}
	g := &gpuRange{drv: choice.Driver}
	if gpuSieveOptions != nil {
		g.opts = *gpuSieveOptions
	}
	return g
}

// noTester is the engine of a run whose range the GPU sieves: nothing is
// tested number by number.
type noTester struct{}

func (noTester) TestPrimes(ns []uint64, out []bool) error {
	return fmt.Errorf("no per-number engine: the range is sieved on the GPU")
}

// run writes the verdicts of the range r.from to r.to.
func (g *gpuRange) run(r *primeRun, w *primeio.Writer) error {
	if r.from.Cmp(twoTo64) < 0 && r.from.Cmp(r.to) <= 0 {
		a, b := r.from.Uint64(), uint64(math.MaxUint64)
		if r.to.IsUint64() {
			b = r.to.Uint64()
		}
		if err := g.small(r, w, a, b); err != nil {
			return err
		}
	}
	if r.to.Cmp(twoTo64) >= 0 {
		if r.c.Bool("verbose") {
			fmt.Fprintf(r.c.App.ErrWriter, "corescale: the numbers of 2^64 and above are sieved on the CPU (the GPU sieve stops below 2^64); their survivors of up to 4096 bits go to the GPU big-number engine\n")
		}
		return r.bigRange(w, bigMax(r.from, twoTo64), r.to)
	}
	return nil
}

// small writes the verdicts of [a, b] from the GPU sieve.
func (g *gpuRange) small(r *primeRun, w *primeio.Writer, a, b uint64) error {
	e, err := gpu.NewSieveEngine(g.drv, 0, g.opts)
	if err != nil && r.c.String("backend") == "auto" {
		// auto chose the GPU, which failed to start: the CPU's sieve.
		if r.c.Bool("verbose") {
			fmt.Fprintf(r.c.App.ErrWriter, "corescale: the GPU sieve failed to start (%v): the range goes to the CPU's sieve\n", err)
		}
		r.sieveWorkers = max(r.sieveWorkers, 1)
		return r.sieveSmall(w)
	}
	if err != nil {
		return fmt.Errorf("gpu sieve: %w", err)
	}
	defer e.Close()
	if r.c.Bool("verbose") {
		fmt.Fprintf(r.c.App.ErrWriter, "corescale: %d to %d on the GPU: %s\n", a, b, e.Plan(a, b).Why)
	}
	switch r.mode {
	case primeio.Count:
		n, err := e.Count(a, b)
		if err != nil {
			return err
		}
		w.AddCount(n)
		return nil
	case primeio.Primes:
		return e.Primes(a, b, w.WritePrimes)
	}
	// Every number's verdict: the numbers between the primes are
	// composite.
	out := primeio.NewBlock(primeio.BlockSize)
	next, done := a, false
	emit := func(n uint64, prime bool) error {
		out.Nums = append(out.Nums, n)
		out.Prime = append(out.Prime, prime)
		if len(out.Nums) == primeio.BlockSize {
			if err := w.Write(out); err != nil {
				return err
			}
			out.Reset()
		}
		return nil
	}
	// upTo emits next … n−1 as composite and n as prime (or, at the end,
	// next … b as composite).
	upTo := func(n uint64, prime bool) error {
		for ; !done && next < n; next++ {
			if err := emit(next, false); err != nil {
				return err
			}
		}
		if done || next > n {
			return nil
		}
		if err := emit(n, prime); err != nil {
			return err
		}
		if n == b {
			done = true
		} else {
			next = n + 1
		}
		return nil
	}
	err = e.Primes(a, b, func(ps []uint64) error {
		for _, p := range ps {
			if err := upTo(p, true); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		err = upTo(b, false)
	}
	if err == nil && out.Len() > 0 {
		err = w.Write(out)
	}
	return err
}
