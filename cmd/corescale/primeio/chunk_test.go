package primeio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
)

// collectChunks reads r's input as chunks of about size bytes, each
// parsed by Block.Parse, and returns the numbers as collect does.
func collectChunks(r *Reader, size int) ([]string, error) {
	var out []string
	for {
		c := new(Chunk)
		err := r.NextChunk(c, size)
		if err == io.EOF {
			if c.Len() != 0 || c.Lines() != 0 {
				return out, fmt.Errorf("io.EOF with %d bytes in %d lines", c.Len(), c.Lines())
			}
			return out, nil
		}
		if err != nil {
			return out, err
		}
		b := NewBlock(1)
		perr := b.Parse(c)
		half := len(b.Big) / 2
		b.ParseBig(half, len(b.Big))
		b.ParseBig(0, half)
		if perr == nil && len(b.Prime) != len(b.Nums) {
			return out, fmt.Errorf("%d places for verdicts, %d numbers", len(b.Prime), len(b.Nums))
		}
		bigs := b.Big
		for i, n := range b.Nums {
			if len(bigs) > 0 && bigs[0].At == i {
				out = append(out, "B"+bigs[0].N.String())
				bigs = bigs[1:]
				continue
			}
			out = append(out, strconv.FormatUint(n, 10))
		}
		if perr != nil {
			return out, perr
		}
	}
}

// chunkInputs are inputs of every form a Reader takes, and bad ones.
var chunkInputs = []string{
	"", "\n", "2", "2\n3\n4\n", "2\n3", "\n\n2\n\n\n3\n\n",
	"# primes\n2 # two\n3# three\n#4\n   # indented\n", "  2\t\n\t 3  \n",
	"2\r\n3\r\n\r\n# c\r\n5 # c\r\n", "2\r\n3\r", "\r", "\r\r\n",
	"0x11\n0XfF\n0x0\n0x00000000000000000000001\n", "007\n00000000000000000000000000000000000000009\n",
	"18446744073709551615\n18446744073709551616\n0x10000000000000000\n",
	"1" + strings.Repeat("0", 300) + "\n0x1" + strings.Repeat("0", 100) + "\n5\n",
	"\ufeff7\n8\n", "\ufeff# numbers\r\n7\r\n", "\ufeff18446744073709551616", "7\n\ufeff8\n", "\ufeff\ufeff7\n",
	"2\n3\n-5\n7\n", "1\n2\n3\n4\n5\n6\n12abc\n", "\n\n# c\n7 8 # two numbers\n", "5\n" + strings.Repeat("1", 100) + "z\n",
	"1\n" + strings.Repeat("1", MaxLine+1) + "\n2\n", "1\n0x" + strings.Repeat("0", MaxLine-5) + "1f\nx\n",
	"1\nx\n" + strings.Repeat("1", MaxLine+5) + "\n", // Lines of MaxLine-1 and MaxLine bytes, the last one without a newline.
	"0x" + strings.Repeat("0", MaxLine-4) + "1f", "0x" + strings.Repeat("0", MaxLine-5) + "1f",
}

// Chunks parsed on their own give the numbers Fill gives, and the same
// first error with the same line number, whatever the chunks' size: a bad
// line in the third chunk names its line in the file.
func TestChunksParseAsFill(t *testing.T) {
	for _, in := range chunkInputs {
		want, wantErr := collect(NewReader(strings.NewReader(in), "numbers.txt"))
		for _, size := range []int{1, 2, 3, 7, 64, 1 << 20} {
			got, err := collectChunks(NewReader(strings.NewReader(in), "numbers.txt"), size)
			if strings.Join(got, ",") != strings.Join(want, ",") || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%.40q in chunks of %d: %.80q, %v; Fill: %.80q, %v", in, size, got, err, want, wantErr)
			}
		}
	}
}

// A read error fails the chunk that meets it, after its lines, as Fill's
// fails its block: a bad line before it is reported first.
func TestNextChunkReadError(t *testing.T) {
	for _, in := range []string{"2\n3\n5\n7", "2\n3\nx\n7\n"} {
		for _, size := range []int{1, 4, 100} {
			got, err := collectChunks(NewReader(failing{strings.NewReader(in)}, "in.txt"), size)
			want, wantErr := collect(NewReader(failing{strings.NewReader(in)}, "in.txt"))
			if strings.Join(got, ",") != strings.Join(want, ",") || fmt.Sprint(err) != fmt.Sprint(wantErr) || err == nil {
				t.Errorf("%q in chunks of %d: %q, %v; Fill: %q, %v", in, size, got, err, want, wantErr)
			}
		}
	}
}

// Chunks end at line ends, at least size bytes each but the last, and
// number their first lines.
func TestNextChunkCuts(t *testing.T) {
	in := "1\n22\n333\n4444\n55555\n666666"
	r := NewReader(strings.NewReader(in), "in.txt")
	var got []string
	for {
		var c Chunk
		if err := r.NextChunk(&c, 4); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%q", c.first, c.data))
	}
	want := `1:"1\n22\n",3:"333\n",4:"4444\n",5:"55555\n",6:"666666"`
	if strings.Join(got, ",") != want {
		t.Errorf("chunks %s, want %s", strings.Join(got, ","), want)
	}
}

// A block parsed from a chunk reads its big numbers from the chunk, and
// the same block filled by a Reader afterwards must not write into it.
func TestParseThenFillLeavesChunk(t *testing.T) {
	r := NewReader(strings.NewReader("18446744073709551616\n"), "in.txt")
	var c Chunk
	if err := r.NextChunk(&c, 1); err != nil {
		t.Fatal(err)
	}
	b := NewBlock(4)
	b.DeferBig()
	if err := b.Parse(&c); err != nil {
		t.Fatal(err)
	}
	if err := NewReader(strings.NewReader("99999999999999999999999\n"), "other.txt").Fill(b); err != nil {
		t.Fatal(err)
	}
	if string(c.data) != "18446744073709551616\n" {
		t.Errorf("the chunk now holds %q", c.data)
	}
	b.ParseBig(0, len(b.Big))
	if b.Big[0].N.String() != "99999999999999999999999" {
		t.Errorf("block holds %s", b.Big[0].N)
	}
}

// Rows formatted block by block, on their own, then written in order,
// are what Write writes.
func TestFormatAsWrite(t *testing.T) {
	for _, tc := range golden {
		for _, size := range []int{1, 2, 3, 100} {
			var out bytes.Buffer
			w := NewWriter(&out, tc.format, tc.mode)
			var rows []*Rows
			for _, b := range sample(size) {
				r := new(Rows)
				w.Format(b, r)
				rows = append(rows, r)
			}
			for _, r := range rows {
				if err := w.WriteRows(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Close(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Errorf("%s/%s, blocks of %d:\n%s\nwant:\n%s", tc.format, tc.mode, size, out.String(), tc.want)
			}
			if tc.format == JSON && !json.Valid(out.Bytes()) {
				t.Errorf("invalid json:\n%s", out.String())
			}
		}
	}
}

func TestWriteRowsError(t *testing.T) {
	w := NewWriter(brokenPipe{}, Text, All)
	b := NewBlock(BlockSize)
	for i := range BlockSize {
		b.add(uint64(i))
	}
	b.Prime = b.Prime[:len(b.Nums)]
	var r Rows
	w.Format(b, &r)
	if err := w.WriteRows(&r); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("WriteRows to a broken pipe: %v", err)
	}
	if err := w.Close(); !errors.Is(err, w.err) || err == nil {
		t.Error("Close after a failed write succeeded")
	}
}

// endlessDigits is an input that never ends: digits, no newline.
type endlessDigits struct{ read int }

func (e *endlessDigits) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = '7'
	}
	e.read += len(p)
	return len(p), nil
}

// A line longer than MaxLine is reported, with its line number, having
// read little past it, whether it is a chunk's first line or the one that
// passes the chunk's size: memory stays within size plus MaxLine.
func TestNextChunkLongLaterLine(t *testing.T) {
	for _, size := range []int{1, 4, 16 << 10} {
		in := &endlessDigits{}
		r := NewReader(io.MultiReader(strings.NewReader("1\n22\n"), in), "in.txt")
		var err error
		var c Chunk
		for range 4 {
			if err = r.NextChunk(&c, size); err != nil {
				break
			}
			if b := NewBlock(0); b.Parse(&c) != nil {
				t.Fatalf("size %d: lines before the long one: %v", size, b.Parse(&c))
			}
		}
		var se *SyntaxError
		if !errors.As(err, &se) || se.Line != 3 {
			t.Errorf("size %d: %v, want line 3 longer than %d bytes", size, err, MaxLine)
		}
		if in.read > MaxLine+size+(128<<10) {
			t.Errorf("size %d: read %d bytes of the long line, want about MaxLine (%d)", size, in.read, MaxLine)
		}
	}
}

// Parse sizes a block's numbers and wide numbers once for the chunk: the
// arrays that growing them by appends left behind made a collection of
// their own at the start of every run, whose mark took a core from the
// workers.
func TestParseAllocatesOnce(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector changes what is allocated")
	}
	var text strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&text, "%d\n", 1<<63+uint64(i)) // below 2^64
		if i%2 == 0 {
			fmt.Fprintf(&text, "3402823669209384634633746074317682%05d\n", i) // 128 bits
		}
	}
	r := NewReader(strings.NewReader(text.String()), "numbers.txt")
	var c Chunk
	if err := r.NextChunk(&c, 1<<30); err != nil {
		t.Fatal(err)
	}
	// Nums, Prime and Big, once each.
	if n := testing.AllocsPerRun(10, func() {
		if err := NewBlock(0).Parse(&c); err != nil {
			t.Fatal(err)
		}
	}) - 1; n > 3 {
		t.Errorf("Parse of %d lines into a new block: %.0f allocations, want at most 3", c.Lines(), n)
	}
}

// A chunk of small numbers with one wide number among them gets room for
// no more wide numbers than its bytes could hold (each has 20 digits or
// more), not for a wide number on each of its lines.
func TestParseWideRoomBounded(t *testing.T) {
	text := "340282366920938463463374607431768211297\n" + strings.Repeat("7\n", 5000)
	r := NewReader(strings.NewReader(text), "numbers.txt")
	var c Chunk
	if err := r.NextChunk(&c, 1<<30); err != nil {
		t.Fatal(err)
	}
	b := NewBlock(0)
	if err := b.Parse(&c); err != nil {
		t.Fatal(err)
	}
	if len(b.Big) != 1 || cap(b.Big) > c.Len()/20 {
		t.Errorf("%d lines, one wide: %d wide numbers, room for %d, want 1 and at most %d", c.Lines(), len(b.Big), cap(b.Big), c.Len()/20)
	}
}
