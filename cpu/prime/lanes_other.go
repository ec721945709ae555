//go:build !amd64 || purego

package prime

// scalarLoopsIn names what the scalar loops are written in.
const scalarLoopsIn = "scalar Go"

// base2Loop4 runs steps squaring-and-doubling steps of the base-2
// exponentiation for four numbers at once: each step squares x and doubles
// it when the top bit of e is set, then shifts e.
func base2Loop4(x, e, n, inv [4]uint64, steps int) [4]uint64 {
	for range steps {
		for l := range 4 {
			y := mul(x[l], x[l], n[l], inv[l])
			x[l] = add(y, y&-(e[l]>>63), n[l])
			e[l] <<= 1
		}
	}
	return x
}

// lucasLoop4 runs steps steps of the Lucas V ladder for four numbers at once:
// each step swaps a and b when the top bit of g is set, then sets
// (a, b) = (a²−2, a·b−P), and shifts g.
func lucasLoop4(a, b, g, n, inv, two, p [4]uint64, steps int) ([4]uint64, [4]uint64) {
	for range steps {
		for l := range 4 {
			x, y := a[l], b[l]
			if g[l]>>63 != 0 {
				x, y = y, x
			}
			a[l] = sub(mul(x, x, n[l], inv[l]), two[l], n[l])
			b[l] = sub(mul(x, y, n[l], inv[l]), p[l], n[l])
			g[l] <<= 1
		}
	}
	return a, b
}
