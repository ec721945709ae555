package primeio

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"testing"

	"github.com/corescale/corescale/internal/numbers"
)

// BenchmarkParse measures parsing on its own: uniform 64-bit numbers in
// decimal, one per line, as a large --input file holds them.
func BenchmarkParse(b *testing.B) {
	const n = 1 << 20
	var in []byte
	for _, v := range numbers.Uniform(n, 64, 1) {
		in = strconv.AppendUint(in, v, 10)
		in = append(in, '\n')
	}
	blk := NewBlock(BlockSize)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		r := NewReader(bytes.NewReader(in), "bench")
		total := 0
		for r.Fill(blk) != io.EOF {
			total += blk.Len()
		}
		if total != n {
			b.Fatalf("parsed %d numbers, want %d", total, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "numbers/s")
}

// Primes written as lines, 8 and 13 digits: strconv against appendLine.
func BenchmarkLines(b *testing.B) {
	for _, from := range []uint64{1e7, 1e12} {
		b.Run(fmt.Sprintf("from=%d/strconv", from), func(b *testing.B) {
			buf := make([]byte, 0, 1<<20)
			for b.Loop() {
				buf = buf[:0]
				for i := range uint64(10000) {
					buf = strconv.AppendUint(buf, from+i*17, 10)
					buf = append(buf, '\n')
				}
			}
		})
		b.Run(fmt.Sprintf("from=%d/appendLine", from), func(b *testing.B) {
			buf := make([]byte, 0, 1<<20)
			var d decimalLines
			for b.Loop() {
				buf = buf[:0]
				for i := range uint64(10000) {
					buf = d.appendLine(buf, from+i*17)
				}
			}
		})
	}
}
