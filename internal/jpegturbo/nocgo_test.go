//go:build !cgo

package jpegturbo

import (
	"errors"
	"image"
	"testing"
)

// TestUnavailable: without cgo every call says so, for callers to fall
// back on.
func TestUnavailable(t *testing.T) {
	if Available || Version() != "" {
		t.Fatal("available without cgo")
	}
	if _, err := ReadHeader([]byte{0xff, 0xd8}); !errors.Is(err, ErrUnavailable) {
		t.Error(err)
	}
	if _, _, err := Decode([]byte{0xff, 0xd8}, 1); !errors.Is(err, ErrUnavailable) {
		t.Error(err)
	}
	if _, err := Encode(image.NewGray(image.Rect(0, 0, 1, 1)), EncodeOptions{Quality: 90}); !errors.Is(err, ErrUnavailable) {
		t.Error(err)
	}
}
