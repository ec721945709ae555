package main

import (
	"fmt"
	"math"
	"math/big"
	"slices"

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

// sieveRange writes the verdicts of the range: below 2^64 from the sieve,
// above from the hybrid of bigRange.
func (r *primeRun) sieveRange(w *primeio.Writer) error {
	if r.from.Cmp(twoTo64) < 0 {
		if err := r.sieveSmall(w); err != nil {
			return err
		}
	}
	if r.to.Cmp(twoTo64) >= 0 {
		return r.bigRange(w, bigMax(r.from, twoTo64), r.to)
	}
	return nil
}

// sieveSmall writes the verdicts of the range's numbers below 2^64.
func (r *primeRun) sieveSmall(w *primeio.Writer) error {
	a, b := r.from.Uint64(), uint64(math.MaxUint64)
	if r.to.IsUint64() {
		b = r.to.Uint64()
	}
	// A listing (sieve.Scan) is always lean; the line --verbose prints
	// says what the sieve will do.
	o := sieve.Options{Workers: r.sieveWorkers, Method: r.method, Lean: r.lean || r.mode != primeio.Count}
	if r.c.Bool("verbose") {
		fmt.Fprintf(r.c.App.ErrWriter, "corescale: %d to %d on %s: %s\n", a, b, plural(r.sieveWorkers, "worker"), sieve.Choose(a, b, o).Why)
	}
	var err error
	switch r.mode {
	case primeio.Count:
		w.AddCount(sieve.Count(a, b, o))
	case primeio.Primes:
		var ps []uint64
		err = sieve.Scan(a, b, o, func(blk *sieve.Block) error {
			// 8 KiB of wheel, 245,760 numbers, at most ~22,000 primes.
			return blk.Pieces(8<<10, func(p *sieve.Block) error {
				ps = p.AppendPrimes(ps[:0])
				return w.WritePrimes(ps)
			})
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
	return err
}

func bigMax(x, y *big.Int) *big.Int {
	if x.Cmp(y) >= 0 {
		return x
	}
	return y
}

// bigWindowBytes bounds the memory of one window of numbers above 2^64.
const bigWindowBytes = 2 << 20

// bigRange writes the verdicts of [lo, hi], numbers of 2^64 and above: a
// window at a time, the multiples of the primes below 2^16 are crossed off
// as composite (certain), and only the survivors get Baillie–PSW (the
// multi-precision engine up to bigprime.MaxBits, math/big above: testBig),
// whose verdict is probable. Each number keeps the
// position that the per-number path gives it, for the notes on slow
// numbers.
func (r *primeRun) bigRange(w *primeio.Writer, lo, hi *big.Int) error {
	return withMemoryLimit(bigRangeMemory, func() error { return r.testBigRange(w, lo, hi) })
}

// testBigRange is bigRange under its memory limit.
func (r *primeRun) testBigRange(w *primeio.Writer, lo, hi *big.Int) error {
	ps := sieve.SmallPrimes()
	pos := 1 // Range.Where counts the range's numbers from 2^64 on from 1
	words := len(hi.Bits()) + 1
	window := max(1, min(primeio.BlockSize, bigWindowBytes/(8*words+64)))
	composite := make([]bool, window)
	start := new(big.Int).Set(lo)
	left := new(big.Int).Sub(hi, lo)
	left.Add(left, big.NewInt(1))
	var m big.Int
	for left.Sign() > 0 {
		n := window
		if left.IsInt64() && left.Int64() < int64(n) {
			n = int(left.Int64())
		}
		clear(composite[:n])
		for _, p := range ps {
			p := uint64(p)
			off := (p - m.Mod(start, m.SetUint64(p)).Uint64()) % p
			for j := off; j < uint64(n); j += p {
				composite[j] = true
			}
		}
		// The window's numbers and their words in one piece each, and the
		// block's lists sized once: a number, its big.Int and the lists
		// grown by append were ~370 bytes of garbage each, and [2^64,
		// +10^7] spent a fifth of its CPU in the collector under
		// bigRangeMemory.
		blk := primeio.NewBlock(n)
		blk.Big = slices.Grow(blk.Big, n)
		zs, slab := make([]big.Int, n), make([]big.Word, n*words)
		survivors := make([]primeio.Big, 0, n/8) // ~5% survive the primes below 2^16
		var step big.Int
		for j := range n {
			z := zs[j].SetBits(slab[j*words : j*words : (j+1)*words])
			z.Add(start, step.SetInt64(int64(j)))
			blk.Big = append(blk.Big, primeio.Big{At: j, N: z, Pos: pos + j})
			blk.Nums = append(blk.Nums, 0)
			blk.Prime = append(blk.Prime, false)
			if !composite[j] {
				survivors = append(survivors, blk.Big[j])
			}
		}
		if err := testBig(survivors, r.bigs, r.notes.before); err != nil {
			return err
		}
		for _, s := range survivors {
			blk.Big[s.At].Prime = s.Prime
		}
		if err := w.Write(blk); err != nil {
			return err
		}
		pos += n
		start.Add(start, big.NewInt(int64(n)))
		left.Sub(left, big.NewInt(int64(n)))
	}
	return nil
}
