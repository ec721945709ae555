//go:build !amd64 || purego

package resize

const haveHrow4 = false

func hrow4(out, in []uint8, start, count, weights []int32, stride int) {
	panic("resize: hrow4 without AVX2")
}

func sumRows16(acc []uint16, src []uint8, stride, rows int) {
	panic("resize: sumRows16 without AVX2")
}

func hrow1(out, in []uint8, start, count, weights []int32, stride int) {
	panic("resize: hrow1 without AVX2")
}

func padRGB16(out, in []uint8) int { return 0 }

func vstrip(out, src []uint8, stride int, weights []int32) {
	panic("resize: vstrip without AVX2")
}

func avgPairs16(out []uint8, cols []uint16, half int32, inv float32) int { return 0 }
