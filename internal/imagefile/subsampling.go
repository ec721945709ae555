package imagefile

import "github.com/corescale/corescale/internal/jpegturbo"

// ResolveSubsampling is the chroma subsampling a JPEG written with s at
// quality (0: DefaultQuality) gets: SubsampleAuto is 4:2:0 below quality
// 90 and 4:4:4 from 90, as libvips chooses; Go's encoder, used without
// libjpeg-turbo, writes 4:2:0 whatever was asked.
func ResolveSubsampling(s Subsampling, quality int) Subsampling {
	if !jpegturbo.Available {
		return Subsample420
	}
	if s != SubsampleAuto {
		return s
	}
	if quality == 0 {
		quality = DefaultQuality
	}
	if quality >= 90 {
		return Subsample444
	}
	return Subsample420
}
