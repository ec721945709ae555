package bench

import (
	"fmt"
	"math"

	"github.com/corescale/corescale/cpu/sieve"
)

// rangeWork counts the primes of a range, as prime --from A --to B --print
// count does: the segmented sieve at 10^12, the hybrid higher up.
type rangeWork struct {
	id string
	// at returns the first number of a range of n numbers.
	at   func(n uint64) uint64
	a, b uint64
	ref  uint64
}

// minRange is the length of a range when the sizes give none: enough for
// several sieve tasks.
const minRange = 1 << 22

func (w *rangeWork) name() string { return w.id }
func (w *rangeWork) kind() string { return "prime" }

func (w *rangeWork) prepare(sz Sizes, _ uint64, _ string) (string, float64, error) {
	n := sz.Range
	if n == 0 {
		n = minRange
	}
	w.a = w.at(n)
	w.b = w.a + (n - 1)
	w.ref = sieve.Count(w.a, w.b, sieve.Options{Workers: 1})
	return "numbers", float64(n), nil
}

func (w *rangeWork) task(b Backend) (*task, error) {
	if b.Workers == 0 {
		// The GPU sieve is not written yet.
		return nil, ErrUnsupported
	}
	t := newTask()
	var got uint64
	t.run = func() error {
		got = sieve.Count(w.a, w.b, sieve.Options{Workers: b.Workers})
		return nil
	}
	t.check = func() error {
		if err := t.run(); err != nil {
			return err
		}
		if got != w.ref {
			return fmt.Errorf("%d primes in [%d, %d], the serial sieve counts %d", got, w.a, w.b, w.ref)
		}
		return nil
	}
	return t, nil
}

// The ranges of the range workloads: at 10^12 (sieved), 10^18 and the top
// of 2^64 (the hybrid).
func at1e12(uint64) uint64  { return 1e12 }
func at1e18(uint64) uint64  { return 1e18 }
func atTop(n uint64) uint64 { return math.MaxUint64 - (n - 1) }
