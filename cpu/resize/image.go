package resize

import (
	"image"

	"github.com/corescale/corescale"
)

// FromImage returns img as a Raster: gray as one channel, opaque colour
// images as RGB, others as premultiplied RGBA. Gray and translucent
// image.RGBA share img's pixels; the rest are converted. 16-bit images are
// reduced to 8 bits.
func FromImage(img image.Image) *corescale.Raster {
	s := imageSource(img)
	if s.inPlace() {
		return &corescale.Raster{Pix: s.pix, Width: s.width, Height: s.height, Stride: s.stride, Channels: s.channels}
	}
	r := corescale.NewRaster(s.width, s.height, s.channels)
	var scratch rowScratch
	for y := range r.Height {
		s.convert(y, r.Row(y), &scratch)
	}
	return r
}

// ToImage returns r as an image: gray, opaque RGBA, or NRGBA with the
// premultiplication undone.
func ToImage(r *corescale.Raster) image.Image {
	rect := image.Rect(0, 0, r.Width, r.Height)
	switch r.Channels {
	case 1:
		return &image.Gray{Pix: r.Pix, Stride: r.Stride, Rect: rect}
	case 3:
		m := image.NewRGBA(rect)
		for y := range r.Height {
			in, out := r.Row(y), m.Pix[y*m.Stride:y*m.Stride+4*r.Width]
			for len(in) >= 3 && len(out) >= 4 {
				out[0], out[1], out[2], out[3] = in[0], in[1], in[2], 255
				in, out = in[3:], out[4:]
			}
		}
		return m
	case 2:
		m := image.NewNRGBA(rect)
		for y := range r.Height {
			in, out := r.Row(y), m.Pix[y*m.Stride:y*m.Stride+4*r.Width]
			for len(in) >= 2 && len(out) >= 4 {
				g := unpremultiply(in[0], in[1])
				out[0], out[1], out[2], out[3] = g, g, g, in[1]
				in, out = in[2:], out[4:]
			}
		}
		return m
	}
	m := image.NewNRGBA(rect)
	for y := range r.Height {
		in, out := r.Row(y), m.Pix[y*m.Stride:y*m.Stride+4*r.Width]
		for len(in) >= 4 && len(out) >= 4 {
			a := in[3]
			out[0], out[1], out[2], out[3] = unpremultiply(in[0], a), unpremultiply(in[1], a), unpremultiply(in[2], a), a
			in, out = in[4:], out[4:]
		}
	}
	return m
}

// dropAlpha copies the colour of a row of 4-byte pixels.
func dropAlpha(out, in []uint8) {
	for len(in) >= 4 && len(out) >= 3 {
		out[0], out[1], out[2] = in[0], in[1], in[2]
		in, out = in[4:], out[3:]
	}
}

// premultiply scales the colour of each RGBA pixel by its alpha with
// Pillow's rounding (a·c/255 by two shifts), so premultiplied results match
// Pillow's RGBa mode.
func premultiply(out, in []uint8) {
	for len(in) >= 4 && len(out) >= 4 {
		a := uint32(in[3])
		out[0], out[1], out[2], out[3] = mulDiv255(in[0], a), mulDiv255(in[1], a), mulDiv255(in[2], a), in[3]
		in, out = in[4:], out[4:]
	}
}

func mulDiv255(c uint8, a uint32) uint8 {
	t := uint32(c)*a + 128
	return uint8((t>>8 + t) >> 8)
}

// unpremultiply undoes premultiply as Pillow does, clamping rounding
// overshoot.
func unpremultiply(c, a uint8) uint8 {
	if a == 255 || a == 0 {
		return c
	}
	return uint8(min(255*uint32(c)/uint32(a), 255))
}
