package primeio

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"unicode/utf8"
)

// MaxBoundBits is the size of the largest bound of a range: below 2^65536,
// as a --random number is (MaxRandomBits), for the same reason: math/big
// takes minutes to test one number that size. The parts of an expression
// may be twice as long, so that 2^65536-1 can be written.
const MaxBoundBits = MaxRandomBits

// maxPartBits bounds every value met while evaluating a bound: checked
// before a power or a literal is computed, it keeps 10^10^10 from taking
// the memory of a 33-gigabit number.
const maxPartBits = 2 * MaxBoundBits

// maxWorkBits bounds the bits of all the powers (a^b, and the 10^e of a
// literal 1e39000) an expression makes,
// together: each is bounded by maxPartBits, but a text of thousands of
// them (0*9^41000*9^41000*…) would still cost seconds of exponentiation.
// Products need no such bound: one of two large parts passes
// maxPartBits at once, and a long chain of small factors costs time
// linear in its length.
const maxWorkBits = 8 * maxPartBits

// maxNesting bounds parentheses, unary minus and chained powers, which the
// parser follows by recursion.
const maxNesting = 100

// ParseBound parses a bound of a range as people write it and as
// primesieve accepts it: decimal or 0x hex (as ParseNumber), scientific
// notation with a whole value (1e12, 1E12, 1.5e3), powers (10^12, 2^64,
// right-associative: 2^3^2 is 2^9; also written **), and + - * between them with the usual
// precedence, parentheses and spaces (2^64-1, 1e12+1e9, (2^32-1)*2^32).
// The result must be 0 or more and below 2^MaxBoundBits; what is not a
// bound is a *SyntaxError whose Source is flag, and which says what is
// wrong and at which character.
//
// The lines of --input files and NUMBER arguments are not read so (see
// the package documentation): they are data, read fast and exactly.
func ParseBound(text, flag string) (*big.Int, error) {
	p := &boundParser{text: strings.Trim(text, " \t\r\n")}
	v, err := p.parse()
	if err == nil && v.Sign() < 0 {
		err = fmt.Errorf("%s is negative: a bound is 0 or more", v)
	}
	if err == nil && v.BitLen() > MaxBoundBits {
		err = fmt.Errorf("the value is a number of %d bits: a bound is below 2^%d, as --random's numbers are (math/big takes minutes to test one)", v.BitLen(), MaxBoundBits)
	}
	if err != nil {
		return nil, &SyntaxError{Source: flag, Token: text, Reason: fmt.Sprintf("%s: %s", p.quoted(), err)}
	}
	return v, nil
}

// ParseCount parses a count, such as --random's, written as ParseBound
// reads a bound (1e6, 10^6, 2^20): 0 to math.MaxInt.
func ParseCount(text, flag string) (int, error) {
	p := &boundParser{text: strings.Trim(text, " \t\r\n")}
	v, err := p.parse()
	switch {
	case err != nil:
	case v.Sign() < 0:
		err = fmt.Errorf("%s is negative: want 0 or more", v)
	case !v.IsInt64() || v.Int64() > math.MaxInt:
		err = fmt.Errorf("%s is more than the %d this machine can count", v, math.MaxInt)
	default:
		return int(v.Int64()), nil
	}
	return 0, &SyntaxError{Source: flag, Token: text, Reason: fmt.Sprintf("%s: %s", p.quoted(), err)}
}

// boundParser is a recursive-descent parser of
//
//	sum     = product { ("+" | "-") product }
//	product = unary { "*" unary }
//	unary   = "-" unary | power
//	power   = operand [ ("^" | "**") unary ]
//	operand = number | "(" sum ")"
//
// evaluated as it goes, in math/big.
type boundParser struct {
	text  string
	pos   int // the byte at which the next token starts
	depth int
	work  int // bits of the powers made so far
	// powered says whether the last power() read an exponent: a unary
	// minus before one is refused, as its meaning differs by tool.
	powered bool
}

// quoted is the text for a message: whole when it is short enough to read.
func (p *boundParser) quoted() string {
	if head, cut := Abbreviate(p.text); cut {
		return fmt.Sprintf("%q...", head)
	}
	return fmt.Sprintf("%q", p.text)
}

// Abbreviate returns a text for a message whole when it is at most 64
// bytes, else its first 64 bytes cut at a character's start, and whether
// it cut.
func Abbreviate(text string) (string, bool) {
	if len(text) <= 64 {
		return text, false
	}
	cut := 64
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut], true
}

// spend adds a power's bits to the expression's work, and refuses
// an expression whose work passes maxWorkBits.
func (p *boundParser) spend(v *big.Int) error {
	if p.work += v.BitLen(); p.work > maxWorkBits {
		return fmt.Errorf("the expression makes more than %d bits of powers, %s: write the bound more simply", maxWorkBits, p.at(p.pos))
	}
	return nil
}

// at names a byte position of the text as a reader counts: from 1, in
// characters.
func (p *boundParser) at(pos int) string {
	return fmt.Sprintf("at character %d", utf8.RuneCountInString(p.text[:pos])+1)
}

func (p *boundParser) parse() (*big.Int, error) {
	if p.text == "" {
		return nil, fmt.Errorf("want a number, such as 1000, 0x3e8, 1e12 or 2^64-1")
	}
	v, err := p.sum()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.pos < len(p.text) {
		return nil, p.unexpected()
	}
	return v, nil
}

// unexpected reports the character at p.pos, which no rule accepts there.
func (p *boundParser) unexpected() error {
	c, _ := utf8.DecodeRuneInString(p.text[p.pos:])
	switch {
	case c == ')':
		return fmt.Errorf(`")" %s closes no "("`, p.at(p.pos))
	case c < utf8.RuneSelf && isDigit(byte(c)):
		return fmt.Errorf("missing an operator (+ - * ^) before the number %s", p.at(p.pos))
	}
	return fmt.Errorf("unexpected %q %s (want decimal or 0x hex numbers, 1e12, ^, +, -, * and parentheses)", string(c), p.at(p.pos))
}

func (p *boundParser) skipSpace() {
	for p.pos < len(p.text) && (p.text[p.pos] == ' ' || p.text[p.pos] == '\t') {
		p.pos++
	}
}

// next returns the operator at the next token, skipping spaces, without
// taking it; 0 when the next token is not one of ops.
func (p *boundParser) next(ops string) byte {
	p.skipSpace()
	if p.pos < len(p.text) && strings.IndexByte(ops, p.text[p.pos]) >= 0 {
		return p.text[p.pos]
	}
	return 0
}

func (p *boundParser) enter() error {
	if p.depth++; p.depth > maxNesting {
		return fmt.Errorf("nested more than %d deep %s", maxNesting, p.at(p.pos))
	}
	return nil
}

func (p *boundParser) sum() (*big.Int, error) {
	start := p.pos
	v, err := p.product()
	if err != nil {
		return nil, err
	}
	for {
		op := p.next("+-")
		if op == 0 {
			return v, nil
		}
		p.pos++
		w, err := p.product()
		if err != nil {
			return nil, err
		}
		if op == '+' {
			v.Add(v, w)
		} else {
			v.Sub(v, w)
		}
		if v.BitLen() > maxPartBits {
			return nil, p.tooLargeFrom(start)
		}
	}
}

func (p *boundParser) product() (*big.Int, error) {
	start := p.pos
	v, err := p.unary()
	if err != nil {
		return nil, err
	}
	for p.next("*") != 0 {
		p.pos++
		w, err := p.unary()
		if err != nil {
			return nil, err
		}
		// Both are at most maxPartBits, so the product is cheap to make
		// before it is checked.
		if v.Mul(v, w); v.BitLen() > maxPartBits {
			return nil, p.tooLargeFrom(start)
		}
	}
	return v, nil
}

func (p *boundParser) unary() (*big.Int, error) {
	if p.next("-") == 0 {
		return p.power()
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	minus := p.pos
	p.pos++
	v, err := p.unary()
	if err != nil {
		return nil, err
	}
	if p.powered {
		// primesieve reads -2^2 as (-2)^2, Python and mathematics as
		// -(2^2): whichever is taken, someone's range comes out wrong.
		return nil, fmt.Errorf(`"-" %s before a power is ambiguous: write (-a)^b or -(a^b)`, p.at(minus))
	}
	p.depth--
	return v.Neg(v), nil
}

func (p *boundParser) power() (*big.Int, error) {
	start := p.pos
	base, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.powered = false
	// ** is primesieve's and Python's spelling of ^.
	width := 0
	switch {
	case p.next("^") != 0:
		width = 1
	case strings.HasPrefix(p.text[p.pos:], "**"):
		width = 2
	default:
		return base, nil
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	caret := p.pos
	p.pos += width
	exp, err := p.unary()
	if err != nil {
		return nil, err
	}
	p.depth--
	p.powered = true
	if exp.Sign() < 0 {
		return nil, fmt.Errorf("the exponent after the %q %s is %s: a negative power is not a whole number", p.text[caret:caret+width], p.at(caret), exp)
	}
	// 0, 1 and -1 stay small whatever the exponent; any other base has
	// at least bitlen-1 bits per unit of the exponent.
	if a := new(big.Int).Abs(base); a.Cmp(big.NewInt(1)) > 0 {
		if !exp.IsInt64() || exp.Int64() > maxPartBits || int64(a.BitLen()-1)*exp.Int64() > maxPartBits {
			return nil, p.tooLargeFrom(start)
		}
		base.Exp(base, exp, nil)
		if base.BitLen() > maxPartBits {
			return nil, p.tooLargeFrom(start)
		}
		if err := p.spend(base); err != nil {
			return nil, err
		}
		return base, nil
	}
	if base.Sign() == 0 {
		if exp.Sign() == 0 {
			return base.SetInt64(1), nil // 0^0, as math/big and primesieve have it
		}
		return base, nil
	}
	if base.Sign() < 0 && exp.Bit(0) == 0 {
		return base.SetInt64(1), nil
	}
	return base, nil
}

// tooLargeFrom reports that the part of the text from start to p.pos is
// too large to be part of a bound.
func (p *boundParser) tooLargeFrom(start int) error {
	part := strings.TrimSpace(p.text[start:p.pos])
	if len(part) > 40 {
		part = part[:40] + "..."
	}
	return fmt.Errorf("%s %s is over 2^%d, as far as an expression may go on its way", part, p.at(start), maxPartBits)
}

func (p *boundParser) operand() (*big.Int, error) {
	p.skipSpace()
	if p.pos == len(p.text) {
		return nil, p.missing()
	}
	switch c := p.text[p.pos]; {
	case c == '(':
		if err := p.enter(); err != nil {
			return nil, err
		}
		open := p.pos
		p.pos++
		v, err := p.sum()
		if err != nil {
			return nil, err
		}
		if p.next(")") == 0 {
			if p.pos == len(p.text) {
				return nil, fmt.Errorf(`missing ")" for the "(" %s`, p.at(open))
			}
			return nil, p.unexpected()
		}
		p.pos++
		p.depth--
		return v, nil
	case isDigit(c):
		return p.number()
	case strings.IndexByte("+-*^)", c) >= 0:
		return nil, p.missing()
	}
	return nil, p.unexpected()
}

// missing reports that a number should start at p.pos, after the
// operator before it or at the start.
func (p *boundParser) missing() error {
	before := strings.TrimRight(p.text[:p.pos], " \t")
	if before == "" {
		return fmt.Errorf("missing a number before %q", p.text[p.pos:p.pos+1])
	}
	return fmt.Errorf("missing a number after %q %s", before[len(before)-1:], p.at(len(before)-1))
}

// number reads a literal: 0x hex, or decimal digits with an optional
// fraction and exponent whose value is whole.
func (p *boundParser) number() (*big.Int, error) {
	start := p.pos
	t := p.text
	if t[p.pos] == '0' && p.pos+1 < len(t) && (t[p.pos+1] == 'x' || t[p.pos+1] == 'X') {
		p.pos += 2
		digits := p.digits(isHexDigit)
		if digits == "" {
			return nil, fmt.Errorf("missing hex digits after %q %s", t[start:p.pos], p.at(start))
		}
		return p.literal(start, strings.TrimLeft(digits, "0"), 16, 0, 4)
	}
	whole := p.digits(isDigit)
	var frac string
	if p.pos < len(t) && t[p.pos] == '.' {
		p.pos++
		if frac = p.digits(isDigit); frac == "" {
			return nil, fmt.Errorf(`missing digits after the "." %s`, p.at(p.pos-1))
		}
	}
	exp := int64(0)
	if p.pos < len(t) && (t[p.pos] == 'e' || t[p.pos] == 'E') {
		e := p.pos
		p.pos++
		sign := int64(1)
		if p.pos < len(t) && (t[p.pos] == '+' || t[p.pos] == '-') {
			if t[p.pos] == '-' {
				sign = -1
			}
			p.pos++
		}
		digits := p.digits(isDigit)
		if digits == "" {
			return nil, fmt.Errorf("missing the exponent's digits after %q %s", t[e:p.pos], p.at(e))
		}
		// Saturated: any exponent past this is too large or too small for
		// any mantissa a command line can hold.
		for _, c := range digits {
			if exp = exp*10 + int64(c-'0'); exp > 1e9 {
				exp = 1e9
			}
		}
		exp *= sign
	}
	// The value is mantissa * 10^(exp - len(frac)); whole only when the
	// digits it would cut off are zeros.
	mantissa := strings.TrimLeft(whole+frac, "0")
	if mantissa == "" {
		return new(big.Int), nil
	}
	shift := exp - int64(len(frac))
	if shift < 0 {
		kept := len(mantissa) + int(max(shift, -int64(len(mantissa))))
		if strings.TrimRight(mantissa[kept:], "0") != "" {
			return nil, fmt.Errorf("%s %s is not a whole number", t[start:p.pos], p.at(start))
		}
		mantissa, shift = mantissa[:kept], 0
	}
	return p.literal(start, mantissa, 10, shift, 3)
}

// literal makes the value of digits in base (no leading zeros, not empty
// when shift > 0) times 10^shift, after checking, from the count of digits
// (at least minBits-1 bits each past the first), that it can be small
// enough.
func (p *boundParser) literal(start int, digits string, base int, shift int64, minBits int64) (*big.Int, error) {
	v := new(big.Int)
	if digits == "" {
		return v, nil
	}
	// A digit of base 10 is more than 3 bits, of base 16 exactly 4; a
	// factor of 10 more than 3.
	if (int64(len(digits))-1)*minBits+shift*3 > maxPartBits {
		return nil, p.tooLargeFrom(start)
	}
	v.SetString(digits, base)
	if shift > 0 {
		v.Mul(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(shift), nil))
	}
	if v.BitLen() > maxPartBits {
		return nil, p.tooLargeFrom(start)
	}
	if shift > 0 {
		// 1e39000 is a power as 10^39000 is, and costs as much.
		if err := p.spend(v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// digits takes the run of bytes accepted by is at p.pos.
func (p *boundParser) digits(is func(byte) bool) string {
	start := p.pos
	for p.pos < len(p.text) && is(p.text[p.pos]) {
		p.pos++
	}
	return p.text[start:p.pos]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
