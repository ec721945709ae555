package primeio

import (
	"bytes"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// limbsOf returns z's 64-bit limbs, least significant first, from
// math/big: the oracle of the limb parser.
func limbsOf(z *big.Int) []uint64 {
	var ls []uint64
	for t := new(big.Int).Set(z); t.Sign() > 0; t.Rsh(t, 64) {
		ls = append(ls, new(big.Int).And(t, new(big.Int).SetUint64(^uint64(0))).Uint64())
	}
	return ls
}

// checkLimbs compares appendLimbs on tok, after a prefix already in dst,
// with math/big's SetString.
func checkLimbs(t *testing.T, tok string) {
	t.Helper()
	digits, base := tok, 10
	if isHex([]byte(tok)) {
		digits, base = tok[2:], 16
	}
	want, ok := new(big.Int).SetString(digits, base)
	if !ok {
		t.Fatalf("math/big rejects %q", tok)
	}
	prefix := []uint64{0xdead, 0xbeef}
	got := appendLimbs(append([]uint64(nil), prefix...), []byte(tok))
	if !slicesEqual(got[:2], prefix) {
		t.Fatalf("appendLimbs(%q) changed what dst held: %#x", tok, got[:2])
	}
	if w := limbsOf(want); !slicesEqual(got[2:], w) {
		t.Errorf("appendLimbs(%q) = %#x, math/big says %#x", tok, got[2:], w)
	}
	if b := limbBound([]byte(tok)); b < len(got)-2 {
		t.Errorf("limbBound(%q) = %d, but it takes %d limbs", tok, b, len(got)-2)
	}
}

// TestAppendLimbs holds the limb parser to math/big on decimal tokens of
// 1 to 1300 digits (past the 1234 of 4096 bits), with leading zeros, all
// nines (each 19-digit chunk carrying into a new limb) and powers of ten,
// and on hex tokens of 1 to 1100 digits.
func TestAppendLimbs(t *testing.T) {
	r := rand.New(rand.NewPCG(16, 128))
	digits := func(n int, alphabet string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for n := 1; n <= 1300; n += 1 + n/40 {
		for _, tok := range []string{
			"9" + digits(n-1, "0123456789"), digits(n, "0123456789"), "000" + digits(n, "9"),
			strings.Repeat("9", n), "1" + strings.Repeat("0", n-1), strings.Repeat("0", n),
		} {
			checkLimbs(t, tok)
		}
	}
	for n := 1; n <= 1100; n += 1 + n/40 {
		for _, tok := range []string{"0x" + digits(n, "0123456789abcdefABCDEF"), "0X00" + strings.Repeat("f", n), "0x" + strings.Repeat("0", n)} {
			checkLimbs(t, tok)
		}
	}
}

// FuzzLimbs holds the limb parser to math/big's SetString on tokens made
// of the fuzzer's bytes, as decimal and as hex digits.
func FuzzLimbs(f *testing.F) {
	f.Add([]byte("18446744073709551616"), false)
	f.Add([]byte("99999999999999999999999999999999999999"), false)
	f.Add([]byte("0000000000000000000000000000000000000012345"), false)
	f.Add([]byte("ffffffffffffffff0"), true)
	f.Fuzz(func(t *testing.T, b []byte, hex bool) {
		const decimal, hexDigits = "0123456789", "0123456789abcdefABCDEF"
		alphabet, prefix := decimal, ""
		if hex {
			alphabet, prefix = hexDigits, "0x"
		}
		if len(b) == 0 || len(b) > 1500 {
			return
		}
		tok := make([]byte, len(b))
		for i, c := range b {
			tok[i] = alphabet[int(c)%len(alphabet)]
		}
		checkLimbs(t, prefix+string(tok))
	})
}

// TestBigLimbs checks Block.BigLimbs on a block read with DeferBig and on
// one without: the limbs of each number up to maxLimbs, and false with dst
// unchanged for a number of one limb more, at the boundary (2^4096 − 1
// fits 64 limbs, 2^4096 does not), in decimal and hex.
func TestBigLimbs(t *testing.T) {
	top := new(big.Int).Lsh(big.NewInt(1), 4096)
	fits := new(big.Int).Sub(top, big.NewInt(1))
	huge := strings.Repeat("7", 5000)
	input := strings.Join([]string{
		"18446744073709551616", "5", "0x" + fits.Text(16), fits.String(), top.String(), "0x1" + strings.Repeat("0", 1024),
		"000340282366920938463463374607431768211507", huge,
	}, "\n") + "\n"
	for _, deferBig := range []bool{true, false} {
		b := NewBlock(BlockSize)
		if deferBig {
			b.DeferBig()
		}
		if err := NewReader(strings.NewReader(input), "in").Fill(b); err != nil {
			t.Fatal(err)
		}
		wantOK := []bool{true, true, true, false, false, true, false}
		if len(b.Big) != len(wantOK) {
			t.Fatalf("%d big numbers, want %d", len(b.Big), len(wantOK))
		}
		for i, ok := range wantOK {
			dst := []uint64{42}
			got, gotOK := b.BigLimbs(dst, i, 64)
			if gotOK != ok {
				t.Errorf("deferBig %v: number %d: ok %v, want %v", deferBig, i, gotOK, ok)
				continue
			}
			if got[0] != 42 || !ok && len(got) != 1 {
				t.Errorf("deferBig %v: number %d: dst %#x, want it to start with 42 (and end there when not ok)", deferBig, i, got)
			}
			if b.BigLimbBound(i) < len(got)-1 {
				t.Errorf("deferBig %v: number %d: BigLimbBound %d, but %d limbs", deferBig, i, b.BigLimbBound(i), len(got)-1)
			}
			if !ok {
				continue
			}
			b.ParseBig(i, i+1)
			if want := limbsOf(b.Big[i].N); !slicesEqual(got[1:], want) {
				t.Errorf("deferBig %v: number %d: limbs %#x, want %#x", deferBig, i, got[1:], want)
			}
		}
	}
}

// TestWriteDeferred checks that the Writer prints numbers that a Reader
// left as text (DeferBig) and that nobody converted to *big.Int, in
// decimal whatever their form (hex, leading zeros), as it prints the same
// numbers parsed.
func TestWriteDeferred(t *testing.T) {
	input := "0x1fffffffffffffffff\n7\n000340282366920938463463374607431768211507\n340282366920938463463374607431768211507\n"
	for _, mode := range []Mode{All, Primes} {
		var outs [2]bytes.Buffer
		for k, deferBig := range []bool{false, true} {
			b := NewBlock(BlockSize)
			if deferBig {
				b.DeferBig()
			}
			if err := NewReader(strings.NewReader(input), "in").Fill(b); err != nil {
				t.Fatal(err)
			}
			b.Prime = append(b.Prime[:0], false, true, true, true)
			for i := range b.Big {
				b.Big[i].Prime = i > 0
			}
			w := NewWriter(&outs[k], Text, mode)
			if err := w.Write(b); err != nil {
				t.Fatal(err)
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
		}
		if outs[0].String() != outs[1].String() {
			t.Errorf("mode %v: deferred numbers written as\n%s\nwant\n%s", mode, outs[1].String(), outs[0].String())
		}
		if mode == All && !strings.Contains(outs[0].String(), "590295810358705651711 composite\n") {
			t.Errorf("mode %v: hex number not in decimal:\n%s", mode, outs[0].String())
		}
	}
}

// TestWideDecimal holds the Reader's fast path to the obvious test on
// every byte value at every place of lines of 20 to 40 bytes, so that the
// eight-bytes-at-a-time check admits exactly the decimal digits.
func TestWideDecimal(t *testing.T) {
	naive := func(line []byte) bool {
		if len(line) <= 20 || line[0] == '0' {
			return false
		}
		for _, c := range line {
			if c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	for n := 20; n <= 40; n++ {
		line := []byte(strings.Repeat("9", n))
		for i := range line {
			for c := range 256 {
				line[i] = byte(c)
				if got, want := wideDecimal(line), naive(line); got != want {
					t.Fatalf("wideDecimal(%q) = %v, want %v", line, got, want)
				}
			}
			line[i] = '5'
		}
	}
}

// TestNineteenDigits holds the word-at-a-time digit parser to decimalWord
// on each digit at each place and on random runs.
func TestNineteenDigits(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 19))
	s := []byte(strings.Repeat("0", 19))
	check := func() {
		if got, want := nineteenDigits(s), decimalWord(s); got != want {
			t.Fatalf("nineteenDigits(%s) = %d, want %d", s, got, want)
		}
	}
	for i := range s {
		for c := byte('0'); c <= '9'; c++ {
			s[i] = c
			check()
		}
	}
	for range 10000 {
		for i := range s {
			s[i] = byte('0' + r.IntN(10))
		}
		check()
	}
}

// BenchmarkAppendLimbs parses 128- and 1024-bit decimal tokens into limbs.
func BenchmarkAppendLimbs(b *testing.B) {
	for _, tok := range []string{"340282366920938463463374607431768211507", strings.Repeat("1234567890", 30) + "7"} {
		b.Run(strconv.Itoa(len(tok))+"digits", func(b *testing.B) {
			buf := make([]uint64, 0, 32)
			for b.Loop() {
				buf = appendLimbs(buf[:0], []byte(tok))
			}
		})
	}
}

// TestBigsPerBlock: a block of BlockSize closes at maxBigs numbers of
// 2^64 and above (the CPU path's memory reuse), a larger one, made for a
// GPU engine, holds them all.
func TestBigsPerBlock(t *testing.T) {
	var in strings.Builder
	for i := range 3 * maxBigs {
		fmt.Fprintf(&in, "%d\n", new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 127), big.NewInt(int64(2*i+1))))
	}
	for _, c := range []struct{ size, want int }{{BlockSize, maxBigs}, {4 * BlockSize, 3 * maxBigs}} {
		b := NewBlock(c.size)
		b.DeferBig()
		if err := NewReader(strings.NewReader(in.String()), "bigs").Fill(b); err != nil && err != io.EOF {
			t.Fatal(err)
		}
		if len(b.Big) != c.want {
			t.Errorf("block of %d: %d big numbers, want %d", c.size, len(b.Big), c.want)
		}
	}
}
