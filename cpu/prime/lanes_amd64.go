//go:build amd64 && !purego

package prime

// scalarLoopsIn names what the scalar loops are written in.
const scalarLoopsIn = "scalar amd64 assembly"

// base2Loop4 runs steps squaring-and-doubling steps of the base-2
// exponentiation for four numbers at once (see base2Loop4Go).
//
//go:noescape
func base2Loop4(x, e, n, inv [4]uint64, steps int) (r [4]uint64)

// lucasLoop4 runs steps steps of the Lucas V ladder for four numbers at once
// (see lucasLoop4Go).
//
//go:noescape
func lucasLoop4(a, b, g, n, inv, two, p [4]uint64, steps int) (ra, rb [4]uint64)
