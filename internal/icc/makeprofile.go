//go:build cgo

package icc

/*
#include <lcms2.h>
#include <stdlib.h>

void *icc_save(cmsHPROFILE h, cmsUInt32Number *n);

// icc_make_rgb builds a matrix-shaper RGB profile: white point and
// primaries as CIE xy, and the sRGB curve (srgb != 0) or a pure gamma.
static void *icc_make_rgb(double *xy, int srgb, double gamma, double version, const char *desc, cmsUInt32Number *n) {
	cmsCIExyY white = {xy[0], xy[1], 1};
	cmsCIExyYTRIPLE prim = {{xy[2], xy[3], 1}, {xy[4], xy[5], 1}, {xy[6], xy[7], 1}};
	cmsFloat64Number p[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
	cmsToneCurve *c = srgb ? cmsBuildParametricToneCurve(NULL, 4, p) : cmsBuildGamma(NULL, gamma);
	if (c == NULL) return NULL;
	cmsToneCurve *curves[3] = {c, c, c};
	cmsHPROFILE h = cmsCreateRGBProfile(&white, &prim, curves);
	cmsFreeToneCurve(c);
	if (h != NULL) {
		cmsMLU *mlu = cmsMLUalloc(NULL, 1);
		cmsMLUsetASCII(mlu, "en", "US", desc);
		cmsWriteTag(h, cmsSigProfileDescriptionTag, mlu);
		cmsMLUfree(mlu);
		cmsSetProfileVersion(h, version);
	}
	return icc_save(h, n);
}

static void *icc_make_gray(double gamma, cmsUInt32Number *n) {
	cmsToneCurve *c = cmsBuildGamma(NULL, gamma);
	if (c == NULL) return NULL;
	cmsHPROFILE h = cmsCreateGrayProfile(cmsD50_xyY(), c);
	cmsFreeToneCurve(c);
	return icc_save(h, n);
}

static void *icc_make_lab(cmsUInt32Number *n) { return icc_save(cmsCreateLab4Profile(NULL), n); }
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// The profile makers below build test profiles with Little CMS itself,
// so the tests need no profile files.

// makeRGBProfile returns a matrix-shaper RGB profile of an ICC version
// (2.1 writes a v2 'desc' tag, 4.3 an 'mluc' one) with the white point
// and primaries given as CIE xy (white, red, green, blue), the sRGB curve
// when gamma is 0, else that pure gamma.
func makeRGBProfile(desc string, version float64, xy [8]float64, gamma float64) ([]byte, error) {
	cdesc := C.CString(desc)
	defer C.free(unsafe.Pointer(cdesc))
	srgb := C.int(0)
	if gamma == 0 {
		srgb = 1
	}
	var n C.cmsUInt32Number
	b := C.icc_make_rgb((*C.double)(unsafe.Pointer(&xy[0])), srgb, C.double(gamma), C.double(version), cdesc, &n)
	return goBytes(b, n)
}

// makeGrayProfile returns a gray profile, D50 white, of a pure gamma.
func makeGrayProfile(gamma float64) ([]byte, error) {
	var n C.cmsUInt32Number
	return goBytes(C.icc_make_gray(C.double(gamma), &n), n)
}

// makeLabProfile returns Little CMS's Lab v4 profile, a colour space
// ToSRGB refuses.
func makeLabProfile() ([]byte, error) {
	var n C.cmsUInt32Number
	return goBytes(C.icc_make_lab(&n), n)
}

func goBytes(b unsafe.Pointer, n C.cmsUInt32Number) ([]byte, error) {
	if b == nil {
		return nil, fmt.Errorf("icc: Little CMS could not make the profile")
	}
	defer C.free(b)
	return C.GoBytes(b, C.int(n)), nil
}
