package primeio

import (
	"bytes"
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

// number is what the parser accepts, written independently of it.
var number = regexp.MustCompile(`^([0-9]+|0[xX][0-9a-fA-F]+)$`)

// oracle parses data the slow, obvious way: the numbers it holds, marked "B"
// when 2^64 or more, or the line and token of the first bad line.
func oracle(data string) (nums []string, badLine int, badToken string) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	for i, line := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		if i == 0 {
			line = strings.TrimPrefix(line, "\ufeff") // a byte order mark
		}
		before, _, _ := strings.Cut(line, "#")
		tok := strings.Trim(before, " \t\r")
		if tok == "" {
			continue
		}
		if !number.MatchString(tok) {
			return nums, i + 1, tok
		}
		z, base := new(big.Int), 10
		digits := tok
		if tok[0] == '0' && len(tok) > 1 && (tok[1] == 'x' || tok[1] == 'X') {
			base, digits = 16, tok[2:]
		}
		if _, ok := z.SetString(digits, base); !ok {
			panic("math/big rejects " + tok)
		}
		if z.Cmp(two64) >= 0 {
			nums = append(nums, "B"+z.String())
		} else {
			nums = append(nums, z.String())
		}
	}
	return nums, 0, ""
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"2\n3\n", "0x1f\n", "  7 # seven\r\n", "\n#\n", "12abc", "0x", "-5", "+5", "1e9",
		"18446744073709551615\n18446744073709551616\n", "0xffffffffffffffff0\n",
		"99999999999999999999999999\n", "7 8\n", "١\n", "0X0\n", "\r\r\n", "\ufeff7\n", "\ufeff\ufeff7\n", "7\n\ufeff8\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := collect(NewReader(bytes.NewReader(data), "fuzz"))
		checkErr := Check(bytes.NewReader(data), "fuzz")
		if (err == nil) != (checkErr == nil) || err != nil && err.Error() != checkErr.Error() {
			t.Fatalf("Fill and Check disagree: %v, %v", err, checkErr)
		}
		// The CLI reads files with the big numbers' parsing deferred to
		// the workers (DeferBig, ParseBig): the same numbers and error.
		deferred, deferredErr := collectDeferred(NewReader(bytes.NewReader(data), "fuzz"))
		if strings.Join(deferred, ",") != strings.Join(got, ",") || (err == nil) != (deferredErr == nil) || err != nil && err.Error() != deferredErr.Error() {
			t.Fatalf("deferred parsing gave %q, %v; eager %q, %v", deferred, deferredErr, got, err)
		}
		// The CLI's workers parse chunks of whole lines of a file at once
		// (NextChunk, Block.Parse): the same numbers and error, wherever
		// the chunks end.
		for _, size := range []int{1, 5, 64} {
			chunked, chunkedErr := collectChunks(NewReader(bytes.NewReader(data), "fuzz"), size)
			if strings.Join(chunked, ",") != strings.Join(got, ",") || (err == nil) != (chunkedErr == nil) || err != nil && err.Error() != chunkedErr.Error() {
				t.Fatalf("chunks of %d gave %q, %v; Fill %q, %v", size, chunked, chunkedErr, got, err)
			}
		}
		for _, line := range bytes.Split(data, []byte("\n")) {
			if len(line) > MaxLine {
				return // the oracle has no line limit
			}
		}
		want, badLine, badToken := oracle(string(data))
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("parsed %q, math/big says %q", got, want)
		}
		var syn *SyntaxError
		switch {
		case badLine == 0 && err != nil:
			t.Fatalf("error %v on valid input", err)
		case badLine != 0 && !errors.As(err, &syn):
			t.Fatalf("error %v, want a syntax error on line %d", err, badLine)
		case badLine != 0 && (syn.Line != badLine || syn.Token != badToken):
			t.Fatalf("error on line %d token %q, want line %d token %q", syn.Line, syn.Token, badLine, badToken)
		}
	})
}

// collectDeferred is collect with the block's big numbers kept as text
// until ParseBig, in two halves, as the workers take them.
func collectDeferred(src Source) ([]string, error) { return collectFrom(src, true) }
