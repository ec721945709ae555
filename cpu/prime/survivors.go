package prime

import "fmt"

// TestSurvivors sets out[i] to whether ns[i] is prime, for numbers that a
// sieve has left: with no prime factor up to trialBound, it skips the trial
// division that Serial's batches start with, which such numbers cannot
// fail, and gives them straight to the base-2 stage in the widest loops the
// CPU has. It is exact for every uint64 all the same: even numbers and
// those below trialSquare are settled by trial division, and Baillie–PSW
// needs no trial division to be exact on the others (a factor up to
// trialBound only makes the base-2 test stop a composite earlier, or the
// parameter search find a symbol of 0). It runs on the calling goroutine.
func TestSurvivors(ns []uint64, out []bool) error {
	if len(out) < len(ns) {
		return fmt.Errorf("prime: %d verdicts for %d numbers", len(out), len(ns))
	}
	testSurvivors(ns, out, fastest)
	return nil
}

// testSurvivors is testBatch without the trial division stage.
func testSurvivors(ns []uint64, out []bool, m method) {
	var cand, sure [window]int32
	for base := 0; base < len(ns); base += window {
		w := ns[base:min(base+window, len(ns))]
		o := out[base : base+len(w)]
		k := 0
		for i, n := range w {
			if n&1 == 0 || n < trialSquare {
				o[i], _ = screen(n) // always decided: see trialSquare
				continue
			}
			o[i] = false
			cand[k] = int32(i)
			k++
		}
		k = m.strongStage(w, cand[:k], sure[:])
		k = m.lucasStage(w, sure[:k], cand[:])
		for _, i := range cand[:k] {
			o[i] = true
		}
	}
}
