package primeio

import (
	"math"
	"math/big"
	"regexp"
	"strings"
	"testing"
)

func pow(base, exp int64) *big.Int {
	return new(big.Int).Exp(big.NewInt(base), big.NewInt(exp), nil)
}

func TestParseBound(t *testing.T) {
	two64 := pow(2, 64)
	for _, tc := range []struct {
		text string
		want *big.Int
	}{
		// What ParseNumber reads, read alike.
		{"0", big.NewInt(0)},
		{"97", big.NewInt(97)},
		{"0x1F", big.NewInt(31)},
		{"0X1f", big.NewInt(31)},
		{"0x1e3", big.NewInt(0x1e3)}, // hex digits, not an exponent
		{"18446744073709551615", new(big.Int).Sub(two64, big.NewInt(1))},
		{"0x1ffffffffffffffffff", new(big.Int).Sub(pow(2, 73), big.NewInt(1))},
		{" 7\t", big.NewInt(7)},
		{"007", big.NewInt(7)},
		// Scientific notation with a whole value.
		{"1e12", pow(10, 12)},
		{"1E12", pow(10, 12)},
		{"1.5e3", big.NewInt(1500)},
		{"1e+3", big.NewInt(1000)},
		{"150e-1", big.NewInt(15)},
		{"1000.0", big.NewInt(1000)},
		{"0e999999", big.NewInt(0)},
		{"1e19", pow(10, 19)},
		{"1e40", pow(10, 40)},
		// Powers, right-associative.
		{"10^12", pow(10, 12)},
		{"2^64", two64},
		{"2^3^2", big.NewInt(512)},
		{"2**64", two64},
		{"2 ** 3 ** 2", big.NewInt(512)},
		{"3*2**4", big.NewInt(48)},
		{"0^0", big.NewInt(1)},
		{"1^100000000000", big.NewInt(1)},
		{"0x10^2", big.NewInt(256)},
		// Operators, with the usual precedence.
		{"2^64-1", new(big.Int).Sub(two64, big.NewInt(1))},
		{"2^64+1", new(big.Int).Add(two64, big.NewInt(1))},
		{"1e12+1e9", big.NewInt(1_001_000_000_000)},
		{"10^18+10^8", big.NewInt(1_000_000_000_100_000_000)},
		{"2+3*4", big.NewInt(14)},
		{"2*3^2", big.NewInt(18)},
		{"2*3+4", big.NewInt(10)},
		{"10-2-3", big.NewInt(5)},    // left to right
		{"10-20+30", big.NewInt(20)}, // negative on the way is fine
		{"-(2^2)+10", big.NewInt(6)},
		{"(-2)^2+10", big.NewInt(14)},
		{"--5", big.NewInt(5)},
		{"(2^32-1)*2^32", new(big.Int).Sub(two64, pow(2, 32))},
		{"(1+2)*3", big.NewInt(9)},
		{"2^(1+2)", big.NewInt(8)},
		{" 2 ^ 64 - 1 ", new(big.Int).Sub(two64, big.NewInt(1))},
		{"2^128", pow(2, 128)},
		{"3*2^100+1", new(big.Int).Add(new(big.Int).Mul(big.NewInt(3), pow(2, 100)), big.NewInt(1))},
		// The largest bound, through a part past it.
		{"2^65536-1", new(big.Int).Sub(pow(2, 65536), big.NewInt(1))},
	} {
		got, err := ParseBound(tc.text, "--from")
		if err != nil || got.Cmp(tc.want) != 0 {
			t.Errorf("ParseBound(%q) = %v, %v; want %s", tc.text, got, err, tc.want)
		}
	}
}

func TestParseBoundErrors(t *testing.T) {
	for text, want := range map[string]string{
		"":                    `--to: "": want a number, such as 1000, 0x3e8, 1e12 or 2^64-1`,
		"2^64-":               `--to: "2^64-": missing a number after "-" at character 5`,
		"1+*2":                `--to: "1+*2": missing a number after "+" at character 2`,
		"*5":                  `--to: "*5": missing a number before "*"`,
		"()":                  `--to: "()": missing a number after "(" at character 1`,
		"(1+2":                `--to: "(1+2": missing ")" for the "(" at character 1`,
		"1+2)":                `--to: "1+2)": ")" at character 4 closes no "("`,
		"1 2":                 `--to: "1 2": missing an operator (+ - * ^) before the number at character 3`,
		"12abc":               `--to: "12abc": unexpected "a" at character 3 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)`,
		"1/2":                 `--to: "1/2": unexpected "/" at character 2 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)`,
		"é+1x":                `--to: "é+1x": unexpected "é" at character 1 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)`,
		"1+é":                 `--to: "1+é": unexpected "é" at character 3 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)`,
		"0x":                  `--to: "0x": missing hex digits after "0x" at character 1`,
		"1.":                  `--to: "1.": missing digits after the "." at character 2`,
		"1e":                  `--to: "1e": missing the exponent's digits after "e" at character 2`,
		"1.5e0":               `--to: "1.5e0": 1.5e0 at character 1 is not a whole number`,
		"1.5":                 `--to: "1.5": 1.5 at character 1 is not a whole number`,
		"15e-1":               `--to: "15e-1": 15e-1 at character 1 is not a whole number`,
		"1e-999999999999":     `--to: "1e-999999999999": 1e-999999999999 at character 1 is not a whole number`,
		"-1":                  `--to: "-1": -1 is negative: a bound is 0 or more`,
		"10-20":               `--to: "10-20": -10 is negative: a bound is 0 or more`,
		"2^-1":                `--to: "2^-1": the exponent after the "^" at character 2 is -1: a negative power is not a whole number`,
		"2^65536":             `--to: "2^65536": the value is a number of 65537 bits: a bound is below 2^65536, as --random's numbers are (math/big takes minutes to test one)`,
		"10^10^10":            `--to: "10^10^10": 10^10^10 at character 1 is over 2^131072, as far as an expression may go on its way`,
		"1+10^99999":          `--to: "1+10^99999": 10^99999 at character 3 is over 2^131072, as far as an expression may go on its way`,
		"1e999999999999":      `--to: "1e999999999999": 1e999999999999 at character 1 is over 2^131072, as far as an expression may go on its way`,
		"2^131071*4":          `--to: "2^131071*4": 2^131071*4 at character 1 is over 2^131072, as far as an expression may go on its way`,
		"1+2^131071+2^131071": `--to: "1+2^131071+2^131071": 1+2^131071+2^131071 at character 1 is over 2^131072, as far as an expression may go on its way`,
		"0x1" + zeros(32768):  `--to: "0x1` + zeros(61) + `"...: 0x1` + zeros(37) + `... at character 1 is over 2^131072, as far as an expression may go on its way`,
		strings.Repeat("(", 101) + "1" + strings.Repeat(")", 101): `--to: "` + strings.Repeat("(", 64) + `"...: nested more than 100 deep at character 101`,
		"-2^2+10":                              `--to: "-2^2+10": "-" at character 1 before a power is ambiguous: write (-a)^b or -(a^b)`,
		"1-(-2^2)":                             `--to: "1-(-2^2)": "-" at character 4 before a power is ambiguous: write (-a)^b or -(a^b)`,
		"0" + strings.Repeat("*9^41000", 9):    `--to: "0*9^41000*9^41000*9^41000*9^41000*9^41000*9^41000*9^41000*9^4100"...: the expression makes more than 1048576 bits of powers, at character 74: write the bound more simply`,
		"0" + strings.Repeat("*1e39000", 1000): `--to: "0*1e39000*1e39000*1e39000*1e39000*1e39000*1e39000*1e39000*1e3900"...: the expression makes more than 1048576 bits of powers, at character 74: write the bound more simply`,
		strings.Repeat("1", 63) + "é":          `--to: "` + strings.Repeat("1", 63) + `"...: unexpected "é" at character 64 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)`,
		strings.Repeat("-", 101) + "1":         `--to: "` + strings.Repeat("-", 64) + `"...: nested more than 100 deep at character 101`,
	} {
		_, err := ParseBound(text, "--to")
		if err == nil || err.Error() != want {
			t.Errorf("ParseBound(%.40q): error\n%.300v\nwant\n%.300s", text, err, want)
		}
		if _, ok := err.(*SyntaxError); !ok {
			t.Errorf("ParseBound(%.40q): error %T, want *SyntaxError (bad usage)", text, err)
		}
	}
}

func TestParseCount(t *testing.T) {
	for text, want := range map[string]int{"0": 0, "1000000": 1e6, "1e6": 1e6, "10^6": 1e6, "2^20": 1 << 20, "0x10": 16, "2^63-1": math.MaxInt64} {
		if got, err := ParseCount(text, "--random"); err != nil || got != want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d", text, got, err, want)
		}
	}
	for text, want := range map[string]string{
		"-1":    `--random: "-1": -1 is negative: want 0 or more`,
		"2^63":  `--random: "2^63": 9223372036854775808 is more than the 9223372036854775807 this machine can count`,
		"1.5e0": `--random: "1.5e0": 1.5e0 at character 1 is not a whole number`,
		"1e6x":  `--random: "1e6x": unexpected "x" at character 4 (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)`,
	} {
		if _, err := ParseCount(text, "--random"); err == nil || err.Error() != want {
			t.Errorf("ParseCount(%q): error %v, want %s", text, err, want)
		}
	}
}

func zeros(n int) string { return strings.Repeat("0", n) }

// plainTerm is the one form ParseNumber reads too.
var plainTerm = regexp.MustCompile(`^[ \t\r\n]*([0-9]+|0[xX][0-9a-fA-F]+)[ \t\r\n]*$`)

// scientific is the form big.Rat's SetString reads as ParseBound does.
var scientific = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]{1,3})?$`)

func FuzzBound(f *testing.F) {
	for _, s := range []string{
		"0", "0x1F", "1e12", "1.5e3", "1.5e0", "10^12", "2^64-1", "1e12+1e9", "10^18+10^8",
		"2^3^2", "-2^2+10", "(2^32-1)*2^32", "2^64-", "1 2", "(1+2", "1+2)", "10-20", "2^-1",
		"10^10^10", "2**10", "2***3", "2^65536-1", "0e99999", "150e-1", "é", " 7 ", "0X1e3", "2*(3+4)^2-5*6",
	} {
		f.Add(s)
	}
	max := new(big.Int).Lsh(big.NewInt(1), MaxBoundBits)
	f.Fuzz(func(t *testing.T, text string) {
		v, err := ParseBound(text, "--from")
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok || !strings.HasPrefix(err.Error(), "--from: ") {
				t.Fatalf("ParseBound(%q): error %v (%T), want a *SyntaxError naming --from", text, err, err)
			}
		}
		if err == nil {
			if v.Sign() < 0 || v.Cmp(max) >= 0 {
				t.Fatalf("ParseBound(%q) = %s: out of [0, 2^%d)", text, v, MaxBoundBits)
			}
			// Printed in decimal or hex, the value reads back as itself,
			// here and in ParseNumber.
			for _, s := range []string{v.String(), "0x" + v.Text(16), v.String() + "e0"} {
				if w, err := ParseBound(s, "--from"); err != nil || w.Cmp(v) != 0 {
					t.Fatalf("ParseBound(%q) = %s, but ParseBound(%.80q) = %v, %v", text, v, s, w, err)
				}
			}
			if w, err := ParseNumber(v.String(), "--from"); err != nil || w.Cmp(v) != 0 {
				t.Fatalf("ParseBound(%q) = %s, but ParseNumber gives %v, %v", text, v, w, err)
			}
		}
		// A count is read as a bound is, up to what an int holds.
		if n, cerr := ParseCount(text, "--random"); (cerr == nil) != (err == nil && v.IsInt64() && v.Int64() <= math.MaxInt) || cerr == nil && int64(n) != v.Int64() {
			t.Fatalf("%q: ParseCount %d, %v; ParseBound %v, %v", text, n, cerr, v, err)
		}
		// A plain number is what ParseNumber says it is.
		if plainTerm.MatchString(text) && len(text) < 1000 {
			w, werr := ParseNumber(text, "--from")
			if werr != nil || err != nil || w.Cmp(v) != 0 {
				t.Fatalf("%q: ParseBound %v, %v; ParseNumber %v, %v", text, v, err, w, werr)
			}
		}
		// Scientific notation is what big.Rat says, when it is whole.
		if scientific.MatchString(text) && len(text) < 40 {
			r, ok := new(big.Rat).SetString(text)
			if !ok {
				t.Fatalf("big.Rat rejects %q", text)
			}
			if r.IsInt() != (err == nil) || err == nil && r.Num().Cmp(v) != 0 {
				t.Fatalf("%q: ParseBound %v, %v; big.Rat %s", text, v, err, r)
			}
		}
		// Small expressions are what a shunting-yard evaluation says.
		if want, ok, judged := shuntingYard(text); judged {
			switch {
			case !ok && err == nil:
				t.Fatalf("ParseBound(%q) = %s; the reference finds it malformed", text, v)
			case ok && want.Sign() >= 0 && (err != nil || v.Cmp(want) != 0):
				t.Fatalf("ParseBound(%q) = %v, %v; the reference says %s", text, v, err, want)
			case ok && want.Sign() < 0 && err == nil:
				t.Fatalf("ParseBound(%q) = %s; the reference says %s, negative", text, v, want)
			}
		}
	})
}

// shuntingYard evaluates text written with decimal numbers of up to 6
// digits, + - * ^, parentheses and spaces, by Dijkstra's algorithm rather
// than ParseBound's recursion. judged is false for what it does not read:
// other characters, a unary minus, or powers past 2^4096 along the way;
// ok is false for a malformed expression.
func shuntingYard(text string) (v *big.Int, ok, judged bool) {
	if len(text) > 256 {
		// Past this, ParseBound may refuse the work its powers take
		// (maxWorkBits) where this evaluation does not.
		return nil, false, false
	}
	prec := map[byte]int{'+': 1, '-': 1, '*': 2, '^': 3}
	var values []*big.Int
	var ops []byte
	// apply does the operator on top of ops; small is false when a power
	// would go past 2^4096 or a result past the largest bound, which
	// ParseBound may refuse on its way.
	apply := func() (small bool) {
		a, b := values[len(values)-2], values[len(values)-1]
		values = values[:len(values)-2]
		op := ops[len(ops)-1]
		ops = ops[:len(ops)-1]
		r := new(big.Int)
		switch op {
		case '+':
			r.Add(a, b)
		case '-':
			r.Sub(a, b)
		case '*':
			r.Mul(a, b)
		case '^':
			if b.BitLen() > 12 || a.BitLen()*int(b.Int64()) > 4096 {
				return false
			}
			r.Exp(a, b, nil) // b >= 0: no unary minus here
		}
		values = append(values, r)
		return r.BitLen() <= MaxBoundBits
	}
	expectOperand := true
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case '0' <= c && c <= '9':
			if !expectOperand {
				return nil, false, true
			}
			j := i
			for j < len(text) && '0' <= text[j] && text[j] <= '9' {
				j++
			}
			if j-i > 6 || j < len(text) && strings.IndexByte("xX.eE", text[j]) >= 0 {
				return nil, false, false
			}
			n, _ := new(big.Int).SetString(text[i:j], 10)
			values = append(values, n)
			expectOperand = false
			i = j
		case c == '(':
			if !expectOperand {
				return nil, false, true
			}
			ops = append(ops, c)
			i++
		case c == ')':
			if expectOperand {
				return nil, false, true
			}
			for len(ops) > 0 && ops[len(ops)-1] != '(' {
				if !apply() {
					return nil, false, false
				}
			}
			if len(ops) == 0 {
				return nil, false, true
			}
			ops = ops[:len(ops)-1]
			i++
		case prec[c] > 0:
			if strings.HasPrefix(text[i:], "**") {
				c, i = '^', i+1
			}
			if expectOperand {
				if c == '-' {
					return nil, false, false // a unary minus
				}
				return nil, false, true
			}
			// ^ is right-associative: an equal ^ waits.
			for len(ops) > 0 && ops[len(ops)-1] != '(' &&
				(prec[ops[len(ops)-1]] > prec[c] || prec[ops[len(ops)-1]] == prec[c] && c != '^') {
				if !apply() {
					return nil, false, false
				}
			}
			ops = append(ops, c)
			expectOperand = true
			i++
		default:
			return nil, false, false
		}
	}
	if expectOperand {
		return nil, false, true
	}
	for len(ops) > 0 {
		if ops[len(ops)-1] == '(' {
			return nil, false, true
		}
		if !apply() {
			return nil, false, false
		}
	}
	return values[0], true, true
}
