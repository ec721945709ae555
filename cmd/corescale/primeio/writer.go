package primeio

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// Format is how verdicts are written.
type Format string

// The output formats.
const (
	Text Format = "text"
	CSV  Format = "csv"
	JSON Format = "json"
)

// Mode is which verdicts are written.
type Mode string

// The print modes.
const (
	Primes Mode = "primes" // only the numbers that are prime
	All    Mode = "all"    // every number with its verdict
	Count  Mode = "count"  // how many are prime
)

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case Text, CSV, JSON:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, csv or json)", s)
}

// ParseMode returns the print mode named s.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Primes, All, Count:
		return m, nil
	}
	return "", fmt.Errorf("unknown print mode %q (want primes, all or count)", s)
}

// flushAt is how much formatted text a Writer gathers before handing it on;
// it bounds the memory of a block of huge numbers.
const flushAt = 64 << 10

// Writer writes the verdicts of tested blocks in a Format and Mode.
//
// Numbers are written in decimal, whatever their input form. Numbers of 2^64
// and above have a probable verdict: a prime among them is marked "prime?"
// (text, all), "N?" (text, primes), "true?" (csv) or "probable":true (json).
// Composites are certain and carry no mark.
type Writer struct {
	w      *bufio.Writer
	format Format
	mode   Mode
	buf    []byte
	rows   int    // rows written, to place the header and json commas
	count  uint64 // primes seen, for Count
	err    error
	lines  decimalLines // WritePrimes's formatter
	digits []byte       // a number of 2^64 and above in decimal, for row
}

// NewWriter returns a Writer to w. Close must be called to finish the
// output.
func NewWriter(w io.Writer, format Format, mode Mode) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, flushAt), format: format, mode: mode}
}

// Write writes the verdicts of b, which must have been tested.
func (w *Writer) Write(b *Block) error {
	if w.mode == Count {
		for _, p := range b.Prime[:len(b.Nums)] {
			if p {
				w.count++
			}
		}
		for _, z := range b.Big {
			if z.Prime {
				w.count++
			}
		}
		return nil
	}
	bigs := b.Big
	for i, n := range b.Nums {
		if len(bigs) > 0 && bigs[0].At == i {
			if w.mode != Primes || bigs[0].Prime {
				w.digits = b.appendDecimal(w.digits[:0], &bigs[0])
				w.row(0, w.digits, bigs[0].Prime)
			}
			bigs = bigs[1:]
		} else {
			w.row(n, nil, b.Prime[i])
		}
		if len(w.buf) >= flushAt {
			w.flush()
		}
	}
	w.flush()
	return w.err
}

// row appends one verdict to w.buf: the number is n, or the decimal digits
// when they are not nil, in which case the verdict is probable.
func (w *Writer) row(n uint64, digits []byte, prime bool) {
	if w.mode == Primes && !prime {
		return
	}
	b := w.buf
	switch {
	case w.format == CSV && w.rows == 0:
		b = append(b, "n,prime\n"...)
	case w.format == JSON && w.rows == 0:
		b = append(b, "[\n"...)
	case w.format == JSON:
		b = append(b, ",\n"...)
	}
	w.buf = appendRow(b, w.format, w.mode, n, digits, prime)
	w.rows++
}

// appendRow appends the text of one verdict, as row, without what comes
// before a table's first row or between rows.
func appendRow(b []byte, format Format, mode Mode, n uint64, digits []byte, prime bool) []byte {
	probable := prime && digits != nil
	if format == JSON {
		b = append(b, `{"n":"`...)
	}
	if digits != nil {
		b = append(b, digits...)
	} else {
		b = strconv.AppendUint(b, n, 10)
	}
	switch format {
	case Text:
		switch {
		case mode == Primes && probable:
			b = append(b, "?\n"...)
		case mode == Primes:
			b = append(b, '\n')
		case probable:
			b = append(b, " prime?\n"...)
		case prime:
			b = append(b, " prime\n"...)
		default:
			b = append(b, " composite\n"...)
		}
	case CSV:
		switch {
		case probable:
			b = append(b, ",true?\n"...)
		case prime:
			b = append(b, ",true\n"...)
		default:
			b = append(b, ",false\n"...)
		}
	case JSON:
		switch {
		case probable:
			b = append(b, `","prime":true,"probable":true}`...)
		case prime:
			b = append(b, `","prime":true}`...)
		default:
			b = append(b, `","prime":false}`...)
		}
	}
	return b
}

// Rows is the output of one tested block, formatted by Format on any
// goroutine, for WriteRows to write in input order: formatting is as much
// work as parsing when the numbers are many, and it scales with the
// workers only if each formats its own.
type Rows struct {
	text   []byte // the rows, each preceded by JSON's separator
	rows   int
	primes uint64
	digits []byte // scratch for a number of 2^64 and above
}

// Format formats the verdicts of b, which must have been tested, into r
// as Write would write them. It only reads w's settings, so that several
// goroutines may format at once.
func (w *Writer) Format(b *Block, r *Rows) {
	r.text, r.rows, r.primes = r.text[:0], 0, 0
	if w.mode == Count {
		for _, p := range b.Prime[:len(b.Nums)] {
			if p {
				r.primes++
			}
		}
		for _, z := range b.Big {
			if z.Prime {
				r.primes++
			}
		}
		return
	}
	bigs := b.Big
	t := r.text
	for i, n := range b.Nums {
		var digits []byte
		prime := b.Prime[i]
		if len(bigs) > 0 && bigs[0].At == i {
			prime = bigs[0].Prime
			if w.mode != Primes || prime {
				r.digits = b.appendDecimal(r.digits[:0], &bigs[0])
				digits = r.digits
			}
			bigs = bigs[1:]
		}
		if w.mode == Primes && !prime {
			continue
		}
		if w.format == JSON {
			t = append(t, ",\n"...)
		}
		t = appendRow(t, w.format, w.mode, n, digits, prime)
		r.rows++
	}
	r.text = t
}

// WriteRows writes rows that Format made, in the order of their blocks.
func (w *Writer) WriteRows(r *Rows) error {
	w.count += r.primes
	if r.rows == 0 {
		return w.err
	}
	text := r.text
	if w.rows == 0 {
		switch w.format {
		case CSV:
			w.buf = append(w.buf, "n,prime\n"...)
		case JSON:
			w.buf = append(w.buf, "[\n"...)
			text = text[len(",\n"):]
		}
		w.flush()
	}
	if w.err == nil {
		_, w.err = w.w.Write(text)
	}
	w.rows += r.rows
	return w.err
}

func (w *Writer) flush() {
	if w.err == nil {
		_, w.err = w.w.Write(w.buf)
	}
	w.buf = w.buf[:0]
}

// Close writes what ends the output — the count, the json bracket, the csv
// header of an empty table — and flushes it. It does not close the
// underlying writer.
func (w *Writer) Close() error {
	switch {
	case w.mode == Count:
		c := strconv.FormatUint(w.count, 10)
		switch w.format {
		case Text:
			w.buf = append(w.buf, c+"\n"...)
		case CSV:
			w.buf = append(w.buf, "count\n"+c+"\n"...)
		case JSON:
			w.buf = append(w.buf, `{"count":`+c+"}\n"...)
		}
	case w.format == CSV && w.rows == 0:
		w.buf = append(w.buf, "n,prime\n"...)
	case w.format == JSON && w.rows == 0:
		w.buf = append(w.buf, "[]\n"...)
	case w.format == JSON:
		w.buf = append(w.buf, "\n]\n"...)
	}
	w.flush()
	if w.err == nil {
		w.err = w.w.Flush()
	}
	return w.err
}

// AddCount adds n primes to the count that Close writes in Count mode;
// other modes ignore it. A sieve that counts needs no list of verdicts.
func (w *Writer) AddCount(n uint64) {
	if w.mode == Count {
		w.count += n
	}
}

// WritePrimes writes the primes ps, all below 2^64, as Write would write a
// block in which they are the numbers proven prime; it is for Primes and
// Count modes, where composites print nothing. Text, the common case of a
// long list, skips the per-row checks.
func (w *Writer) WritePrimes(ps []uint64) error {
	switch {
	case w.mode == Count:
		w.count += uint64(len(ps))
		return nil
	case w.mode != Primes:
		return fmt.Errorf("primeio: WritePrimes in %s mode", w.mode)
	case w.format != Text:
		for _, p := range ps {
			w.row(p, nil, true)
			if len(w.buf) >= flushAt {
				w.flush()
			}
		}
		w.flush()
		return w.err
	}
	b := w.buf
	if cap(b) < flushAt+lineRoom {
		b = make([]byte, len(b), flushAt+lineRoom)
		copy(b, w.buf)
	}
	for _, p := range ps {
		b = w.lines.appendLine(b, p)
		if len(b) >= flushAt {
			w.buf = b
			w.flush()
			b = w.buf
		}
	}
	w.buf = b
	w.rows += len(ps)
	w.flush()
	return w.err
}
