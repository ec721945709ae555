//go:build !cgo

package icc

import "image"

// Available reports whether Little CMS is linked in; without cgo it is not.
const Available = false

// Version names the linked Little CMS; without cgo there is none.
func Version() string { return "" }

// SRGBProfile returns Little CMS's sRGB profile; without cgo, ErrUnavailable.
func SRGBProfile() ([]byte, error) { return nil, ErrUnavailable }

// ToSRGB converts to sRGB; without cgo it refuses what it would refuse
// with cgo, and returns ErrUnavailable for the rest, leaving img as it
// was.
func ToSRGB(img image.Image, p *Profile, workers int) (image.Image, error) {
	if err := p.convertible(); err != nil {
		return nil, err
	}
	return nil, ErrUnavailable
}

// check has no Little CMS to open the profile with: the pure-Go checks
// stand, and no profile is known to be sRGB.
func check(*Profile) error { return nil }
