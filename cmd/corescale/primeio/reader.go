package primeio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/bits"
	"strings"
)

// MaxLine is the longest line a Reader accepts: a number of a million
// digits, far beyond what anyone tests for primality in a batch.
const MaxLine = 1 << 20

// SyntaxError reports input that is not a number.
type SyntaxError struct {
	Source string // a file name, "stdin", "argument 3", "--from"
	Line   int    // 1-based line in Source, or 0 when Source has no lines
	Token  string // the offending text
	Reason string // what is wrong, when it is not the token itself
}

func (e *SyntaxError) Error() string {
	where := e.Source
	if e.Line > 0 {
		where = fmt.Sprintf("%s:%d", e.Source, e.Line)
	}
	if e.Reason != "" {
		return where + ": " + e.Reason
	}
	tok := e.Token
	if len(tok) > 64 {
		tok = tok[:64] + "..."
	}
	return fmt.Sprintf("%s: %q is not a number (want decimal or 0x hex)", where, tok)
}

// A Source yields numbers in blocks.
type Source interface {
	// Fill resets b and fills it with the next numbers. It returns io.EOF,
	// with b empty, once the numbers are exhausted.
	Fill(b *Block) error
	// Where names the place of a number in the source, from the Pos of its
	// Big: "numbers.txt:7", "argument 3", "random number 12".
	Where(pos int) string
}

// Reader is the Source of a text stream of numbers, one per line.
type Reader struct {
	sc   *bufio.Scanner
	in   io.Reader // what sc reads, which NextChunk reads instead
	name string
	line int

	// NextChunk's state: the start of a line read past the last chunk,
	// and the error or io.EOF the chunks end with, once it is met.
	carry []byte
	end   error
}

// NewReader returns a Reader of r; name identifies r in error messages.
func NewReader(r io.Reader, name string) *Reader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	return &Reader{sc: sc, in: r, name: name}
}

// Fill implements Source.
func (r *Reader) Fill(b *Block) error {
	b.Reset()
	for !b.full() {
		tok, v, wide, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch {
		case wide && b.deferBig:
			b.addBigText(tok, r.line)
		case wide:
			b.addBig(parseBig(tok), r.line)
		default:
			b.add(v)
		}
	}
	if b.Len() == 0 {
		return io.EOF
	}
	return nil
}

// Check reads r to the end and reports the first line that is not a number,
// without keeping any: it is the pass that makes sure nothing is printed
// before a bad token is found.
func Check(r io.Reader, name string) error {
	rd := NewReader(r, name)
	for {
		_, _, _, err := rd.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Where implements Source: pos is a line number.
func (r *Reader) Where(pos int) string { return fmt.Sprintf("%s:%d", r.name, pos) }

// byteOrderMark is how Windows Notepad and others start a UTF-8 file. It is
// a mark of the encoding, not text, so it is skipped on line 1; anywhere
// else it is a character that is not a number.
var byteOrderMark = []byte("\ufeff")

// next returns the token of the next line that holds one, with its value
// when it is below 2^64, or wide set when it is larger.
func (r *Reader) next() (tok []byte, v uint64, wide bool, err error) {
	for r.sc.Scan() {
		r.line++
		line := r.sc.Bytes()
		if r.line == 1 {
			line = bytes.TrimPrefix(line, byteOrderMark)
		}
		tok, v, wide, blank, ok := lineToken(line)
		if blank {
			continue
		}
		if !ok {
			return nil, 0, false, &SyntaxError{Source: r.name, Line: r.line, Token: string(tok)}
		}
		return tok, v, wide, nil
	}
	switch err := r.sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return nil, 0, false, &SyntaxError{Source: r.name, Line: r.line + 1,
			Reason: fmt.Sprintf("line longer than %d bytes", MaxLine)}
	case err != nil:
		return nil, 0, false, fmt.Errorf("read %s: %w", r.name, err)
	}
	return nil, 0, false, io.EOF
}

// lineToken returns the token of a line (with no line end), with its value
// when it is below 2^64, or wide set when it is larger; blank when the line
// holds none; ok false, with the offending text, when it is not a number.
func lineToken(line []byte) (tok []byte, v uint64, wide, blank, ok bool) {
	if v, ok := plainDecimal(line); ok {
		return line, v, false, false, true
	}
	if wideDecimal(line) {
		return line, 0, true, false, true
	}
	tok, ok = field(line)
	if ok && len(tok) == 0 {
		return nil, 0, false, true, true
	}
	if ok {
		v, wide, ok = parse(tok)
	}
	return tok, v, wide, false, ok
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// field returns the one token of a line, empty for a blank or comment line.
// When the line holds more than one, ok is false and tok is all the text
// before the comment, for the error message.
func field(line []byte) (tok []byte, ok bool) {
	i := 0
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	start := i
	for i < len(line) && !isSpace(line[i]) && line[i] != '#' {
		i++
	}
	end := i
	for i < len(line) && isSpace(line[i]) {
		i++
	}
	if i == len(line) || line[i] == '#' {
		return line[start:end], true
	}
	for end = i; i < len(line) && line[i] != '#'; i++ {
		if !isSpace(line[i]) {
			end = i + 1
		}
	}
	return line[start:end], false
}

// hexDigit maps a byte to its value as a hex digit, or to 0xff.
var hexDigit = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xff
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		t[c] = byte(c-'a') + 10
		t[c-'a'+'A'] = byte(c-'a') + 10
	}
	return t
}()

func isHex(tok []byte) bool {
	return len(tok) >= 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')
}

// parse reads a token of decimal digits, or of hex digits after 0x. It
// returns the value when it is below 2^64, and wide when the token is a valid
// number too large for that; ok is false when it is not a number.
func parse(tok []byte) (v uint64, wide, ok bool) {
	if v, ok := plainDecimal(tok); ok {
		return v, false, true
	}
	base, digits := byte(10), tok
	if isHex(tok) {
		base, digits = 16, tok[2:]
	}
	if len(digits) == 0 || !allDigits(digits, base) {
		return 0, false, false
	}
	// Leading zeros are the one way a long token can still fit in 64 bits.
	for len(digits) > 1 && digits[0] == '0' {
		digits = digits[1:]
	}
	if base == 16 {
		if len(digits) > 16 {
			return 0, true, true
		}
		for _, c := range digits {
			v = v<<4 | uint64(hexDigit[c])
		}
		return v, false, true
	}
	if v, ok := plainDecimal(digits); ok {
		return v, false, true
	}
	return 0, true, true
}

// plainDecimal parses up to 20 decimal digits, the form of nearly every
// line of a large input, in one pass. ok is false for anything else,
// including a value of 2^64 or more, which parse then sorts out.
func plainDecimal(s []byte) (v uint64, ok bool) {
	if len(s) == 0 || len(s) > 20 {
		return 0, false
	}
	// 19 digits cannot overflow; only a 20th needs the check.
	for _, c := range s[:min(len(s), 19)] {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		v = v*10 + uint64(d)
	}
	if len(s) == 20 {
		d := uint64(s[19] - '0')
		if d > 9 || v > (math.MaxUint64-d)/10 {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

func allDigits(s []byte, base byte) bool {
	for _, c := range s {
		if hexDigit[c] >= base {
			return false
		}
	}
	return true
}

// parseBig returns the value of a token that parse found valid and wide.
func parseBig(tok []byte) *big.Int {
	if isHex(tok) {
		if bits.UintSize == 64 {
			return hexBig(tok[2:])
		}
		z, _ := new(big.Int).SetString(string(tok[2:]), 16)
		return z
	}
	if bits.UintSize == 64 && len(tok) <= maxWordDecimal {
		return decimalBig(tok)
	}
	z, _ := new(big.Int).SetString(string(tok), 10)
	return z
}

// maxWordDecimal is the longest decimal token decimalBig takes: its cost
// grows as the square of the length, math/big's more slowly.
const maxWordDecimal = 2000

// decimalBig returns the value of a token of decimal digits, 19 digits
// (below 2^64) at a time, multiplying the words so far by 10^19: at 40 to
// 160 digits, the numbers above 2^64 people test by the million, it takes a
// third of math/big's SetString, which reads a byte at a time through an
// io.ByteScanner and copies the token into a string first.
func decimalBig(tok []byte) *big.Int {
	first := len(tok) % 19
	if first == 0 {
		first = 19
	}
	// 19 digits hold less than 64 bits, so len/19 + 1 words hold them all.
	words := make([]big.Word, 1, len(tok)/19+1)
	words[0] = big.Word(decimalWord(tok[:first]))
	for tok = tok[first:]; len(tok) > 0; tok = tok[19:] {
		c := decimalWord(tok[:19])
		for i, w := range words {
			hi, lo := bits.Mul64(uint64(w), 1e19)
			var cc uint64
			lo, cc = bits.Add64(lo, c, 0)
			words[i] = big.Word(lo)
			c = hi + cc
		}
		if c != 0 {
			words = append(words, big.Word(c))
		}
	}
	return new(big.Int).SetBits(words)
}

// decimalWord returns the value of up to 19 decimal digits.
func decimalWord(s []byte) uint64 {
	var v uint64
	for _, c := range s {
		v = v*10 + uint64(c-'0')
	}
	return v
}

// hexBig returns the value of a token of hex digits, 16 to a word from
// the end.
func hexBig(digits []byte) *big.Int {
	words := make([]big.Word, 0, (len(digits)+15)/16)
	for end := len(digits); end > 0; end -= 16 {
		var v uint64
		for _, c := range digits[max(end-16, 0):end] {
			v = v<<4 | uint64(hexDigit[c])
		}
		words = append(words, big.Word(v))
	}
	return new(big.Int).SetBits(words)
}

// ParseNumber parses one number, such as a flag's value; source names it in
// the error. Spaces, tabs and line ends around it are ignored, as on a line
// of a file.
func ParseNumber(tok, source string) (*big.Int, error) {
	t := trim(tok)
	v, wide, ok := parse(t)
	switch {
	case !ok:
		return nil, &SyntaxError{Source: source, Token: tok}
	case wide:
		return parseBig(t), nil
	}
	return new(big.Int).SetUint64(v), nil
}

// trim drops the spaces, tabs and line ends around an argument: a script's
// " 7" or "7\n" means 7, as the same text on a line of a file does.
func trim(s string) []byte {
	return []byte(strings.Trim(s, " \t\r\n"))
}

// Args is the Source of numbers given as command line arguments.
type Args struct {
	list []string
	i    int
}

// NewArgs returns the Source of the numbers in list, one per element.
func NewArgs(list []string) *Args { return &Args{list: list} }

// Where implements Source: pos counts the arguments from 1.
func (a *Args) Where(pos int) string { return fmt.Sprintf("argument %d", pos) }

// Fill implements Source.
func (a *Args) Fill(b *Block) error {
	b.Reset()
	for ; !b.full() && a.i < len(a.list); a.i++ {
		tok := trim(a.list[a.i])
		v, wide, ok := parse(tok)
		switch {
		case !ok:
			return &SyntaxError{Source: a.Where(a.i + 1), Token: a.list[a.i]}
		case wide:
			b.addBig(parseBig(tok), a.i+1)
		default:
			b.add(v)
		}
	}
	if b.Len() == 0 {
		return io.EOF
	}
	return nil
}
