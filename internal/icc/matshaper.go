//go:build cgo

package icc

/*
#include <lcms2.h>

// icc_matshaper reads an RGB matrix-shaper profile's tone curves, sampled
// at the 256 8-bit levels, and its colorants (the matrix's columns, XYZ
// relative to D50). It returns 0 for any other kind of profile.
static int icc_matshaper(cmsHPROFILE h, float *lin, double *m) {
	static const cmsTagSignature colorant[3] = {cmsSigRedColorantTag, cmsSigGreenColorantTag, cmsSigBlueColorantTag};
	static const cmsTagSignature trc[3] = {cmsSigRedTRCTag, cmsSigGreenTRCTag, cmsSigBlueTRCTag};
	if (h == NULL || cmsGetColorSpace(h) != cmsSigRgbData || !cmsIsMatrixShaper(h)) return 0;
	for (int c = 0; c < 3; c++) {
		cmsCIEXYZ *xyz = (cmsCIEXYZ *)cmsReadTag(h, colorant[c]);
		cmsToneCurve *t = (cmsToneCurve *)cmsReadTag(h, trc[c]);
		if (xyz == NULL || t == NULL) return 0;
		for (int i = 0; i < 256; i++) lin[c * 256 + i] = cmsEvalToneCurveFloat(t, i / 255.0f);
		m[c] = xyz->X;
		m[3 + c] = xyz->Y;
		m[6 + c] = xyz->Z;
	}
	return 1;
}

static int icc_matshaper_mem(const void *b, cmsUInt32Number n, float *lin, double *m) {
	cmsHPROFILE h = cmsOpenProfileFromMem(b, n);
	int ok = icc_matshaper(h, lin, m);
	if (h != NULL) cmsCloseProfile(h);
	return ok;
}

static int icc_matshaper_srgb(float *lin, double *m) {
	cmsHPROFILE h = cmsCreate_sRGBProfile();
	int ok = icc_matshaper(h, lin, m);
	if (h != NULL) cmsCloseProfile(h);
	return ok;
}
*/
import "C"

import (
	"math"
	"math/rand/v2"
	"unsafe"
)

// A matShaper converts 8-bit RGB from a matrix-shaper profile (the kind
// cameras and displays embed: Display P3, Adobe RGB, sRGB itself) to sRGB
// in Go: the profile's curve per channel by table, the 3×3 matrix to
// sRGB's linear RGB, clip, sRGB's curve by table. It is what Little CMS's
// own 8-bit matrix-shaper path computes, at a fraction of the cost per
// pixel (lcms unpacks each pixel to 16 bits, compares it with the last
// one and packs it again through function pointers). It is used only
// when it agrees with the Little CMS transform within one level on a
// test set (every level of each channel and of gray, a 17³ grid, 4096
// random colours), so a profile it misreads falls back to Little CMS.
type matShaper struct {
	lin [3][256]float32
	m   [9]float32
	enc [encSize + 1]uint8
}

// encSize is the number of steps of the sRGB encoding table over linear
// [0, 1]: near black, where sRGB's curve is steepest (12.92), one step is
// a fifth of an 8-bit level.
const encSize = 1 << 14

// newMatShaper reads p's curves and colorants; nil when p is not a
// matrix-shaper RGB profile.
func newMatShaper(p *Profile) *matShaper {
	var lin, srgbLin [768]C.float
	var m, srgbM [9]C.double
	if C.icc_matshaper_mem(unsafe.Pointer(&p.body[0]), C.cmsUInt32Number(len(p.body)), &lin[0], &m[0]) == 0 ||
		C.icc_matshaper_srgb(&srgbLin[0], &srgbM[0]) == 0 {
		return nil
	}
	var in, out [9]float64
	for i := range 9 {
		in[i], out[i] = float64(m[i]), float64(srgbM[i])
	}
	inv, ok := invert(out)
	if !ok {
		return nil
	}
	ms := &matShaper{}
	for c := range 3 {
		for i := range 256 {
			// A curve may give anything, infinity included (a pure gamma
			// of −32768 at level 0); Little CMS clamps to [0, 1] in its
			// pipeline, and an infinity here would become NaN in the
			// matrix product and then a wild table index.
			v := float32(lin[c*256+i])
			if v != v {
				return nil
			}
			ms.lin[c][i] = min(max(v, 0), 1)
		}
	}
	for r := range 3 {
		for c := range 3 {
			var s float64
			for k := range 3 {
				s += inv[3*r+k] * in[3*k+c]
			}
			ms.m[3*r+c] = float32(s)
		}
	}
	for i := range ms.enc {
		v := float64(i) / encSize
		if v <= 0.0031308 {
			v *= 12.92
		} else {
			v = 1.055*math.Pow(v, 1/2.4) - 0.055
		}
		ms.enc[i] = uint8(math.Round(min(max(v, 0), 1) * 255))
	}
	return ms
}

func invert(a [9]float64) ([9]float64, bool) {
	det := a[0]*(a[4]*a[8]-a[5]*a[7]) - a[1]*(a[3]*a[8]-a[5]*a[6]) + a[2]*(a[3]*a[7]-a[4]*a[6])
	if math.Abs(det) < 1e-12 {
		return [9]float64{}, false
	}
	return [9]float64{
		(a[4]*a[8] - a[5]*a[7]) / det, (a[2]*a[7] - a[1]*a[8]) / det, (a[1]*a[5] - a[2]*a[4]) / det,
		(a[5]*a[6] - a[3]*a[8]) / det, (a[0]*a[8] - a[2]*a[6]) / det, (a[2]*a[3] - a[0]*a[5]) / det,
		(a[3]*a[7] - a[4]*a[6]) / det, (a[1]*a[6] - a[0]*a[7]) / det, (a[0]*a[4] - a[1]*a[3]) / det,
	}, true
}

// run converts h rows of w RGBA pixels (4 bytes each, alpha left alone);
// in and out may be the same memory.
func (ms *matShaper) run(in, out []byte, w, h, strideIn, strideOut int) {
	m := &ms.m
	for y := range h {
		src := in[y*strideIn : y*strideIn+4*w]
		dst := out[y*strideOut : y*strideOut+4*w]
		for i := 0; i < len(src); i += 4 {
			r, g, b := ms.lin[0][src[i]], ms.lin[1][src[i+1]], ms.lin[2][src[i+2]]
			dst[i] = ms.enc[encIndex(m[0]*r+m[1]*g+m[2]*b)]
			dst[i+1] = ms.enc[encIndex(m[3]*r+m[4]*g+m[5]*b)]
			dst[i+2] = ms.enc[encIndex(m[6]*r+m[7]*g+m[8]*b)]
		}
	}
}

// encIndex clips a linear value to [0, 1] (out of sRGB's gamut) and
// returns its step in the encoding table.
func encIndex(v float32) int {
	return int(min(max(v, 0), 1)*encSize + 0.5)
}

// agrees reports whether ms and Little CMS's transform t give the same
// colours within one level on the test set.
func (ms *matShaper) agrees(t *transform) bool {
	var pix []byte
	for v := range 256 {
		c := byte(v)
		pix = append(pix, c, 0, 0, 255, 0, c, 0, 255, 0, 0, c, 255, c, c, c, 255)
	}
	for r := 0; r <= 256; r += 16 {
		for g := 0; g <= 256; g += 16 {
			for b := 0; b <= 256; b += 16 {
				pix = append(pix, byte(min(r, 255)), byte(min(g, 255)), byte(min(b, 255)), 255)
			}
		}
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 4096 {
		v := rng.Uint32()
		pix = append(pix, byte(v), byte(v>>8), byte(v>>16), 255)
	}
	a, b := append([]byte(nil), pix...), append([]byte(nil), pix...)
	ms.run(a, a, len(a)/4, 1, len(a), len(a))
	t.runLCMS(b, b, len(b)/4, 1, len(b), len(b))
	for i := range a {
		if d := int(a[i]) - int(b[i]); d > 1 || d < -1 {
			return false
		}
	}
	return true
}
