package primeio

import (
	"bytes"
	"testing"
)

// WritePrimes writes what Write writes for a block of the same primes.
func TestWritePrimesAsWrite(t *testing.T) {
	ps := []uint64{2, 3, 5, 7, 1000003, 18446744073709551557}
	for _, f := range []Format{Text, CSV, JSON} {
		for _, m := range []Mode{Primes, Count} {
			var a, b bytes.Buffer
			wa, wb := NewWriter(&a, f, m), NewWriter(&b, f, m)
			blk := NewBlock(len(ps))
			for _, p := range ps {
				blk.add(p)
				blk.Prime = append(blk.Prime, true)
			}
			if err := wa.Write(blk); err != nil {
				t.Fatal(err)
			}
			if err := wb.WritePrimes(ps[:2]); err != nil {
				t.Fatal(err)
			}
			if err := wb.WritePrimes(ps[2:]); err != nil {
				t.Fatal(err)
			}
			wa.Close()
			wb.Close()
			if a.String() != b.String() {
				t.Errorf("%s %s: WritePrimes wrote %q, Write %q", f, m, b.String(), a.String())
			}
		}
	}
}
