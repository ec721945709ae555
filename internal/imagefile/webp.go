package imagefile

import "image"

// VP8, the codec of lossy WebP, stores BT.601 "studio range" YCbCr (luma
// 16–235, chroma 16–240), but golang.org/x/image/webp hands the planes over
// as an *image.YCbCr, whose conversions assume JPEG's full range: blacks come
// out as 16 and whites as 235 (golang/go#19672, open since 2017). Both use
// the same matrix, so stretching the planes to full range in place makes
// every consumer, and the resize engine's YCbCr path, see libwebp's colours.
var vp8Luma, vp8Chroma = func() (y, c [256]uint8) {
	for i := range 256 {
		// Rounded: (i−16)·255/219 and (i−128)·255/224+128, clamped.
		y[i] = uint8(min(255, max(0, ((i-16)*255*2+219)/(219*2))))
		c[i] = uint8(min(255, max(0, 128+roundDiv((i-128)*255, 224))))
	}
	return y, c
}()

// roundDiv divides rounding half away from zero.
func roundDiv(a, b int) int {
	if a < 0 {
		return -((-a + b/2) / b)
	}
	return (a + b/2) / b
}

// expandVP8Range rewrites the YCbCr planes of a lossy WebP image to full
// range. Lossless WebP decodes to *image.NRGBA and is left alone.
func expandVP8Range(img image.Image) {
	var ys, cbs, crs []uint8
	switch m := img.(type) {
	case *image.YCbCr:
		ys, cbs, crs = m.Y, m.Cb, m.Cr
	case *image.NYCbCrA:
		ys, cbs, crs = m.Y, m.Cb, m.Cr
	default:
		return
	}
	for i, v := range ys {
		ys[i] = vp8Luma[v]
	}
	for i, v := range cbs {
		cbs[i] = vp8Chroma[v]
	}
	for i, v := range crs {
		crs[i] = vp8Chroma[v]
	}
}
