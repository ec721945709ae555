package primeio

import (
	"fmt"
	"io"
	"math"
	"math/big"

	"github.com/corescale/corescale/internal/numbers"
)

// Range is the Source of every number from one bound to another, inclusive.
// It counts in uint64 as far as it can, and in math/big beyond 2^64.
type Range struct {
	small    bool   // still counting below 2^64
	u, uLast uint64 // the next small number and the last one
	z, last  *big.Int
	given    int // how many numbers of 2^64 and above it has given
}

// NewRange returns the Range from..to; it is empty when from > to.
func NewRange(from, to *big.Int) *Range {
	r := &Range{z: new(big.Int).Set(from), last: new(big.Int).Set(to)}
	if from.IsUint64() && from.Cmp(to) <= 0 {
		r.small = true
		r.u = from.Uint64()
		r.uLast = math.MaxUint64
		if to.IsUint64() {
			r.uLast = to.Uint64()
		}
		r.z.Lsh(big.NewInt(1), 64)
	}
	return r
}

// Where implements Source. The numbers of a range that can take long are
// all past 2^64, so they are counted from there: the first, the second...
func (r *Range) Where(pos int) string {
	return fmt.Sprintf("number %d past 2^64 of the range", pos)
}

// Fill implements Source.
func (r *Range) Fill(b *Block) error {
	b.Reset()
	for r.small && !b.full() {
		b.add(r.u)
		if r.u == r.uLast {
			// Stop before r.u++ wraps around at 2^64-1.
			r.small = false
			break
		}
		r.u++
	}
	for !r.small && !b.full() && r.z.Cmp(r.last) <= 0 {
		r.given++
		b.addBig(new(big.Int).Set(r.z), r.given)
		r.z.Add(r.z, big.NewInt(1))
	}
	if b.Len() == 0 {
		return io.EOF
	}
	return nil
}

// Random is the Source of uniform odd numbers of an exact bit size.
type Random struct {
	g       *numbers.OddNumbers
	n, left int
}

// MaxRandomBits is the largest size of a random number. A number's memory is
// allocated before it is tested, so the size is bounded before anything
// else: 65536 bits, 8 KiB, which math/big's test decides in minutes (a
// prime of 44,497 bits took 37 s on one core of the machine this was
// written on), where a million bits would take weeks and a trillion would
// not fit in memory.
const MaxRandomBits = 1 << 16

// NewRandom returns the Source of n odd numbers of exactly bits bits, the
// same ones for the same seed on every machine. bits is 2 to MaxRandomBits.
func NewRandom(n, bits int, seed uint64) (*Random, error) {
	if n < 0 {
		return nil, fmt.Errorf("%d random numbers: want 0 or more", n)
	}
	if bits > MaxRandomBits {
		return nil, fmt.Errorf("odd numbers of %d bits: want at most %d bits", bits, MaxRandomBits)
	}
	g, err := numbers.NewOddNumbers(bits, seed)
	if err != nil {
		return nil, err
	}
	return &Random{g: g, n: n, left: n}, nil
}

// Where implements Source: pos counts the numbers from 1.
func (r *Random) Where(pos int) string { return fmt.Sprintf("random number %d", pos) }

// Fill implements Source.
func (r *Random) Fill(b *Block) error {
	b.Reset()
	for ; r.left > 0 && !b.full(); r.left-- {
		if r.g.Bits() <= 64 {
			b.add(r.g.Uint64())
		} else {
			b.addBig(r.g.Big(new(big.Int)), r.n-r.left+1)
		}
	}
	if b.Len() == 0 {
		return io.EOF
	}
	return nil
}
