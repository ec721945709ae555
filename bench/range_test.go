package bench

import (
	"strings"
	"testing"
)

// A count that differs from the serial sieve's is reported.
func TestRangeMismatch(t *testing.T) {
	for _, w := range []*rangeWork{{id: PrimeRange12, at: at1e12}, {id: PrimeRange64, at: atTop}} {
		if _, _, err := w.prepare(Sizes{Range: 100_000}, 1, ""); err != nil {
			t.Fatal(err)
		}
		if w.b-w.a != 99_999 {
			t.Errorf("%s: [%d, %d] is not 100000 numbers", w.id, w.a, w.b)
		}
		tk, err := w.task(CPU(2))
		if err != nil {
			t.Fatal(err)
		}
		if err := tk.check(); err != nil {
			t.Errorf("%s: %v", w.id, err)
		}
		w.ref++
		if err := tk.check(); err == nil || !strings.Contains(err.Error(), "the serial sieve counts") {
			t.Errorf("%s: a wrong count passed the check: %v", w.id, err)
		}
	}
}
