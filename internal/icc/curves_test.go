//go:build cgo

package icc

import (
	"bytes"
	"encoding/binary"
	"testing"
)

// withParaGamma is the test profile name with every parametric curve
// ('para') replaced by a pure gamma of the s15Fixed16 value g, which a
// profile may hold but no real one does: negative or huge gammas send a
// level to infinity.
func withParaGamma(t *testing.T, name string, g uint32) []byte {
	t.Helper()
	b := bytes.Clone(testProfile(t, name).Bytes())
	n := 0
	for i := range binary.BigEndian.Uint32(b[128:]) {
		off := binary.BigEndian.Uint32(b[headerSize+12*i+4:])
		if string(b[off:off+4]) == "para" {
			binary.BigEndian.PutUint16(b[off+8:], 0) // function type 0: Y = X^g
			binary.BigEndian.PutUint32(b[off+12:], g)
			n++
		}
	}
	if n == 0 {
		t.Fatalf("%s has no parametric curve to replace", name)
	}
	return b
}

// TestParseSurvivesDegenerateCurves: tone curves that give infinite or
// enormous values at some levels must not crash Parse (which builds the
// transform and its Go fast path to test for sRGB) or the conversion;
// Little CMS clamps what they give, and so must the fast path.
func TestParseSurvivesDegenerateCurves(t *testing.T) {
	for _, c := range []struct {
		name string
		g    uint32
	}{
		{"gamma -32768 (0x80000000)", 0x80000000},
		{"gamma -1", 0xffff0000},
		{"gamma 32768 (0x7fffffff)", 0x7fffffff},
		{"gamma 0", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(withParaGamma(t, "p3", c.g))
			if err != nil {
				return // refused with a reason is fine too
			}
			img := testImage(16, 16)
			if _, err := ToSRGB(img, p, 1); err != nil {
				t.Fatalf("ToSRGB: %v", err)
			}
			if ms := newMatShaper(p); ms != nil {
				for c := range ms.lin {
					for i, v := range ms.lin[c] {
						if !(v >= 0 && v <= 1) {
							t.Fatalf("fast path's curve %d at level %d is %v, outside [0, 1]", c, i, v)
						}
					}
				}
			}
		})
	}
}
