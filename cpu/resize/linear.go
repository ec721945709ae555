package resize

import (
	"math"
	"sync"

	"github.com/corescale/corescale"
)

// Resizing in linear light: sRGB samples are gamma-encoded, so averaging
// them darkens fine detail (a black and white line pair averages to a grey
// that looks too dark). With Options.Linear the engine decodes to linear
// light at 16 bits, resizes there, and encodes back. Alpha is not
// gamma-encoded; colour is premultiplied by it in linear light.

// toLinear maps an sRGB sample to linear light at 16 bits, built on first
// use: 245 calls of math.Pow that every run of corescale paid at start.
var toLinear = sync.OnceValue(func() *[256]uint16 {
	var t [256]uint16
	for i := range t {
		c := float64(i) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		t[i] = uint16(math.Round(c * 65535))
	}
	return &t
})

// fromLinear maps a 16-bit linear sample back to sRGB, built on first use.
var fromLinear = sync.OnceValue(func() *[65536]uint8 {
	var t [65536]uint8
	for i := range t {
		c := float64(i) / 65535
		if c <= 0.0031308 {
			c *= 12.92
		} else {
			c = 1.055*math.Pow(c, 1/2.4) - 0.055
		}
		t[i] = uint8(math.Round(c * 255))
	}
	return &t
})

// toLinearRow decodes a row of 8-bit samples of ch channels to linear
// light at 16 bits.
func toLinearRow(out []uint16, in []uint8, ch int) {
	alpha := ch == 2 || ch == 4
	lin := toLinear()
	for i := 0; i+ch <= len(in) && i+ch <= len(out); i += ch {
		px, o := in[i:i+ch], out[i:i+ch]
		if !alpha {
			for c, v := range px {
				o[c] = lin[v]
			}
			continue
		}
		a := px[ch-1]
		o[ch-1] = uint16(a) * 257
		for c := range ch - 1 {
			// Undo the 8-bit premultiplication, decode, premultiply
			// again at 16 bits.
			o[c] = uint16(uint32(lin[unpremultiply(px[c], a)]) * uint32(a) / 255)
		}
	}
}

// resizeLinear is Resize in linear light. The source is decoded a row at
// a time as the horizontal pass reads it.
func (e *Engine) resizeLinear(dst *corescale.Raster, src *source[uint8], box [4]float64) error {
	ch := src.channels
	alpha := ch == 2 || ch == 4
	out := newRaster16(dst.Width, dst.Height, ch)
	if err := e.resize16(out, linearSource(src), box); err != nil {
		return err
	}
	enc := fromLinear()
	for y := range dst.Height {
		in, o8 := out.Row(y), dst.Row(y)
		for i := 0; i < len(in); i += ch {
			px, o := in[i:i+ch], o8[i:i+ch]
			if !alpha {
				for c, v := range px {
					o[c] = enc[v]
				}
				continue
			}
			a16 := uint32(px[ch-1])
			a := uint8((a16 + 128) / 257)
			o[ch-1] = a
			for c := range ch - 1 {
				var v uint32
				if a16 != 0 {
					v = min(uint32(px[c])*65535/a16, 65535)
				}
				o[c] = mulDiv255(enc[v], uint32(a))
			}
		}
	}
	return nil
}
