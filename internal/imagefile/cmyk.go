package imagefile

import (
	"fmt"
	"image"
	"runtime"

	"github.com/corescale/corescale/internal/icc"
)

// cmykThroughProfile converts a CMYK image to sRGB through its embedded
// profile (Little CMS), as libvips and Pillow's ImageCms do: the naive
// (1−C)(1−K) conversion of convert.go is only a guess at what the inks
// look like, and a press profile's blacks and greys differ from it by
// tens of levels. The profile is spent once used, so none is returned. A
// profile that cannot be used leaves the image to the naive conversion,
// and the profile dropped, with a warning that says why; built without
// Little CMS, the same.
func cmykThroughProfile(m *image.CMYK, profile []byte, warning error) (image.Image, []byte, error) {
	addWarning := func(err error) error {
		w := fmt.Errorf("CMYK converted without its colour profile: %w", err)
		if warning != nil {
			return fmt.Errorf("%w; %w", warning, w)
		}
		return w
	}
	p, err := icc.Parse(profile)
	if err != nil {
		return m, nil, addWarning(err)
	}
	rgb, err := icc.ToSRGB(m, p, runtime.GOMAXPROCS(0))
	if err != nil {
		return m, nil, addWarning(err)
	}
	return rgb, nil, warning
}
