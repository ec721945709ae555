//go:build amd64 && !purego

package bigprime

import "golang.org/x/sys/cpu"

// haveMULX reports whether the CPU has MULX (BMI2) and ADCX/ADOX (ADX),
// which mont_amd64.s needs; without them mul and sqr run the Go code.
var haveMULX = cpu.X86.HasBMI2 && cpu.X86.HasADX

// Implemented in mont_amd64.s (written by gen_amd64.go).
//
//go:noescape
func montMul2(z, x, y *nat2, m *mod2)

//go:noescape
func montSqr2(z, x *nat2, m *mod2)

//go:noescape
func montMul4(z, x, y *nat4, m *mod4)

//go:noescape
func montSqr4(z, x *nat4, m *mod4)

//go:noescape
func base2Ladder2(x *nat2, m *mod2, top, s int)

//go:noescape
func base2Ladder4(x *nat4, m *mod4, top, s int)

// base2Ladder runs strongBase2's exponentiation, bits top down to s of n,
// in one assembly loop, and reports whether it did.
func (m *mod2) base2Ladder(x *nat2, top, s int) bool {
	if !haveMULX {
		return false
	}
	base2Ladder2(x, m, top, s)
	return true
}

// base2Ladder runs strongBase2's exponentiation, bits top down to s of n,
// in one assembly loop, and reports whether it did.
func (m *mod4) base2Ladder(x *nat4, top, s int) bool {
	if !haveMULX {
		return false
	}
	base2Ladder4(x, m, top, s)
	return true
}

// mul sets z = x·y·R⁻¹ mod n.
func (m *mod2) mul(z, x, y *nat2) {
	if haveMULX {
		montMul2(z, x, y, m)
		return
	}
	m.mulGo(z, x, y)
}

// sqr sets z = x²·R⁻¹ mod n.
func (m *mod2) sqr(z, x *nat2) {
	if haveMULX {
		montSqr2(z, x, m)
		return
	}
	m.sqrGo(z, x)
}

// mul sets z = x·y·R⁻¹ mod n.
func (m *mod4) mul(z, x, y *nat4) {
	if haveMULX {
		montMul4(z, x, y, m)
		return
	}
	m.mulGo(z, x, y)
}

// sqr sets z = x²·R⁻¹ mod n.
func (m *mod4) sqr(z, x *nat4) {
	if haveMULX {
		montSqr4(z, x, m)
		return
	}
	m.sqrGo(z, x)
}
