//go:build cgo

package icc

/*
#cgo LDFLAGS: -llcms2
#include <lcms2.h>
#include <stdlib.h>
#include <string.h>

// Little CMS reports what went wrong only through a log handler. Each
// wrapper below clears this thread's message, calls lcms and copies the
// message out before returning, all within one cgo call and so on one
// thread, which keeps concurrent calls' messages apart.
static __thread char icc_msg[256];

static void icc_log(cmsContext ctx, cmsUInt32Number code, const char *text) {
	(void)ctx; (void)code;
	if (icc_msg[0] == 0) {
		strncpy(icc_msg, text, sizeof icc_msg - 1);
	}
}

static void icc_init(void) { cmsSetLogErrorHandler(icc_log); }

static void icc_take(char *msg, int n) {
	strncpy(msg, icc_msg, n - 1);
	msg[n - 1] = 0;
	icc_msg[0] = 0;
}

static int icc_open(const void *b, cmsUInt32Number n, char *msg, int msglen) {
	icc_msg[0] = 0;
	cmsHPROFILE h = cmsOpenProfileFromMem(b, n);
	if (h == NULL) {
		icc_take(msg, msglen);
		return 0;
	}
	cmsCloseProfile(h);
	return 1;
}

// icc_srgb_gray is a gray profile with sRGB's white (D50-adapted, as the
// PCS has it) and sRGB's transfer curve: a gray image's sRGB.
static cmsHPROFILE icc_srgb_gray(void) {
	cmsFloat64Number p[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
	cmsToneCurve *c = cmsBuildParametricToneCurve(NULL, 4, p);
	if (c == NULL) return NULL;
	cmsHPROFILE h = cmsCreateGrayProfile(cmsD50_xyY(), c);
	cmsFreeToneCurve(c);
	return h;
}

static cmsHTRANSFORM icc_build(const void *b, cmsUInt32Number n, cmsUInt32Number inFmt,
                               cmsUInt32Number outFmt, int gray, char *msg, int msglen) {
	icc_msg[0] = 0;
	cmsHPROFILE in = cmsOpenProfileFromMem(b, n);
	if (in == NULL) {
		icc_take(msg, msglen);
		return NULL;
	}
	cmsHPROFILE out = gray ? icc_srgb_gray() : cmsCreate_sRGBProfile();
	cmsHTRANSFORM t = NULL;
	if (out != NULL) {
		t = cmsCreateTransform(in, inFmt, out, outFmt, INTENT_RELATIVE_COLORIMETRIC, 0);
		cmsCloseProfile(out);
	}
	cmsCloseProfile(in);
	if (t == NULL) icc_take(msg, msglen);
	return t;
}

static void icc_run(cmsHTRANSFORM t, const void *in, void *out, cmsUInt32Number w,
                    cmsUInt32Number h, cmsUInt32Number strideIn, cmsUInt32Number strideOut) {
	cmsDoTransformLineStride(t, in, out, w, h, strideIn, strideOut, 0, 0);
}

// icc_save writes a profile to malloc'd memory, freed by the caller.
void *icc_save(cmsHPROFILE h, cmsUInt32Number *n) {
	void *b = NULL;
	*n = 0;
	if (h == NULL) return NULL;
	if (cmsSaveProfileToMem(h, NULL, n) && *n > 0) {
		b = malloc(*n);
		if (b != NULL && !cmsSaveProfileToMem(h, b, n)) {
			free(b);
			b = NULL;
		}
	}
	cmsCloseProfile(h);
	return b;
}

static void *icc_srgb_bytes(cmsUInt32Number *n) { return icc_save(cmsCreate_sRGBProfile(), n); }

static int icc_version(void) { return cmsGetEncodedCMMversion(); }
*/
import "C"

import (
	"container/list"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Available reports whether Little CMS is linked in (a cgo build).
const Available = true

func init() { C.icc_init() }

// Version names the linked Little CMS, such as "Little CMS 2.14".
func Version() string {
	v := int(C.icc_version())
	return fmt.Sprintf("Little CMS %d.%d", v/1000, v%1000/10)
}

// SRGBProfile returns Little CMS's sRGB profile, the target of ToSRGB, to
// embed in an output that was converted (as vipsthumbnail embeds its
// export profile). The bytes are shared: the caller must not modify them.
func SRGBProfile() ([]byte, error) { return srgbProfile() }

var srgbProfile = sync.OnceValues(func() ([]byte, error) {
	var n C.cmsUInt32Number
	b := C.icc_srgb_bytes(&n)
	if b == nil {
		return nil, fmt.Errorf("icc: Little CMS could not write its sRGB profile")
	}
	defer C.free(b)
	return C.GoBytes(b, C.int(n)), nil
})

func lcmsError(msg []C.char) string {
	s := C.GoString(&msg[0])
	if s == "" {
		return "Little CMS gave no reason"
	}
	return s
}

// check opens the profile in Little CMS, so that a profile it cannot use
// fails at Parse, and decides IsSRGB.
func check(p *Profile) error {
	var msg [256]C.char
	if C.icc_open(unsafe.Pointer(&p.body[0]), C.cmsUInt32Number(len(p.body)), &msg[0], C.int(len(msg))) == 0 {
		return fmt.Errorf("icc: Little CMS cannot read the profile: %s", lcmsError(msg[:]))
	}
	if p.convertible() != nil || p.space == SpaceCMYK {
		return nil
	}
	srgb, err := isSRGB(p)
	if err != nil {
		return err
	}
	p.srgb = srgb
	return nil
}

// isSRGB runs the profile's own transform to sRGB over a test pattern
// (see Parse for why).
func isSRGB(p *Profile) (bool, error) {
	var pix []byte
	var l layout
	if p.space == SpaceGray {
		l = gray8
		for v := range 256 {
			pix = append(pix, byte(v))
		}
	} else {
		l = rgba8
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
	}
	t, err := acquire(p, l)
	if err != nil {
		return false, err
	}
	defer release(t)
	out := make([]byte, len(pix))
	copy(out, pix)
	n := len(pix) / l.in.size
	t.run(out, out, n, 1, len(out), len(out))
	for i := range pix {
		if d := int(out[i]) - int(pix[i]); d > 1 || d < -1 {
			return false, nil
		}
	}
	return true, nil
}

// format is an lcms pixel format and its bytes per pixel.
type format struct {
	code C.cmsUInt32Number
	size int
}

var (
	fmtRGBA8  = format{C.TYPE_RGBA_8, 4}
	fmtRGBAF  = format{C.TYPE_RGBA_FLT, 16}
	fmtGray8  = format{C.TYPE_GRAY_8, 1}
	fmtGray16 = format{C.TYPE_GRAY_16_SE, 2} // Go's 16-bit pixels are big-endian
	fmtCMYK8  = format{C.TYPE_CMYK_8, 4}
)

// layout is a transform's input and output formats; gray targets the
// sRGB-curve gray profile instead of sRGB.
type layout struct {
	in, out format
	gray    bool
}

var (
	rgba8  = layout{fmtRGBA8, fmtRGBA8, false}
	rgbaF  = layout{fmtRGBAF, fmtRGBAF, false}
	gray8  = layout{fmtGray8, fmtGray8, true}
	gray16 = layout{fmtGray16, fmtGray16, true}
	cmyk8  = layout{fmtCMYK8, fmtRGBA8, false}
)

// The transform cache. Building a transform costs milliseconds (it reads
// the profile's tags and optimises the pipeline into tables), so one is
// built per profile (by SHA-256 of its bytes) and layout and kept for the
// next image: a batch from one camera builds one. Entries are counted
// while in use, so one evicted from the cache is deleted only when the
// last conversion using it is done.
//
// One transform serves concurrent conversions: in Little CMS 2.8 and
// later (Debian has 2.14) cmsDoTransform keeps its one-pixel cache in a
// local copy per call and only reads the transform, so no
// cmsFLAGS_NOCACHE and no transform per goroutine is needed (the NOCACHE
// rule in the lcms documentation dates from when the cache was written
// into the transform).
type cacheKey struct {
	sum    [32]byte
	layout layout
}

type transform struct {
	h       C.cmsHTRANSFORM
	fast    *matShaper // for 8-bit RGBA from a matrix-shaper profile, or nil
	refs    int
	evicted bool
	elem    *list.Element
}

const cacheSize = 16

var cache = struct {
	sync.Mutex
	m   map[cacheKey]*transform
	lru *list.List // of cacheKey, most recently used first
}{m: map[cacheKey]*transform{}, lru: list.New()}

func acquire(p *Profile, l layout) (*transform, error) {
	key := cacheKey{p.sum, l}
	cache.Lock()
	if t, ok := cache.m[key]; ok {
		t.refs++
		cache.lru.MoveToFront(t.elem)
		cache.Unlock()
		return t, nil
	}
	cache.Unlock()

	// Built outside the lock so that one slow build does not hold up
	// conversions through other profiles; two goroutines racing to build
	// the same key keep the first and delete the second.
	nt, err := build(p, l)
	if err != nil {
		return nil, err
	}

	cache.Lock()
	defer cache.Unlock()
	if t, ok := cache.m[key]; ok {
		nt.delete()
		t.refs++
		cache.lru.MoveToFront(t.elem)
		return t, nil
	}
	t := nt
	t.refs = 1
	t.elem = cache.lru.PushFront(key)
	cache.m[key] = t
	for cache.lru.Len() > cacheSize {
		old := cache.lru.Remove(cache.lru.Back()).(cacheKey)
		ot := cache.m[old]
		delete(cache.m, old)
		ot.evicted = true
		if ot.refs == 0 {
			ot.delete()
		}
	}
	return t, nil
}

// build makes the transform from p to sRGB (or gray sRGB) for layout l.
func build(p *Profile, l layout) (*transform, error) {
	var msg [256]C.char
	gray := C.int(0)
	if l.gray {
		gray = 1
	}
	h := C.icc_build(unsafe.Pointer(&p.body[0]), C.cmsUInt32Number(len(p.body)), l.in.code, l.out.code, gray, &msg[0], C.int(len(msg)))
	if h == nil {
		return nil, fmt.Errorf("icc: Little CMS cannot convert from profile %s to sRGB: %s", p, lcmsError(msg[:]))
	}
	builds.Add(1)
	t := &transform{h: h}
	if l == rgba8 {
		if ms := newMatShaper(p); ms != nil && ms.agrees(t) {
			t.fast = ms
		}
	}
	return t, nil
}

// builds counts the transforms built, for the cache's test.
var builds atomic.Int64

func (t *transform) delete() {
	C.cmsDeleteTransform(t.h)
	t.h = nil
}

func release(t *transform) {
	cache.Lock()
	defer cache.Unlock()
	t.refs--
	if t.refs == 0 && t.evicted {
		t.delete()
	}
}

// run transforms h rows of w pixels; in and out may be the same memory
// when the formats have the same size (lcms reads each pixel before
// writing it, and leaves the alpha byte it does not write alone).
func (t *transform) run(in, out []byte, w, h, strideIn, strideOut int) {
	if t.fast != nil {
		t.fast.run(in, out, w, h, strideIn, strideOut)
		return
	}
	t.runLCMS(in, out, w, h, strideIn, strideOut)
}

// runLCMS is run through Little CMS, whatever the transform.
func (t *transform) runLCMS(in, out []byte, w, h, strideIn, strideOut int) {
	C.icc_run(t.h, unsafe.Pointer(&in[0]), unsafe.Pointer(&out[0]), C.cmsUInt32Number(w), C.cmsUInt32Number(h), C.cmsUInt32Number(strideIn), C.cmsUInt32Number(strideOut))
}
