package prime

import "fmt"

// lanes is how many numbers the scalar loops interleave (see BenchmarkLanes
// for the measurement behind it).
const lanes = 4

// window is how many numbers pass through the three stages together: enough
// that the few survivors of the base-2 test still fill the widest loops, few
// enough that the candidate lists live on the stack.
const window = 1024

// IsPrime reports whether n is prime. It is exact for every uint64.
func IsPrime(n uint64) bool {
	var out [1]bool
	testBatch([]uint64{n}, out[:], scalarMethod(1))
	return out[0]
}

// A method is how the two probable-prime tests run: on up to width numbers
// at once, in one kind of loops.
type method struct {
	width int
	loops loops
	// Fewer than fill numbers go to small, when set: a wide loop costs the
	// same however few of its lanes are in use.
	fill  int
	small *method
	// narrow, when set, takes the numbers below narrowLimit.
	narrow *method
}

// loops says which exponentiation loops a method runs.
type loops uint8

const (
	scalarLoops loops = iota // four lanes in scalar registers (or Go)
	wideLoops                // IFMA, two 52-bit limbs: any 64-bit modulus
	narrowLoops              // IFMA, one limb: moduli below narrowLimit
)

// narrowLimit bounds the moduli of the one-limb IFMA loops: below it,
// lazily reduced values stay under 2^50 (see narrow_amd64.s).
const narrowLimit = 1 << 48

// maxGroup bounds a method's width: the IFMA loops' three registers of
// eight.
const maxGroup = 24

// scalarMethod interleaves width numbers, 1 to maxLanes, in the scalar
// loops.
func scalarMethod(width int) method {
	if width < 1 || width > maxLanes {
		panic(fmt.Sprintf("prime: %d scalar lanes: want 1 to %d", width, maxLanes))
	}
	return method{width: width}
}

// strong sets pass[i] to whether ns[i] is a strong probable prime to base 2.
// The scalar loops take four numbers in assembly, other counts in Go.
func (m *method) strong(ns []uint64, pass []bool) {
	if vectorStrong(m.loops, ns, pass) {
		return
	}
	var a [maxLanes]uint64
	var ok [maxLanes]bool
	copy(a[:], ns)
	if len(ns) == 4 {
		strongBase2x4(&a, &ok)
	} else {
		strongBase2(&a, &ok, len(ns))
	}
	copy(pass, ok[:len(ns)])
}

// lucas sets pass[i] to whether ns[i] is an extra strong Lucas probable
// prime with parameter ps[i].
func (m *method) lucas(ns, ps []uint64, pass []bool) {
	if vectorLucas(m.loops, ns, ps, pass) {
		return
	}
	var a, p [maxLanes]uint64
	var ok [maxLanes]bool
	copy(a[:], ns)
	copy(p[:], ps)
	if len(ns) == 4 {
		extraStrongLucasx4(&a, &p, &ok)
	} else {
		extraStrongLucas(&a, &p, &ok, len(ns))
	}
	copy(pass, ok[:len(ns)])
}

// fastest is the fastest method this CPU has, which the engines use.
var fastest = func() method {
	if m, ok := ifmaMethod(); ok {
		return m
	}
	return scalarMethod(lanes)
}()

// Loops says which loops the engines run on this CPU, for the CLI's
// --verbose and for CI to know what it compared.
func Loops() string {
	switch {
	case fastest.loops == wideLoops && fastest.narrow != nil:
		return fmt.Sprintf("AVX-512 IFMA, %d numbers at a time, in one 52-bit limb below 2^48 and two above", fastest.width)
	case fastest.loops == wideLoops:
		return fmt.Sprintf("AVX-512 IFMA, %d numbers at a time, in two 52-bit limbs", fastest.width)
	}
	return fmt.Sprintf("%s, %d numbers at a time", scalarLoopsIn, fastest.width)
}

// testBatch sets out[i] to whether ns[i] is prime. It runs in three stages
// over windows of the batch — trial division, the base-2 strong test, the
// Lucas test — each stage passing on the survivors of the one before, so
// every interleaved loop is filled with numbers that need the same work.
func testBatch(ns []uint64, out []bool, m method) {
	var cand, sure [window]int32
	for base := 0; base < len(ns); base += window {
		w := ns[base:min(base+window, len(ns))]
		o := out[base : base+len(w)]
		k := m.screenStage(w, o, cand[:])
		k = m.strongStage(w, cand[:k], sure[:])
		k = m.lucasStage(w, sure[:k], cand[:])
		for _, i := range cand[:k] {
			o[i] = true
		}
	}
}

// screenStage runs trial division over w, setting o[i] for each number it
// settles and writing the indices of the others to cand, returning their
// count.
func (m *method) screenStage(w []uint64, o []bool, cand []int32) int {
	k, i := 0, 0
	if m.loops != scalarLoops {
		k, i = screenWide(w, o, cand)
	}
	for ; i < len(w); i++ {
		prime, decided := screen(w[i])
		o[i] = prime
		if !decided {
			cand[k] = int32(i)
			k++
		}
	}
	return k
}

// strongStage runs the base-2 test on the numbers w[i] for i in in, and
// writes the indices of those that pass to out, returning their count. It
// reorders in.
func (m *method) strongStage(w []uint64, in, out []int32) int {
	if m.narrow != nil {
		// Too few narrow numbers to fill a pass ride with the wide ones.
		if s := partitionNarrow(w, in, nil); s >= m.narrow.fill {
			k := m.narrow.strongStage(w, in[:s], out)
			return k + m.strongGroups(w, in[s:], out[k:])
		}
	}
	return m.strongGroups(w, in, out)
}

// strongGroups is strongStage width numbers at a time.
func (m *method) strongGroups(w []uint64, in, out []int32) int {
	var ns [maxGroup]uint64
	var pass [maxGroup]bool
	k := 0
	for len(in) > 0 {
		if len(in) < m.fill {
			return k + m.small.strongGroups(w, in, out[k:])
		}
		g := in[:min(m.width, len(in))]
		in = in[len(g):]
		for l, i := range g {
			ns[l] = w[i]
		}
		m.strong(ns[:len(g)], pass[:len(g)])
		for l, i := range g {
			if pass[l] {
				out[k] = i
				k++
			}
		}
	}
	return k
}

// lucasStage chooses the parameter of each number w[i] for i in in, runs the
// Lucas test on those the search did not already prove composite, and
// writes the indices of those that pass to out, returning their count. It
// reorders in.
func (m *method) lucasStage(w []uint64, in, out []int32) int {
	var ps [window]uint64
	j := 0
	for _, i := range in {
		if p, ok := lucasParameter(w[i]); ok {
			in[j], ps[j] = i, p
			j++
		}
	}
	in, p := in[:j], ps[:j]
	if m.narrow != nil {
		if s := partitionNarrow(w, in, p); s >= m.narrow.fill {
			k := m.narrow.lucasGroups(w, in[:s], p[:s], out)
			return k + m.lucasGroups(w, in[s:], p[s:], out[k:])
		}
	}
	return m.lucasGroups(w, in, p, out)
}

// partitionNarrow reorders the indices in, and ps alongside when not nil, so
// that the numbers w[i] below narrowLimit come first, and returns how many
// they are.
func partitionNarrow(w []uint64, in []int32, ps []uint64) int {
	s := 0
	for j, i := range in {
		if w[i] < narrowLimit {
			in[s], in[j] = in[j], in[s]
			if ps != nil {
				ps[s], ps[j] = ps[j], ps[s]
			}
			s++
		}
	}
	return s
}

// lucasGroups runs the Lucas test on the numbers w[i] for i in in with
// parameters ps, width at a time, as strongStage does the base-2 test.
func (m *method) lucasGroups(w []uint64, in []int32, ps []uint64, out []int32) int {
	var ns [maxGroup]uint64
	var pass [maxGroup]bool
	k := 0
	for len(in) > 0 {
		if len(in) < m.fill {
			return k + m.small.lucasGroups(w, in, ps, out[k:])
		}
		g := min(m.width, len(in))
		for l, i := range in[:g] {
			ns[l] = w[i]
		}
		m.lucas(ns[:g], ps[:g], pass[:g])
		for l, i := range in[:g] {
			if pass[l] {
				out[k] = i
				k++
			}
		}
		in, ps = in[g:], ps[g:]
	}
	return k
}
