package imagefile

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

// DefaultMaxPixels is the limit a zero [Limits] stands for: 200 megapixels,
// room for the largest camera files. It bounds one image; what a batch
// holds at once is bounded by its memory budget, in bytes, from the
// estimates in [Info].
const DefaultMaxPixels int64 = 200_000_000

// Limits bounds what a decode may allocate.
type Limits struct {
	// MaxPixels is the most pixels (width×height) an image may have; zero
	// or less means DefaultMaxPixels, so that forgetting to set it never
	// means "unlimited". Use math.MaxInt64 to lift the limit.
	MaxPixels int64
}

func (l Limits) maxPixels() int64 {
	if l.MaxPixels <= 0 {
		return DefaultMaxPixels
	}
	return l.MaxPixels
}

// ErrTooLarge is matched (errors.Is) by every [TooLargeError].
var ErrTooLarge = errors.New("image over the pixel limit")

// ErrSize is wrapped by the error for headers with a zero, negative or
// absurd width or height.
var ErrSize = errors.New("invalid image size")

// TooLargeError reports an image whose header claims more pixels than the
// limit allowed. Width and Height are the upright size.
type TooLargeError struct {
	Name          string
	Width, Height int
	Limit         int64
}

func (e *TooLargeError) Error() string {
	mp := float64(e.Width) * float64(e.Height) / 1e6
	return fmt.Sprintf("%s: %d×%d is %.1f megapixels, over the limit of %s (see --max-pixels)",
		e.Name, e.Width, e.Height, mp, strconv.FormatFloat(float64(e.Limit)/1e6, 'f', -1, 64))
}

// Is makes errors.Is(err, ErrTooLarge) true.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }

// maxSide bounds each side on its own so that width×height cannot overflow
// an int64 and, times the 8 bytes of the widest pixel, cannot overflow an
// int on any platform once it is under the pixel limit.
const maxSide = math.MaxInt32

// bytesPerPixelMax is the widest pixel any decoder allocates (RGBA64).
const bytesPerPixelMax = 8

// checkSize applies the limits to a header's upright width and height.
func checkSize(name string, w, h int, l Limits) error {
	if w <= 0 || h <= 0 || w > maxSide || h > maxSide {
		return fmt.Errorf("%s: %d×%d: %w", name, w, h, ErrSize)
	}
	px := int64(w) * int64(h)
	limit := l.maxPixels()
	if px > limit {
		return &TooLargeError{Name: name, Width: w, Height: h, Limit: limit}
	}
	// On 32-bit platforms a lifted limit would let the decoder's
	// width×height×bpp computation wrap around.
	if px > int64(math.MaxInt)/bytesPerPixelMax {
		return &TooLargeError{Name: name, Width: w, Height: h, Limit: int64(math.MaxInt) / bytesPerPixelMax}
	}
	return nil
}
