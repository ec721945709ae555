//go:build !amd64 || purego

package prime

// ifmaMethod reports that there is no IFMA path in this build.
func ifmaMethod() (method, bool) { return method{}, false }

// Without the assembly there are no IFMA loops, and no method asks for
// them; these keep method's two branches compiling.

func strongBase2IFMA(ns []uint64, pass []bool) {
	m := scalarMethod(lanes)
	m.strong(ns, pass)
}

func extraStrongLucasIFMA(ns, ps []uint64, pass []bool) {
	m := scalarMethod(lanes)
	m.lucas(ns, ps, pass)
}

func screenWide([]uint64, []bool, []int32) (k, done int) { return 0, 0 }
