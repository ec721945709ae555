package numbers

import (
	"math/big"
	"slices"
	"testing"
)

// The sequences are pinned: the CLI's --random output, the benchmarks and
// the bench harness's workloads are made of them.
func TestSequencesPinned(t *testing.T) {
	isPrime := func(v uint64) bool { return new(big.Int).SetUint64(v).ProbablyPrime(20) }
	for _, c := range []struct {
		name      string
		got, want []uint64
	}{
		{"Odd64", Odd64(3, 1), []uint64{0xedafd21f5d2ac2b5, 0xfec137a55109b8e9, 0xfacac7afe0b6cce5}},
		{"Uniform", Uniform(3, 32, 3), []uint64{0x4ea37707, 0xbb4ba8cb, 0xbb5b0fef}},
		{"Primes64", Primes64(3, 2, isPrime), []uint64{0xd7cf24e6f05fc337, 0xe339ed0b384a4a51, 0xc23d231ab82d2a0b}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: %#x, want %#x", c.name, c.got, c.want)
		}
	}
	g, _ := NewOddNumbers(100, 9)
	for _, want := range []string{"e807f68798b48d55b038ccf73", "85e0ad8a967e3f2238c1cb78d"} {
		if got := g.Big(new(big.Int)).Text(16); got != want {
			t.Errorf("NewOddNumbers(100, 9).Big: %s, want %s", got, want)
		}
	}
	g, _ = NewOddNumbers(20, 9)
	if a, b := g.Uint64(), g.Uint64(); a != 0x8b48d || b != 0xed2a9 {
		t.Errorf("NewOddNumbers(20, 9).Uint64: %#x %#x, want 0x8b48d 0xed2a9", a, b)
	}
}

func TestOddNumbersBits(t *testing.T) {
	if _, err := NewOddNumbers(1, 1); err == nil {
		t.Error("NewOddNumbers(1, …): no error")
	}
	for _, bits := range []int{2, 3, 17, 63, 64, 65, 127, 128, 200} {
		g, err := NewOddNumbers(bits, 5)
		if err != nil {
			t.Fatal(err)
		}
		for range 100 {
			z := g.Big(new(big.Int))
			if z.BitLen() != bits || z.Bit(0) != 1 {
				t.Fatalf("%d bits: drew %v (%d bits)", bits, z, z.BitLen())
			}
		}
	}
}
