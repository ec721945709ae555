package primeio

import (
	"bytes"
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
