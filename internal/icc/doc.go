// Package icc reads ICC colour profiles and converts pixels between them
// through Little CMS (cgo, Debian's liblcms2-dev): an embedded profile to
// sRGB, as an export profile does, CMYK included. Built without cgo,
// [Available] is false and conversions return [ErrUnavailable].
//
// [Parse] validates a profile (pure Go first, then Little CMS opens it)
// and tells its colour space, description and whether it is sRGB already;
// [ToSRGB] converts an image with relative colorimetric intent and no
// black-point compensation, vipsthumbnail's default (8-bit RGB from a
// matrix-shaper profile in Go at half Little CMS's cost per pixel, used
// only where it agrees with Little CMS). Transforms take
// milliseconds to build and are cached by the profile's SHA-256 and the
// pixel layout, and shared between goroutines; an image's rows are
// transformed in bands by up to a given number of workers.
//
// It knows profiles and pixel buffers only: it imports nothing of
// corescale.
package icc
