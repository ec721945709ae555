package bench

import (
	"fmt"

	"github.com/corescale/corescale/cpu/prime"
)

// primeWork tests a batch of generated numbers for primality.
type primeWork struct {
	id       string
	generate func(sz Sizes, seed uint64) []uint64
	numbers  []uint64
	ref      []bool
}

func (w *primeWork) name() string { return w.id }
func (w *primeWork) kind() string { return "prime" }

func (w *primeWork) prepare(sz Sizes, seed uint64, _ string) (string, float64, error) {
	w.numbers = w.generate(sz, seed)
	w.ref = make([]bool, len(w.numbers))
	if err := (prime.Serial{}).TestPrimes(w.numbers, w.ref); err != nil {
		return "", 0, fmt.Errorf("serial reference: %w", err)
	}
	return "numbers", float64(len(w.numbers)), nil
}

func (w *primeWork) task(b Backend) (*task, error) {
	if b.NewPrimeTester == nil {
		return nil, ErrUnsupported
	}
	pt, err := b.NewPrimeTester()
	if err != nil {
		return nil, err
	}
	t := newTask()
	out := make([]bool, len(w.numbers))
	t.run = func() error { return pt.TestPrimes(w.numbers, out) }
	t.check = func() error {
		clear(out)
		if err := t.run(); err != nil {
			return err
		}
		return comparePrimes(w.numbers, out, w.ref)
	}
	engineTimings(t, pt)
	return t, nil
}

func comparePrimes(ns []uint64, got, want []bool) error {
	bad, first := differences(got, want)
	if bad == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d verdicts differ from the serial engine's; first: %d is prime = %v, serial says %v",
		bad, len(want), ns[first], got[first], want[first])
}
