package shard

import (
	"bytes"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"sync/atomic"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Spec
	}{{"0/1", Spec{0, 1}}, {"3/4", Spec{3, 4}}, {" 2/7 ", Spec{2, 7}}} {
		got, err := Parse(c.in)
		if err != nil || got != c.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
	for _, in := range []string{"", "1", "4/4", "-1/4", "0/0", "a/4", "0/b", "1/2/3", "0/2000000", "0x1/4"} {
		if s, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %v, no error", in, s)
		} else if !strings.Contains(err.Error(), fmt.Sprintf("%q", in)) {
			t.Errorf("Parse(%q): %v does not name the value", in, err)
		}
	}
}

func TestPart(t *testing.T) {
	for n := 1; n <= 9; n++ {
		for count := int64(0); count <= 40; count++ {
			var next int64
			for k := range n {
				lo, hi := Spec{k, n}.Part(count)
				if lo != next || hi < lo || hi-lo > count/int64(n)+1 || hi-lo < count/int64(n) {
					t.Fatalf("%d/%d of %d: [%d, %d) after %d", k, n, count, lo, hi, next)
				}
				next = hi
			}
			if next != count {
				t.Fatalf("N=%d of %d: ends at %d", n, count, next)
			}
		}
	}
}

func TestWeighted(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		ws := make([]int64, rng.IntN(30))
		var total, heaviest int64
		for i := range ws {
			switch rng.IntN(4) {
			case 0:
				ws[i] = 0
			case 1:
				ws[i] = rng.Int64N(1 << 40)
			default:
				ws[i] = rng.Int64N(1000)
			}
			total += ws[i]
			heaviest = max(heaviest, ws[i])
		}
		for n := 1; n <= 8; n++ {
			next := 0
			for k := range n {
				lo, hi := Spec{k, n}.Weighted(ws)
				if lo != next || hi < lo {
					t.Fatalf("trial %d, %d/%d of %v: [%d, %d) after %d", trial, k, n, ws, lo, hi, next)
				}
				var got int64
				for _, w := range ws[lo:hi] {
					got += w
				}
				// Each shard is within one item of its share.
				if total > 0 && (got > total/int64(n)+heaviest+1 || got < total/int64(n)-heaviest-1) {
					t.Errorf("trial %d, %d/%d: weight %d of %d (heaviest %d)", trial, k, n, got, total, heaviest)
				}
				next = hi
			}
			if next != len(ws) {
				t.Fatalf("trial %d, N=%d: ends at %d of %d", trial, n, next, len(ws))
			}
		}
	}
}

func TestRange(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	at := func(s string) *big.Int {
		z, ok := new(big.Int).SetString(s, 0)
		if !ok {
			t.Fatalf("bad number %q", s)
		}
		return z
	}
	flat := func(int) *big.Int { return big.NewInt(1) }
	cases := []struct{ a, b *big.Int }{
		{at("0"), at("0")},
		{at("0"), at("5")},
		{at("1"), at("100")},
		{at("1000000"), at("1000100")},
		{new(big.Int).Sub(two64, big.NewInt(1000)), new(big.Int).Add(two64, big.NewInt(10))},
		{at("0"), new(big.Int).Add(two64, big.NewInt(3))},
		{at("0x1" + strings.Repeat("0", 60)), at("0x1" + strings.Repeat("0", 60) + "ff")},
		{at("7"), at("0x1" + strings.Repeat("0", 300))},
	}
	for _, c := range cases {
		for _, work := range []Work{flat, RangeWork} {
			// The work of [lo, hi], and the most one number costs.
			cost := func(lo, hi *big.Int) *big.Int {
				sum := new(big.Int)
				for n := lo.BitLen(); n <= hi.BitLen(); n++ {
					s := new(big.Int).Lsh(big.NewInt(1), uint(max(n-1, 0)))
					if n == 0 {
						s.SetInt64(0)
					}
					e := new(big.Int).Lsh(big.NewInt(1), uint(n))
					e.Sub(e, big.NewInt(1))
					if s.Cmp(lo) < 0 {
						s.Set(lo)
					}
					if e.Cmp(hi) > 0 {
						e.Set(hi)
					}
					l := new(big.Int).Sub(e, s)
					l.Add(l, big.NewInt(1))
					sum.Add(sum, l.Mul(l, work(n)))
				}
				return sum
			}
			total, most := cost(c.a, c.b), work(c.b.BitLen())
			for _, n := range []int{1, 2, 3, 7, 64} {
				next := new(big.Int).Set(c.a)
				for k := range n {
					lo, hi, ok, err := Spec{k, n}.Range(c.a, c.b, work)
					if err != nil {
						t.Fatal(err)
					}
					if lo.Cmp(next) != 0 {
						t.Fatalf("[%v, %v] %d/%d starts at %v, want %v", c.a, c.b, k, n, lo, next)
					}
					if !ok {
						if new(big.Int).Add(hi, big.NewInt(1)).Cmp(lo) != 0 {
							t.Fatalf("[%v, %v] %d/%d: empty as [%v, %v]", c.a, c.b, k, n, lo, hi)
						}
						continue
					}
					// Within one number's work of total/N.
					got := cost(lo, hi)
					share := new(big.Int).Quo(total, big.NewInt(int64(n)))
					diff := new(big.Int).Sub(got, share)
					if diff.Abs(diff).Cmp(new(big.Int).Mul(most, big.NewInt(2))) > 0 {
						t.Errorf("[%v, %v] %d/%d: [%v, %v] has work %v, share %v", c.a, c.b, k, n, lo, hi, got, share)
					}
					next.Add(hi, big.NewInt(1))
				}
				if want := new(big.Int).Add(c.b, big.NewInt(1)); next.Cmp(want) != 0 {
					t.Fatalf("[%v, %v] N=%d ends before %v", c.a, c.b, n, next)
				}
			}
		}
	}
	if _, _, _, err := (Spec{0, 2}).Range(big.NewInt(5), big.NewInt(4), RangeWork); err == nil {
		t.Error("reversed range: no error")
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r *bytes.Reader
	n atomic.Int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n.Add(int64(n))
	return n, err
}

func TestLines(t *testing.T) {
	var long bytes.Buffer
	for i := range 100000 {
		fmt.Fprintf(&long, "%d\n", i*7919)
	}
	files := map[string]string{
		"empty":      "",
		"one":        "7",
		"newline":    "\n",
		"crlf":       "1\r\n2\r\n\r\n# note\r\n3\r\n",
		"no final":   "11\n13\n\n# c\n  17  \n19",
		"long lines": strings.Repeat("9", 5000) + "\n2\n" + strings.Repeat("8", 7000) + "\n3",
		"many":       long.String(),
	}
	for name, data := range files {
		for n := 1; n <= 12; n++ {
			var got []byte
			var next int64
			for k := range n {
				r := &countingReader{r: bytes.NewReader([]byte(data))}
				lo, hi, err := Spec{k, n}.Lines(r, int64(len(data)))
				if err != nil {
					t.Fatal(err)
				}
				if lo != next || hi < lo {
					t.Fatalf("%s %d/%d: [%d, %d) after %d", name, k, n, lo, hi, next)
				}
				if lo > 0 && lo < int64(len(data)) && data[lo-1] != '\n' {
					t.Errorf("%s %d/%d: starts at %d, inside a line", name, k, n, lo)
				}
				// Every line of the block starts in the shard's nominal bytes.
				sp := Spec{k, n}
				from, to := sp.nominal(int64(len(data)), k), sp.nominal(int64(len(data)), k+1)
				for p := lo; p < hi; p++ {
					if (p == 0 || data[p-1] == '\n') && (p < from || p >= to) {
						t.Errorf("%s %d/%d: the line at %d starts outside [%d, %d)", name, k, n, p, from, to)
					}
				}
				if name == "many" && r.n.Load() > 2<<16 {
					t.Errorf("%s %d/%d: read %d of %d bytes to find its block", name, k, n, r.n.Load(), len(data))
				}
				got = append(got, data[lo:hi]...)
				next = hi
			}
			if string(got) != data {
				t.Fatalf("%s N=%d: the blocks do not make the file", name, n)
			}
		}
	}
}

func TestSkipEqualsDrawing(t *testing.T) {
	for _, seed := range []uint64{0, 1, 0xdeadbeef} {
		ref := rand.NewPCG(seed, 0x636f72657363616c)
		for d := uint64(0); d < 300; d++ {
			p := rand.NewPCG(seed, 0x636f72657363616c)
			if err := Skip(p, d, 1); err != nil {
				t.Fatal(err)
			}
			if got, want := p.Uint64(), ref.Uint64(); got != want {
				t.Fatalf("seed %d, after %d draws: %#x, want %#x", seed, d, got, want)
			}
		}
	}
	// n numbers of each draws, against drawing them.
	for _, c := range []struct{ n, each uint64 }{{1000, 1}, {777, 3}, {12345, 17}, {1, 65536 / 64}, {100000, 1}} {
		p, ref := rand.NewPCG(5, 6), rand.NewPCG(5, 6)
		for range c.n * c.each {
			ref.Uint64()
		}
		if err := Skip(p, c.n, c.each); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if got, want := p.Uint64(), ref.Uint64(); got != want {
				t.Fatalf("%d×%d, draw %d: %#x, want %#x", c.n, c.each, i, got, want)
			}
		}
	}
}

// Jumps too long to draw: jumping a then b is jumping a+b, and 2^128 steps
// come back to the start (the generator's period).
func TestJumpComposes(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	s := u128{rng.Uint64(), rng.Uint64()}
	for range 100 {
		a := u128{rng.Uint64() >> 1, rng.Uint64()}
		b := u128{rng.Uint64() >> 1, rng.Uint64()}
		if got, want := jump(jump(s, a), b), jump(s, a.add(b)); got != want {
			t.Fatalf("jump(jump(s, %v), %v) = %v, jump(s, a+b) = %v", a, b, got, want)
		}
	}
	// 2^127 twice is 2^128, the whole period.
	half := u128{1 << 63, 0}
	if got := jump(jump(s, half), half); got != s {
		t.Errorf("2^128 steps: %v, want %v", got, s)
	}
	if got := jump(s, half); got == s {
		t.Errorf("2^127 steps came back to the start")
	}
}

// TestPCGState: the state read is the generator's, before and after
// draws, as Skip's jump sees it.
func TestPCGState(t *testing.T) {
	p := rand.NewPCG(11, 0x636f72657363616c)
	hi, lo, err := PCGState(p)
	if err != nil {
		t.Fatal(err)
	}
	if hi != 11 || lo != 0x636f72657363616c {
		t.Fatalf("PCGState of a new PCG(11, …) = %#x:%#x", hi, lo)
	}
	q := rand.NewPCG(11, 0x636f72657363616c)
	for range 1000 {
		p.Uint64()
	}
	if err := Skip(q, 1000, 1); err != nil {
		t.Fatal(err)
	}
	h1, l1, err1 := PCGState(p)
	h2, l2, err2 := PCGState(q)
	if err1 != nil || err2 != nil || h1 != h2 || l1 != l2 || h1 == hi {
		t.Errorf("after 1000 draws %#x:%#x, after a jump of 1000 %#x:%#x (%v, %v)", h1, l1, h2, l2, err1, err2)
	}
}
