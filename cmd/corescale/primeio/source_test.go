package primeio

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestRange(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	n := func(v uint64) *big.Int { return new(big.Int).SetUint64(v) }
	plus := func(z *big.Int, d int64) *big.Int { return new(big.Int).Add(z, big.NewInt(d)) }
	const max = math.MaxUint64
	for _, tc := range []struct {
		name     string
		from, to *big.Int
		want     string
	}{
		{"small", n(5), n(10), "5,6,7,8,9,10"},
		{"one number", n(7), n(7), "7"},
		{"zero", n(0), n(2), "0,1,2"},
		{"empty", n(10), n(5), ""},
		{"ends at 2^64-1", n(max - 3), n(max),
			"18446744073709551612,18446744073709551613,18446744073709551614,18446744073709551615"},
		{"only 2^64-1", n(max), n(max), "18446744073709551615"},
		{"crosses 2^64", n(max - 1), plus(two64, 1),
			"18446744073709551614,18446744073709551615,B18446744073709551616,B18446744073709551617"},
		{"above 2^64", plus(two64, 5), plus(two64, 6), "B18446744073709551621,B18446744073709551622"},
		{"empty above 2^64", plus(two64, 6), plus(two64, 5), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collect(NewRange(tc.from, tc.to))
			if err != nil || strings.Join(got, ",") != tc.want {
				t.Errorf("got %q, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestRangeAcrossBlocks(t *testing.T) {
	r := NewRange(big.NewInt(1), big.NewInt(2*BlockSize+5))
	b := NewBlock(BlockSize)
	next := uint64(1)
	for r.Fill(b) == nil {
		for _, v := range b.Nums {
			if v != next {
				t.Fatalf("got %d, want %d", v, next)
			}
			next++
		}
	}
	if next != 2*BlockSize+6 {
		t.Errorf("range ended at %d", next-1)
	}
}

func TestRandom(t *testing.T) {
	for _, bits := range []int{2, 3, 32, 63, 64, 65, 127, 128, 300} {
		t.Run(fmt.Sprint(bits), func(t *testing.T) {
			gen := func(seed uint64) []string {
				r, err := NewRandom(50, bits, seed)
				if err != nil {
					t.Fatal(err)
				}
				got, err := collect(r)
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			a := gen(1)
			if len(a) != 50 {
				t.Fatalf("%d numbers, want 50", len(a))
			}
			if b := gen(1); strings.Join(a, ",") != strings.Join(b, ",") {
				t.Error("same seed gave different numbers")
			}
			if bits > 8 && strings.Join(a, ",") == strings.Join(gen(2), ",") {
				t.Error("seeds 1 and 2 gave the same numbers")
			}
			for _, s := range a {
				isBig := strings.HasPrefix(s, "B")
				z, _ := new(big.Int).SetString(strings.TrimPrefix(s, "B"), 10)
				if z.BitLen() != bits || z.Bit(0) != 1 || isBig != (bits > 64) {
					t.Errorf("%s: %d bits, want odd of exactly %d", s, z.BitLen(), bits)
				}
			}
		})
	}
	if _, err := NewRandom(5, 1, 1); err == nil {
		t.Error("1-bit numbers accepted")
	}
	if _, err := NewRandom(-1, 64, 1); err == nil {
		t.Error("negative count accepted")
	}
	r, _ := NewRandom(0, 64, 1)
	if got, err := collect(r); len(got) != 0 || err != nil {
		t.Errorf("zero numbers gave %q, %v", got, err)
	}
}
