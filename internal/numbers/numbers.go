package numbers

import (
	"fmt"
	"math/big"
	"math/rand/v2"
)

// OddNumbers draws uniform odd numbers of exactly Bits bits (top bit set)
// from a PCG generator, so a seed reproduces the sequence on every machine
// and Go version.
type OddNumbers struct {
	bits int
	rng  *rand.Rand
}

// NewOddNumbers returns a generator of odd numbers of exactly bits bits.
func NewOddNumbers(bits int, seed uint64) (*OddNumbers, error) {
	if bits < 2 {
		return nil, fmt.Errorf("odd numbers of %d bits: want at least 2 bits", bits)
	}
	return &OddNumbers{bits: bits, rng: rand.New(rand.NewPCG(seed, 0x636f72657363616c))}, nil
}

// Bits returns the size of the numbers drawn.
func (g *OddNumbers) Bits() int { return g.bits }

// Uint64 returns the next number; it must only be called when Bits() ≤ 64.
func (g *OddNumbers) Uint64() uint64 {
	return g.rng.Uint64()>>(64-g.bits) | 1<<(g.bits-1) | 1
}

// Big sets z to the next number and returns it.
func (g *OddNumbers) Big(z *big.Int) *big.Int {
	if g.bits <= 64 {
		return z.SetUint64(g.Uint64())
	}
	words := make([]big.Word, (g.bits+63)/64)
	for i := range words {
		words[i] = big.Word(g.rng.Uint64())
	}
	z.SetBits(words)
	// Keep exactly bits bits: clear those above, set the top one and the last.
	for i := z.BitLen() - 1; i >= g.bits; i-- {
		z.SetBit(z, i, 0)
	}
	z.SetBit(z, g.bits-1, 1)
	return z.SetBit(z, 0, 1)
}

// Odd64 returns n uniform odd 64-bit numbers: the workload on which a
// primality engine spends most of its time on composites.
func Odd64(n int, seed uint64) []uint64 {
	g, _ := NewOddNumbers(64, seed)
	ns := make([]uint64, n)
	for i := range ns {
		ns[i] = g.Uint64()
	}
	return ns
}

// Uniform returns n uniform numbers below 2^bits, even ones included.
func Uniform(n, bits int, seed uint64) []uint64 {
	rng := rand.New(rand.NewPCG(seed, 0x756e69666f726d))
	ns := make([]uint64, n)
	for i := range ns {
		ns[i] = rng.Uint64() >> (64 - bits)
	}
	return ns
}

// Primes64 returns n primes drawn uniformly from the odd 64-bit numbers by
// rejection, using isPrime to decide: the workload where every number needs
// the full test.
func Primes64(n int, seed uint64, isPrime func(uint64) bool) []uint64 {
	g, _ := NewOddNumbers(64, seed)
	ns := make([]uint64, 0, n)
	for len(ns) < n {
		if v := g.Uint64(); isPrime(v) {
			ns = append(ns, v)
		}
	}
	return ns
}
