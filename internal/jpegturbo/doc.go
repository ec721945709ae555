// Package jpegturbo decodes and encodes JPEG through libjpeg-turbo's
// TurboJPEG API (cgo, Debian's libturbojpeg0-dev): decoding scaled in the
// DCT domain (1/2, 1/4, 1/8), straight to YCbCr planes, and encoding from
// planes or pixels. Built without cgo, [Available] is false and every call
// returns [ErrUnavailable], so that callers fall back to Go's image/jpeg.
//
// It knows JPEG bytes and Go images only: it imports nothing of corescale.
package jpegturbo
