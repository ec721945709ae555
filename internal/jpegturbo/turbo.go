//go:build cgo

package jpegturbo

/*
#cgo LDFLAGS: -lturbojpeg
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include <jconfig.h>

#define JT_STR2(x) #x
#define JT_STR(x) JT_STR2(x)
static const char *jt_version(void) { return JT_STR(LIBJPEG_TURBO_VERSION); }

// The planes are passed one by one because cgo forbids handing C a Go array
// of Go pointers; the array is built here, on the C stack.
static int jt_decode_yuv(tjhandle h, const unsigned char *buf, unsigned long size,
		unsigned char *y, unsigned char *cb, unsigned char *cr,
		int ys, int cs, int w, int hgt, int flags) {
	unsigned char *planes[3] = {y, cb, cr};
	int strides[3] = {ys, cs, cs};
	return tjDecompressToYUVPlanes(h, buf, size, planes, w, strides, hgt, flags);
}

static int jt_encode_yuv(tjhandle h, const unsigned char *y, const unsigned char *cb,
		const unsigned char *cr, int ys, int cs, int w, int hgt, int subsamp,
		unsigned char **out, unsigned long *outSize, int quality, int flags) {
	const unsigned char *planes[3] = {y, cb, cr};
	int strides[3] = {ys, cs, cs};
	return tjCompressFromYUVPlanes(h, planes, w, strides, hgt, subsamp, out, outSize, quality, flags);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"runtime"
	"unsafe"
)

// Available reports whether libjpeg-turbo is linked in.
const Available = true

// Version names the linked library, for --verbose. TurboJPEG 2.1 has no
// call that tells its version, so it is the header's, at build time.
func Version() string { return "libjpeg-turbo " + C.GoString(C.jt_version()) + " (TurboJPEG)" }

// handle is a TurboJPEG instance, made for one call and freed after it.
// Reusing them through a pool does not pay: making and freeing one is
// about 3,800 instructions (callgrind), 0.3% of decoding even a 160×120
// JPEG.
type handle struct{ h C.tjhandle }

// getHandle pins the goroutine to its OS thread until put: TurboJPEG 2.1
// keeps a warning's text in a thread-local buffer, which the next cgo call
// reads on whatever thread the goroutine then runs on, so a moved goroutine
// read "No error" for "Premature end of JPEG file" (the golden test did, on
// a loaded machine).
func getHandle(decomp bool) (*handle, error) {
	runtime.LockOSThread()
	var h C.tjhandle
	if decomp {
		h = C.tjInitDecompress()
	} else {
		h = C.tjInitCompress()
	}
	if h == nil {
		defer runtime.UnlockOSThread()
		return nil, fmt.Errorf("libjpeg-turbo: %s", C.GoString(C.tjGetErrorStr2(nil)))
	}
	return &handle{h: h}, nil
}

func (h *handle) put() {
	C.tjDestroy(h.h)
	runtime.UnlockOSThread()
}

// failure turns a -1 from TurboJPEG into a *Warning or a fatal error. It
// must be called before the handle is used again.
func (h *handle) failure(what string) error {
	msg := C.GoString(C.tjGetErrorStr2(h.h))
	if C.tjGetErrorCode(h.h) == C.TJERR_WARNING {
		return &Warning{Msg: msg}
	}
	return fmt.Errorf("%s: %s", what, msg)
}

func cbuf(data []byte) (*C.uchar, C.ulong) {
	return (*C.uchar)(unsafe.Pointer(unsafe.SliceData(data))), C.ulong(len(data))
}

// ReadHeader reads the size, subsampling and colour space of a JPEG file
// held whole in data.
func ReadHeader(data []byte) (Header, error) {
	if len(data) == 0 {
		return Header{}, errors.New("reading JPEG header: no data")
	}
	h, err := getHandle(true)
	if err != nil {
		return Header{}, err
	}
	defer h.put()
	return h.header(data)
}

func (h *handle) header(data []byte) (Header, error) {
	var w, hgt, ss, cs C.int
	buf, n := cbuf(data)
	if C.tjDecompressHeader3(h.h, buf, n, &w, &hgt, &ss, &cs) != 0 {
		return Header{}, fmt.Errorf("reading JPEG header: %s", C.GoString(C.tjGetErrorStr2(h.h)))
	}
	if w <= 0 || hgt <= 0 {
		// TurboJPEG reports success, of a 0×0 image, for a file that ends
		// before its frame header.
		return Header{}, fmt.Errorf("reading JPEG header: no frame header (size %d×%d)", w, hgt)
	}
	hd := Header{Width: int(w), Height: int(hgt), ColorSpace: ColorSpace(cs)}
	if ss >= 0 {
		hd.Subsampling = Subsampling(ss) + S444
	}
	if hd.ColorSpace == CMYK || hd.ColorSpace == YCCK {
		hd.AdobeInverted = adobeMarker(data)
	}
	return hd, nil
}

// flags for every call: libjpeg's accurate integer DCT (its default, and
// Pillow's), and a bound on progressive scans against files made to keep
// the decoder busy.
const flags = C.TJFLAG_ACCURATEDCT | C.TJFLAG_LIMITSCANS

// Decode decodes the JPEG file held whole in data, reduced by shrink (1, 2,
// 4 or 8) in the DCT domain, so that the image is the stored size divided
// by shrink and rounded up. It returns *image.YCbCr for YCbCr files (the
// planes as stored), *image.Gray for grayscale, *image.CMYK for CMYK and
// YCCK (Adobe's inverted storage undone), and an opaque *image.RGBA for
// files stored as RGB.
//
// Decode allocates the image the header asks for: callers bound its size
// with ReadHeader first.
//
// When libjpeg-turbo only warns (truncated or corrupt data it decodes
// around, filling the rest), Decode returns the image and the warning, and
// a nil err; after a fatal error it returns no image.
func Decode(data []byte, shrink int) (img image.Image, warning *Warning, err error) {
	return decode(data, shrink, false)
}

// DecodeRGB is Decode that gives a YCbCr file as an opaque *image.RGBA
// instead of planes. Reduced, a subsampled file's planes lose chroma
// resolution twice (the subsampling, then the reduction), where libjpeg's
// own conversion decodes the chroma at its full stored resolution (its
// IDCT scaling does the upsampling): for an output that keeps
// full-resolution chroma, that is the colour detail the planes lack.
func DecodeRGB(data []byte, shrink int) (img image.Image, warning *Warning, err error) {
	return decode(data, shrink, true)
}

func decode(data []byte, shrink int, toRGB bool) (img image.Image, warning *Warning, err error) {
	if shrink != 1 && shrink != 2 && shrink != 4 && shrink != 8 {
		return nil, nil, fmt.Errorf("JPEG scale 1/%d: only 1, 1/2, 1/4 and 1/8", shrink)
	}
	if len(data) == 0 {
		return nil, nil, errors.New("decoding JPEG: no data")
	}
	h, err := getHandle(true)
	if err != nil {
		return nil, nil, err
	}
	defer h.put()
	hd, err := h.header(data)
	if err != nil {
		return nil, nil, err
	}
	w, ht := scaled(hd.Width, shrink), scaled(hd.Height, shrink)
	buf, n := cbuf(data)
	var rc C.int
	switch {
	case hd.ColorSpace == YCbCr && hd.Subsampling.ratio() >= 0 && !toRGB:
		m := newPaddedYCbCr(w, ht, hd.Subsampling)
		rc = C.jt_decode_yuv(h.h, buf, n, (*C.uchar)(&m.Y[0]), (*C.uchar)(&m.Cb[0]), (*C.uchar)(&m.Cr[0]),
			C.int(m.YStride), C.int(m.CStride), C.int(w), C.int(ht), flags)
		img = m
	case hd.ColorSpace == Gray:
		m := image.NewGray(image.Rect(0, 0, w, ht))
		rc = C.tjDecompress2(h.h, buf, n, (*C.uchar)(&m.Pix[0]), C.int(w), C.int(m.Stride), C.int(ht), C.TJPF_GRAY, flags)
		img = m
	case hd.ColorSpace == CMYK || hd.ColorSpace == YCCK:
		m := image.NewCMYK(image.Rect(0, 0, w, ht))
		rc = C.tjDecompress2(h.h, buf, n, (*C.uchar)(&m.Pix[0]), C.int(w), C.int(m.Stride), C.int(ht), C.TJPF_CMYK, flags)
		if hd.AdobeInverted {
			defer invert(m.Pix)
		}
		img = m
	default:
		// RGB as stored, or YCbCr sampled in a way image.YCbCr cannot hold.
		m := image.NewRGBA(image.Rect(0, 0, w, ht))
		rc = C.tjDecompress2(h.h, buf, n, (*C.uchar)(&m.Pix[0]), C.int(w), C.int(m.Stride), C.int(ht), C.TJPF_RGBX, flags)
		setOpaque(m.Pix)
		img = m
	}
	if rc != 0 {
		err := h.failure("decoding JPEG")
		if w, ok := err.(*Warning); ok {
			return img, w, nil
		}
		return nil, nil, err
	}
	return img, nil, nil
}

// newPaddedYCbCr allocates planes as TurboJPEG writes them: whole MCUs
// wide and high (a 4:2:0 luma plane has even sides), with the image's
// rectangle the true size.
func newPaddedYCbCr(w, h int, s Subsampling) *image.YCbCr {
	ss := C.int(s.tj())
	yw, yh := int(C.tjPlaneWidth(0, C.int(w), ss)), int(C.tjPlaneHeight(0, C.int(h), ss))
	cw, ch := int(C.tjPlaneWidth(1, C.int(w), ss)), int(C.tjPlaneHeight(1, C.int(h), ss))
	b := make([]byte, yw*yh+2*cw*ch)
	return &image.YCbCr{
		Y:  b[: yw*yh : yw*yh],
		Cb: b[yw*yh : yw*yh+cw*ch : yw*yh+cw*ch],
		Cr: b[yw*yh+cw*ch:],
		// The strides are the padded widths.
		YStride: yw, CStride: cw,
		SubsampleRatio: s.ratio(),
		Rect:           image.Rect(0, 0, w, h),
	}
}

// Encode compresses img as a baseline JPEG. *image.YCbCr goes in as its
// planes when its subsampling is opt.Subsampling's (or opt.Subsampling is
// zero), else converted; *image.Gray as grayscale; *image.RGBA and
// *image.NRGBA as RGB, alpha ignored (the caller flattens translucent
// pixels first); *image.CMYK as Adobe CMYK (YCCK). Other types are
// refused.
func Encode(img image.Image, opt EncodeOptions) ([]byte, error) {
	q := opt.Quality
	if q < 1 || q > 100 {
		return nil, fmt.Errorf("JPEG quality %d is outside 1–100", q)
	}
	b := img.Bounds()
	if b.Empty() {
		return nil, errors.New("encoding JPEG: empty image")
	}
	h, err := getHandle(false)
	if err != nil {
		return nil, err
	}
	defer h.put()
	var out *C.uchar
	var size C.ulong
	defer func() {
		if out != nil {
			C.tjFree(out)
		}
	}()
	w, ht := C.int(b.Dx()), C.int(b.Dy())
	var rc C.int
	switch m := img.(type) {
	case *image.YCbCr:
		p, ok := yuvPlanes(m, opt.Subsampling)
		if !ok {
			rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
			draw.Draw(rgba, rgba.Rect, m, b.Min, draw.Src)
			return Encode(rgba, opt)
		}
		rc = C.jt_encode_yuv(h.h, (*C.uchar)(&p.y[0]), (*C.uchar)(&p.cb[0]), (*C.uchar)(&p.cr[0]),
			C.int(p.ys), C.int(p.cs), w, ht, C.int(p.ss.tj()), &out, &size, C.int(q), flags)
	case *image.Gray:
		pix := m.Pix[m.PixOffset(b.Min.X, b.Min.Y):]
		rc = C.tjCompress2(h.h, (*C.uchar)(&pix[0]), w, C.int(m.Stride), ht, C.TJPF_GRAY, &out, &size, C.TJSAMP_GRAY, C.int(q), flags)
	case *image.RGBA, *image.NRGBA:
		var pix []byte
		var stride int
		if r, ok := m.(*image.RGBA); ok {
			pix, stride = r.Pix[r.PixOffset(b.Min.X, b.Min.Y):], r.Stride
		} else {
			n := m.(*image.NRGBA)
			pix, stride = n.Pix[n.PixOffset(b.Min.X, b.Min.Y):], n.Stride
		}
		ss := opt.Subsampling
		if ss == Default {
			ss = S420
		}
		if ss.tj() < 0 {
			return nil, fmt.Errorf("encoding JPEG: subsampling %v", ss)
		}
		rc = C.tjCompress2(h.h, (*C.uchar)(&pix[0]), w, C.int(stride), ht, C.TJPF_RGBX, &out, &size, C.int(ss.tj()), C.int(q), flags)
	case *image.CMYK:
		// Stored inverted, with the Adobe marker libjpeg writes, as
		// Photoshop stores CMYK and as Decode reads it back.
		inv := make([]byte, 4*b.Dx()*b.Dy())
		for y := range b.Dy() {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):][:4*b.Dx()]
			o := inv[4*b.Dx()*y:][:4*b.Dx()]
			for i, v := range row {
				o[i] = 255 - v
			}
		}
		ss := opt.Subsampling
		if ss == Default {
			ss = S444
		}
		if ss.ratio() < 0 {
			return nil, fmt.Errorf("encoding JPEG: CMYK as %v", ss)
		}
		rc = C.tjCompress2(h.h, (*C.uchar)(&inv[0]), w, C.int(4*b.Dx()), ht, C.TJPF_CMYK, &out, &size, C.int(ss.tj()), C.int(q), flags)
	default:
		return nil, fmt.Errorf("encoding JPEG: cannot encode a %T", img)
	}
	if rc != 0 {
		return nil, h.failure("encoding JPEG")
	}
	return C.GoBytes(unsafe.Pointer(out), C.int(size)), nil
}
