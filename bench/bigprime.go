package bench

import (
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"

	"github.com/corescale/corescale/cpu/bigprime"
)

// bigPrimeWork tests random odd numbers of one size above 2^64, with the
// top bit set, as prime --input does with a file of them: the batch
// engine of cpu/bigprime (the workload of the GMP anchor,
// bench/anchors/gmp) or a GPU backend's big-number engine.
type bigPrimeWork struct {
	id   string
	bits int
	// div makes a run sz.Numbers/div numbers: about 60 ms on one core
	// at the medium size, for every size.
	div int
	ns  []*big.Int
	ref []bool
}

func (w *bigPrimeWork) name() string { return w.id }
func (w *bigPrimeWork) kind() string { return "prime" }

func (w *bigPrimeWork) prepare(sz Sizes, seed uint64, _ string) (string, float64, error) {
	count := max(sz.Numbers/w.div, 16)
	r := rand.New(rand.NewPCG(seed, uint64(w.bits)))
	w.ns = make([]*big.Int, count)
	for i := range w.ns {
		words := make([]big.Word, (w.bits+63)/64)
		for j := range words {
			words[j] = big.Word(r.Uint64())
		}
		n := new(big.Int).SetBits(words)
		// The low bits(n) of a uniform number, odd, with the top bit set.
		n.Rsh(n, uint(64*len(words)-w.bits))
		n.SetBit(n, w.bits-1, 1)
		w.ns[i] = n.SetBit(n, 0, 1)
	}
	w.ref = make([]bool, count)
	bigprime.Test(w.ns, w.ref, 1)
	return "numbers", float64(count), nil
}

func (w *bigPrimeWork) task(b Backend) (*task, error) {
	t := newTask()
	got := make([]bool, len(w.ns))
	if b.Workers == 0 {
		if b.NewBigPrimeTester == nil {
			return nil, ErrUnsupported
		}
		e, err := b.NewBigPrimeTester()
		if err != nil {
			return nil, err
		}
		t.run = func() error { return e.TestBig(w.ns, got) }
		if c, ok := e.(io.Closer); ok {
			t.close = func() { c.Close() }
		}
	} else {
		t.run = func() error {
			bigprime.Test(w.ns, got, b.Workers)
			return nil
		}
	}
	t.check = func() error {
		if err := t.run(); err != nil {
			return err
		}
		for i := range got {
			if got[i] != w.ref[i] {
				return fmt.Errorf("%d bits: %v says prime=%v, the serial engine %v", w.bits, w.ns[i], got[i], w.ref[i])
			}
		}
		return nil
	}
	return t, nil
}
