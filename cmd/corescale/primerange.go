package main

import (
	"fmt"
	"math"
	"math/big"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/cpu/sieve"
	"github.com/corescale/corescale/internal/backend"
)

// sieveWorkers returns how many goroutines sieve a range: one on the
// serial path, --workers on the parallel path and when auto chose a GPU,
// and none (the per-number path) when a GPU was asked for by name.
func sieveWorkers(c interface {
	String(string) string
	Int(string) int
}, choice backend.Choice) int {
	switch {
	case c.String("backend") == "auto":
		return c.Int("workers")
	case !choice.CPU():
		return 0
	}
	return max(choice.Workers, 1)
}

var twoTo64 = new(big.Int).Lsh(big.NewInt(1), 64)

// sieveRange writes the verdicts of the range's numbers below 2^64 from
// the sieve, and returns the Source of the rest (nil when there is none),
// which the per-number path tests with math/big.
func (r *primeRun) sieveRange(w *primeio.Writer) (primeio.Source, error) {
	var rest primeio.Source
	if r.to.Cmp(twoTo64) >= 0 {
		rest = primeio.NewRange(bigMax(r.from, twoTo64), r.to)
	}
	if r.from.Cmp(twoTo64) >= 0 {
		return rest, nil
	}
	a, b := r.from.Uint64(), uint64(math.MaxUint64)
	if r.to.IsUint64() {
		b = r.to.Uint64()
	}
	o := sieve.Options{Workers: r.sieveWorkers, Method: r.method}
	if r.c.Bool("verbose") {
		fmt.Fprintf(r.c.App.ErrWriter, "corescale: %d to %d on %d workers: %s\n", a, b, r.sieveWorkers, sieve.Choose(a, b, o).Why)
	}
	var err error
	switch r.mode {
	case primeio.Count:
		w.AddCount(sieve.Count(a, b, o))
	case primeio.Primes:
		var ps []uint64
		err = sieve.Scan(a, b, o, func(blk *sieve.Block) error {
			ps = blk.AppendPrimes(ps[:0])
			return w.WritePrimes(ps)
		})
	default:
		out := primeio.NewBlock(primeio.BlockSize)
		err = sieve.Scan(a, b, o, func(blk *sieve.Block) error {
			for n := blk.Lo; ; n++ {
				out.Nums = append(out.Nums, n)
				out.Prime = append(out.Prime, blk.Prime(n))
				if len(out.Nums) == primeio.BlockSize {
					if err := w.Write(out); err != nil {
						return err
					}
					out.Reset()
				}
				if n == blk.Hi {
					return nil
				}
			}
		})
		if err == nil && out.Len() > 0 {
			err = w.Write(out)
		}
	}
	return rest, err
}

func bigMax(x, y *big.Int) *big.Int {
	if x.Cmp(y) >= 0 {
		return x
	}
	return y
}
