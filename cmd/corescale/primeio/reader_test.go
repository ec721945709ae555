package primeio

import (
	"errors"
	"io"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// collect reads src to the end and returns its numbers in decimal, marking
// those held as big values with a leading "B" so tests see which path each
// one took.
func collect(src Source) ([]string, error) { return collectFrom(src, false) }

// collectFrom is collect, with deferBig the big numbers kept as text until
// ParseBig converts them, in two halves, as the workers take them.
func collectFrom(src Source, deferBig bool) ([]string, error) {
	var out []string
	b := NewBlock(3) // small, to cross block boundaries
	if deferBig {
		b.DeferBig()
	}
	for {
		err := src.Fill(b)
		if err == io.EOF {
			return out, nil
		}
		half := len(b.Big) / 2
		b.ParseBig(half, len(b.Big))
		b.ParseBig(0, half)
		// After an error the block still holds the numbers before it.
		bigs := b.Big
		for i, n := range b.Nums {
			if len(bigs) > 0 && bigs[0].At == i {
				out = append(out, "B"+bigs[0].N.String())
				bigs = bigs[1:]
				continue
			}
			out = append(out, strconv.FormatUint(n, 10))
		}
		if err != nil {
			return out, err
		}
	}
}

func TestReader(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"plain", "2\n3\n4\n", []string{"2", "3", "4"}},
		{"no final newline", "2\n3", []string{"2", "3"}},
		{"blank lines", "\n\n2\n\n\n3\n\n", []string{"2", "3"}},
		{"comments", "# primes\n2 # two\n3# three\n#4\n   # indented\n", []string{"2", "3"}},
		{"spaces and tabs", "  2\t\n\t 3  \n", []string{"2", "3"}},
		{"crlf", "2\r\n3\r\n\r\n# c\r\n5 # c\r\n", []string{"2", "3", "5"}},
		{"hex", "0x11\n0XfF\n0x0\n0x00000000000000000000001\n", []string{"17", "255", "0", "1"}},
		{"leading zeros", "007\n00000000000000000000000000000000000000009\n", []string{"7", "9"}},
		{"zero and one", "0\n1\n", []string{"0", "1"}},
		{"around 2^64", "18446744073709551614\n18446744073709551615\n18446744073709551616\n18446744073709551617\n",
			[]string{"18446744073709551614", "18446744073709551615", "B18446744073709551616", "B18446744073709551617"}},
		{"19 and 20 digits", "9999999999999999999\n10000000000000000000\n99999999999999999999\n",
			[]string{"9999999999999999999", "10000000000000000000", "B99999999999999999999"}},
		{"hex around 2^64", "0xffffffffffffffff\n0x10000000000000000\n0x0000ffffffffffffffff\n",
			[]string{"18446744073709551615", "B18446744073709551616", "18446744073709551615"}},
		{"huge", "1" + strings.Repeat("0", 300) + "\n0x1" + strings.Repeat("0", 100) + "\n5\n",
			[]string{"B1" + strings.Repeat("0", 300), "B" + new(big.Int).Lsh(big.NewInt(1), 400).String(), "5"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := collect(NewReader(strings.NewReader(tc.in), "in.txt"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if err := Check(strings.NewReader(tc.in), "in.txt"); err != nil {
				t.Errorf("Check: %v", err)
			}
		})
	}
}

func TestReaderErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2\n3\n-5\n", `numbers.txt:3: "-5" is not a number (want decimal or 0x hex)`},
		{"12abc\n", `numbers.txt:1: "12abc" is not a number (want decimal or 0x hex)`},
		{"1\n1e9\n", `numbers.txt:2: "1e9" is not a number (want decimal or 0x hex)`},
		{"0x\n", `numbers.txt:1: "0x" is not a number (want decimal or 0x hex)`},
		{"0x # bare\n", `numbers.txt:1: "0x" is not a number (want decimal or 0x hex)`},
		{"+5\n", `numbers.txt:1: "+5" is not a number (want decimal or 0x hex)`},
		{"١٢\n", `numbers.txt:1: "١٢" is not a number (want decimal or 0x hex)`},
		{"１２\n", `numbers.txt:1: "１２" is not a number (want decimal or 0x hex)`},
		{"\n\n# c\n7 8 # two numbers\n", `numbers.txt:4: "7 8" is not a number (want decimal or 0x hex)`},
		{"0xg\n", `numbers.txt:1: "0xg" is not a number (want decimal or 0x hex)`},
		{"0b101\n", `numbers.txt:1: "0b101" is not a number (want decimal or 0x hex)`},
		{"1_000\n", `numbers.txt:1: "1_000" is not a number (want decimal or 0x hex)`},
		{"1.5\n", `numbers.txt:1: "1.5" is not a number (want decimal or 0x hex)`},
		{"x12\n", `numbers.txt:1: "x12" is not a number (want decimal or 0x hex)`},
		{"184467440737095516160x\n", `numbers.txt:1: "184467440737095516160x" is not a number (want decimal or 0x hex)`},
		{"0x1ffffffffffffffffg\n", `numbers.txt:1: "0x1ffffffffffffffffg" is not a number (want decimal or 0x hex)`},
		{"5\x00\n", `numbers.txt:1: "5\x00" is not a number (want decimal or 0x hex)`},
		{"\xff\n", `numbers.txt:1: "\xff" is not a number (want decimal or 0x hex)`},
		{strings.Repeat("1", 100) + "z\n", `numbers.txt:1: "` + strings.Repeat("1", 64) + `..." is not a number (want decimal or 0x hex)`},
		{"1\n" + strings.Repeat("1", MaxLine+1) + "\n", "numbers.txt:2: line longer than 1048576 bytes"},
	} {
		_, err := collect(NewReader(strings.NewReader(tc.in), "numbers.txt"))
		var syn *SyntaxError
		if !errors.As(err, &syn) || err.Error() != tc.want {
			t.Errorf("%.30q: error %v, want %s", tc.in, err, tc.want)
		}
		if err := Check(strings.NewReader(tc.in), "numbers.txt"); err == nil || err.Error() != tc.want {
			t.Errorf("%.30q: Check error %v, want %s", tc.in, err, tc.want)
		}
	}
}

// failing is a reader that fails after its data, like a disk error.
type failing struct{ data io.Reader }

func (f failing) Read(p []byte) (int, error) {
	n, err := f.data.Read(p)
	if err == io.EOF {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestReaderReadError(t *testing.T) {
	_, err := collect(NewReader(failing{strings.NewReader("2\n3\n")}, "in.txt"))
	var syn *SyntaxError
	if err == nil || errors.As(err, &syn) || err.Error() != "read in.txt: disk on fire" {
		t.Errorf("error %v, want the read error, not a syntax error", err)
	}
}

func TestArgs(t *testing.T) {
	got, err := collect(NewArgs([]string{"2", "0x10", "18446744073709551616", "5"}))
	if err != nil || strings.Join(got, ",") != "2,16,B18446744073709551616,5" {
		t.Errorf("got %q, %v", got, err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"1", "2", "12abc"}, `argument 3: "12abc" is not a number (want decimal or 0x hex)`},
		{[]string{"-5"}, `argument 1: "-5" is not a number (want decimal or 0x hex)`},
		{[]string{""}, `argument 1: "" is not a number (want decimal or 0x hex)`},
		{[]string{" "}, `argument 1: " " is not a number (want decimal or 0x hex)`},
		{[]string{"5 6"}, `argument 1: "5 6" is not a number (want decimal or 0x hex)`},
		{[]string{"5 # c"}, `argument 1: "5 # c" is not a number (want decimal or 0x hex)`},
	} {
		if _, err := collect(NewArgs(tc.args)); err == nil || err.Error() != tc.want {
			t.Errorf("%q: error %v, want %s", tc.args, err, tc.want)
		}
	}
}

func TestParseNumber(t *testing.T) {
	for tok, want := range map[string]string{
		"0":                     "0",
		"0x1F":                  "31",
		"18446744073709551615":  "18446744073709551615",
		"18446744073709551616":  "18446744073709551616",
		"0x1ffffffffffffffffff": "9444732965739290427391",
	} {
		z, err := ParseNumber(tok, "--from")
		if err != nil || z.String() != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %s", tok, z, err, want)
		}
	}
	for tok, want := range map[string]string{
		"":    `--to: "" is not a number (want decimal or 0x hex)`,
		"-1":  `--to: "-1" is not a number (want decimal or 0x hex)`,
		"1e9": `--to: "1e9" is not a number (want decimal or 0x hex)`,
	} {
		if _, err := ParseNumber(tok, "--to"); err == nil || err.Error() != want {
			t.Errorf("ParseNumber(%q): error %v, want %s", tok, err, want)
		}
	}
}

// TestParseBigMatchesMathBig holds the word-at-a-time parsers of wide
// numbers to math/big's SetString: decimal tokens of every length from 20
// to 200 digits and some up to and past maxWordDecimal, with and without
// leading zeros, and hex tokens of 17 to 80 digits.
func TestParseBigMatchesMathBig(t *testing.T) {
	r := rand.New(rand.NewPCG(19, 64))
	digits := func(n int, alphabet string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	var lengths []int
	for n := 20; n <= 200; n++ {
		lengths = append(lengths, n)
	}
	lengths = append(lengths, 999, 1000, maxWordDecimal-1, maxWordDecimal, maxWordDecimal+1, 5000)
	for _, n := range lengths {
		for _, tok := range []string{"9" + digits(n-1, "0123456789"), digits(n, "0123456789"), "000" + digits(n, "9"), strings.Repeat("9", n)} {
			want, _ := new(big.Int).SetString(tok, 10)
			if got := parseBig([]byte(tok)); got.Cmp(want) != 0 {
				t.Errorf("parseBig(%q) = %v, want %v", tok, got, want)
			}
		}
	}
	for n := 17; n <= 80; n++ {
		tok := digits(n, "0123456789abcdefABCDEF")
		want, _ := new(big.Int).SetString(tok, 16)
		if got := parseBig([]byte("0x" + tok)); got.Cmp(want) != 0 {
			t.Errorf("parseBig(0x%s) = %v, want %v", tok, got, want)
		}
	}
}

// TestDeferBig checks that a block set to DeferBig gets the numbers of
// 2^64 and above as text, N nil, and that ParseBig, run on parts of the
// block, gives the values an ordinary block holds.
func TestDeferBig(t *testing.T) {
	input := "18446744073709551616\n7\n0x1fffffffffffffffff # hex\n\n340282366920938463463374607431768211507\n" +
		strings.Repeat("123456789", 30) + "\n"
	plain, deferred := NewBlock(BlockSize), NewBlock(BlockSize)
	deferred.DeferBig()
	if err := NewReader(strings.NewReader(input), "in").Fill(plain); err != nil {
		t.Fatal(err)
	}
	if err := NewReader(strings.NewReader(input), "in").Fill(deferred); err != nil {
		t.Fatal(err)
	}
	if len(deferred.Big) != 4 || len(plain.Big) != 4 {
		t.Fatalf("%d and %d big numbers, want 4", len(deferred.Big), len(plain.Big))
	}
	for i, g := range deferred.Big {
		if g.N != nil {
			t.Errorf("big number %d parsed before ParseBig", i)
		}
	}
	deferred.ParseBig(0, 1)
	deferred.ParseBig(1, 4)
	for i := range plain.Big {
		p, d := plain.Big[i], deferred.Big[i]
		if d.N == nil || p.N.Cmp(d.N) != 0 || p.At != d.At || p.Pos != d.Pos {
			t.Errorf("big number %d: deferred %v at %d line %d, want %v at %d line %d", i, d.N, d.At, d.Pos, p.N, p.At, p.Pos)
		}
	}
	if !slicesEqual(plain.Nums, deferred.Nums) {
		t.Errorf("Nums %v, want %v", deferred.Nums, plain.Nums)
	}
}

func slicesEqual(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
