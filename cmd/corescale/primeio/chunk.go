package primeio

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Chunk is a run of whole lines of a Reader's input, cut by NextChunk so
// that workers can each validate and parse their own (Block.Parse) while
// one goroutine only finds line ends: that keeps parsing from capping the
// workers, as a Reader parsing for all of them did.
type Chunk struct {
	data  []byte // whole lines; the last lacks its newline at the end of the input
	first int    // the line number of the first line
	lines int
	name  string
	err   error // the read error met after the lines, which Parse returns
}

// Len returns the bytes of the chunk's lines.
func (c *Chunk) Len() int { return len(c.data) }

// Lines returns how many lines the chunk holds.
func (c *Chunk) Lines() int { return c.lines }

// NextChunk fills c with the next whole lines of r's input: at least size
// bytes of them when the input has that many, and up to the end of the
// line that passes size. It returns io.EOF, with c empty, once the input
// is exhausted. A read that fails ends the chunk: Block.Parse of it
// reports a bad line among those read before, else the read error. A line longer than MaxLine is
// reported before anything past it is read, so memory stays within size
// plus MaxLine.
//
// A Reader is read either by Fill and Check or by NextChunk, not both.
// NextChunk is not safe for concurrent use; Block.Parse of the chunks is.
func (r *Reader) NextChunk(c *Chunk, size int) error {
	c.data, c.lines, c.name, c.err = c.data[:0], 0, r.name, nil
	c.first = r.line + 1
	if r.end != nil {
		return r.end
	}
	c.data = append(c.data, r.carry...)
	r.carry = r.carry[:0]
	size = max(size, 1)
	// The chunk ends at the first newline at or past size, or at the end
	// of the input. lastEnd is the end of the last whole line read: the
	// line after it must end within MaxLine, whether it is the first or
	// the one that passes size.
	lastEnd, cut, searched := -1, -1, 0
	for {
		if i := bytes.LastIndexByte(c.data[searched:], '\n'); i >= 0 {
			lastEnd = searched + i
		}
		if from := max(searched, size-1); from < len(c.data) {
			if i := bytes.IndexByte(c.data[from:], '\n'); i >= 0 {
				cut = from + i
			}
		}
		searched = len(c.data)
		if cut >= 0 || r.end != nil {
			break
		}
		if len(c.data)-(lastEnd+1) >= MaxLine {
			if lastEnd >= 0 {
				// The chunk ends before the long line; the next call
				// reports it, with its line number, having read no more.
				cut = lastEnd
				break
			}
			r.end = &SyntaxError{Source: r.name, Line: r.line + 1,
				Reason: fmt.Sprintf("line longer than %d bytes", MaxLine)}
			c.data = c.data[:0]
			return r.end
		}
		c.data = slices.Grow(c.data, max(size-len(c.data), 64<<10))
		n, err := r.in.Read(c.data[len(c.data):cap(c.data)])
		c.data = c.data[:len(c.data)+n]
		switch {
		case errors.Is(err, io.EOF):
			r.end = io.EOF
		case err != nil:
			// The chunk that meets a read error fails, as the block whose
			// Fill meets one, but after its lines, so that a bad one
			// among them is what is reported, as Fill reports it.
			r.end = fmt.Errorf("read %s: %w", r.name, err)
			c.err = r.end
		}
	}
	if cut < 0 {
		// The end of the input: the rest is the last line, which needs
		// no newline (after a read error too, as bufio.Scanner gives it).
		cut = len(c.data) - 1
	}
	if len(c.data) == 0 {
		return r.end
	}
	r.carry = append(r.carry, c.data[cut+1:]...)
	c.data = c.data[:cut+1]
	c.lines = bytes.Count(c.data, []byte{'\n'})
	if c.data[len(c.data)-1] != '\n' {
		c.lines++
	}
	r.line += c.lines
	return nil
}

// Parse resets b and fills it with the numbers of c, in order, its
// numbers of 2^64 and above as text (as DeferBig), read from c itself: c
// must stay as it is until b is reset or refilled. It leaves b.Prime with
// a place for each number. A line that is not a number is reported, with
// its line number, as Fill reports it; else the read error that ended the
// chunk, if one did. Parse may run on several blocks
// and chunks at once.
func (b *Block) Parse(c *Chunk) error {
	b.Reset()
	b.text, b.textShared = c.data, true
	// Grown once to the chunk's lines rather than by appends: the arrays
	// appending left behind, in every slot of the pipeline as its chunks
	// grew, were a collection of their own at the start of a run, and a
	// collection takes a worker's core from the others.
	b.Nums = slices.Grow(b.Nums, c.lines)
	line := c.first
	for rest := c.data; len(rest) > 0; line++ {
		var ln []byte
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			ln, rest = rest[:i], rest[i+1:]
		} else {
			ln, rest = rest, nil
		}
		// The length the line would have in bufio.Scanner's buffer, where
		// Fill meets it.
		if len(ln) >= MaxLine {
			return &SyntaxError{Source: c.name, Line: line, Reason: fmt.Sprintf("line longer than %d bytes", MaxLine)}
		}
		if len(ln) > 0 && ln[len(ln)-1] == '\r' {
			ln = ln[:len(ln)-1]
		}
		if v, ok := plainDecimal(ln); ok {
			b.Nums = append(b.Nums, v)
			continue
		}
		if line == 1 {
			ln = bytes.TrimPrefix(ln, byteOrderMark)
		}
		tok, v, wide, blank, ok := lineToken(ln)
		switch {
		case blank:
		case !ok:
			return &SyntaxError{Source: c.name, Line: line, Token: string(tok)}
		case wide:
			if len(b.Big) == cap(b.Big) {
				// Room for as many more as the rest of the chunk holds
				// lines as long as this one: a chunk of wide numbers is
				// nearly always all of them, and one of numbers below
				// 2^64 with a few wide ones gets no room for a wide
				// number on each of its short lines.
				b.Big = slices.Grow(b.Big, 1+min(c.lines-(line-c.first), len(rest)/len(ln)))
			}
			// tok lies in c.data: its offset is what its capacity lacks.
			lo := cap(c.data) - cap(tok)
			b.Big = append(b.Big, Big{At: len(b.Nums), Pos: line, textLo: lo, textHi: lo + len(tok)})
			b.Nums = append(b.Nums, 0)
		default:
			b.Nums = append(b.Nums, v)
		}
	}
	b.Prime = slices.Grow(b.Prime[:0], len(b.Nums))[:len(b.Nums)]
	return c.err
}
