//go:build !amd64 || purego

package bigprime

// haveMULX is false: there is no assembly on this build.
const haveMULX = false

// mul sets z = x·y·R⁻¹ mod n.
func (m *mod2) mul(z, x, y *nat2) { m.mulGo(z, x, y) }

// sqr sets z = x²·R⁻¹ mod n.
func (m *mod2) sqr(z, x *nat2) { m.sqrGo(z, x) }

// mul sets z = x·y·R⁻¹ mod n.
func (m *mod4) mul(z, x, y *nat4) { m.mulGo(z, x, y) }

// sqr sets z = x²·R⁻¹ mod n.
func (m *mod4) sqr(z, x *nat4) { m.sqrGo(z, x) }

// base2Ladder reports false: strongBase2 runs its Go loop.
func (m *mod2) base2Ladder(*nat2, int, int) bool { return false }

// base2Ladder reports false: strongBase2 runs its Go loop.
func (m *mod4) base2Ladder(*nat4, int, int) bool { return false }
