package prime

// lanes is how many numbers the batch engine interleaves in one
// exponentiation loop (see BenchmarkLanes for the measurement behind it).
const lanes = 4

// window is how many numbers pass through the three stages together; it keeps
// the candidate lists small enough to live on the stack.
const window = 512

// IsPrime reports whether n is prime. It is exact for every uint64.
func IsPrime(n uint64) bool {
	var out [1]bool
	testBatch([]uint64{n}, out[:], 1)
	return out[0]
}

// testBatch sets out[i] to whether ns[i] is prime, carrying width numbers
// through each interleaved loop. It runs in three stages over windows of the
// batch — trial division, the base-2 strong test, the Lucas test — each
// stage passing on the survivors of the one before, so every interleaved
// loop is filled with numbers that need the same work.
func testBatch(ns []uint64, out []bool, width int) {
	var cand, sure [window]int32
	for base := 0; base < len(ns); base += window {
		w := ns[base:min(base+window, len(ns))]
		o := out[base : base+len(w)]
		k := 0
		for i, n := range w {
			prime, decided := screen(n)
			o[i] = prime
			if !decided {
				cand[k] = int32(i)
				k++
			}
		}
		k = runStage(w, cand[:k], sure[:], width, strongBase2Stage)
		k = runStage(w, sure[:k], cand[:], width, lucasStage)
		for _, i := range cand[:k] {
			o[i] = true
		}
	}
}

// stage runs one test on the first k numbers of ns and reports which pass.
type stage func(ns *[maxLanes]uint64, pass *[maxLanes]bool, k int)

// runStage runs test over the numbers w[i] for i in in, width at a time, and
// writes the indices of those that pass to out, returning their count.
func runStage(w []uint64, in, out []int32, width int, test stage) int {
	var ns [maxLanes]uint64
	var pass [maxLanes]bool
	k := 0
	for len(in) > 0 {
		g := in[:min(width, len(in))]
		in = in[len(g):]
		for l, i := range g {
			ns[l] = w[i]
		}
		test(&ns, &pass, len(g))
		for l, i := range g {
			if pass[l] {
				out[k] = i
				k++
			}
		}
	}
	return k
}

func strongBase2Stage(ns *[maxLanes]uint64, pass *[maxLanes]bool, k int) {
	if k == 4 {
		strongBase2x4(ns, pass)
		return
	}
	strongBase2(ns, pass, k)
}

// lucasStage chooses each number's parameter and runs the Lucas test on the
// numbers the parameter search did not already prove composite.
func lucasStage(ns *[maxLanes]uint64, pass *[maxLanes]bool, k int) {
	var live, ps [maxLanes]uint64
	var ok [maxLanes]bool
	var at [maxLanes]int
	m := 0
	for l := range k {
		pass[l] = false
		if p, found := lucasParameter(ns[l]); found {
			live[m], ps[m], at[m] = ns[l], p, l
			m++
		}
	}
	if m == 4 {
		extraStrongLucasx4(&live, &ps, &ok)
	} else {
		extraStrongLucas(&live, &ps, &ok, m)
	}
	for j := range m {
		pass[at[j]] = ok[j]
	}
}
