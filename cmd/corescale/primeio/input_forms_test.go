package primeio

import (
	"errors"
	"math"
	"math/big"
	"strings"
	"testing"
)

// A file saved by Windows Notepad starts with a UTF-8 byte order mark; it
// is not part of the first line's number. Anywhere else it is text that is
// not a number.
func TestReaderByteOrderMark(t *testing.T) {
	for in, want := range map[string]string{
		"\ufeff7\n8\n":               "7,8",
		"\ufeff# numbers\r\n7\r\n":   "7",
		"\ufeff\n11\n":               "11",
		"\ufeff  0x1f # c\n":         "31",
		"\ufeff18446744073709551616": "B18446744073709551616",
	} {
		got, err := collect(NewReader(strings.NewReader(in), "in.txt"))
		if err != nil || strings.Join(got, ",") != want {
			t.Errorf("%q: got %q, %v; want %s", in, got, err, want)
		}
		if err := Check(strings.NewReader(in), "in.txt"); err != nil {
			t.Errorf("%q: Check: %v", in, err)
		}
	}
	for in, want := range map[string]string{
		"7\n\ufeff8\n":      `in.txt:2: "\ufeff8" is not a number (want decimal or 0x hex)`,
		"\ufeff\ufeff7\n":   `in.txt:1: "\ufeff7" is not a number (want decimal or 0x hex)`,
		"\ufeffx\n":         `in.txt:1: "x" is not a number (want decimal or 0x hex)`,
		"\xef\xbb7\n":       `in.txt:1: "\xef\xbb7" is not a number (want decimal or 0x hex)`,
		"\ufeff7 8 # two\n": `in.txt:1: "7 8" is not a number (want decimal or 0x hex)`,
	} {
		_, err := collect(NewReader(strings.NewReader(in), "in.txt"))
		var syn *SyntaxError
		if !errors.As(err, &syn) || err.Error() != want {
			t.Errorf("%q: error %v, want %s", in, err, want)
		}
	}
}

// Arguments and flag values are trimmed as lines are: " 7" from a script
// is the number 7. The error still shows the argument as given.
func TestArgsTrimmed(t *testing.T) {
	got, err := collect(NewArgs([]string{" 7", "8\t", "\t0x10 ", "9\r\n", " 18446744073709551616 "}))
	if err != nil || strings.Join(got, ",") != "7,8,16,9,B18446744073709551616" {
		t.Errorf("got %q, %v", got, err)
	}
	for tok, want := range map[string]string{" 7 ": "7", "\t0x1F": "31", "18446744073709551616\n": "18446744073709551616"} {
		z, err := ParseNumber(tok, "--from")
		if err != nil || z.String() != want {
			t.Errorf("ParseNumber(%q) = %v, %v; want %s", tok, z, err, want)
		}
	}
	if _, err := ParseNumber(" 1 2 ", "--to"); err == nil || err.Error() != `--to: " 1 2 " is not a number (want decimal or 0x hex)` {
		t.Errorf("ParseNumber(\" 1 2 \"): error %v", err)
	}
}

// Every Source names where each of its large numbers came from, for the
// message that says one will take long.
func TestWhere(t *testing.T) {
	wheres := func(src Source) []string {
		var got []string
		b := NewBlock(2) // small, so positions carry across blocks
		for src.Fill(b) == nil {
			for _, z := range b.Big {
				got = append(got, src.Where(z.Pos))
			}
		}
		return got
	}
	const wide = "18446744073709551616"
	rng := NewRange(bigOf(t, "18446744073709551614"), bigOf(t, "18446744073709551618"))
	random, err := NewRandom(3, 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		src  Source
		want string
	}{
		{NewReader(strings.NewReader("# c\n"+wide+"\n7\n\n"+wide+"\n"+wide+"\n"), "in.txt"), "in.txt:2,in.txt:5,in.txt:6"},
		{NewArgs([]string{"7", wide, "8", "9", wide}), "argument 2,argument 5"},
		{rng, "number 1 past 2^64 of the range,number 2 past 2^64 of the range,number 3 past 2^64 of the range"},
		{random, "random number 1,random number 2,random number 3"},
	} {
		if got := strings.Join(wheres(tc.src), ","); got != tc.want {
			t.Errorf("%T: %s, want %s", tc.src, got, tc.want)
		}
	}
}

func bigOf(t *testing.T, s string) *big.Int {
	t.Helper()
	z, ok := new(big.Int).SetString(s, 10)
	if !ok {
		t.Fatalf("%q", s)
	}
	return z
}

// A random number's memory is allocated before it is tested: the size is
// refused past MaxRandomBits, before anything is allocated.
func TestRandomBitsBounded(t *testing.T) {
	if _, err := NewRandom(1, MaxRandomBits, 1); err != nil {
		t.Errorf("%d bits: %v", MaxRandomBits, err)
	}
	for _, bits := range []int{MaxRandomBits + 1, 1 << 40, math.MaxInt} {
		if _, err := NewRandom(1, bits, 1); err == nil {
			t.Errorf("%d bits accepted", bits)
		}
	}
}
