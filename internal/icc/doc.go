// Package icc reads ICC colour profiles and converts pixels between them
// through Little CMS (cgo, Debian's liblcms2-dev): an embedded profile to
// sRGB, as an export profile does, CMYK included. Built without cgo,
// [Available] is false and conversions return [ErrUnavailable].
//
// It knows profiles and pixel buffers only: it imports nothing of
// corescale.
package icc
