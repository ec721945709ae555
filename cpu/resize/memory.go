package resize

import (
	"image/color"

	"github.com/corescale/corescale"
)

// ResizeBytes returns about the most memory ResizeImage holds at once,
// beyond the image it is given, to resize a srcW×srcH image of colour
// model m to w×h: the intermediate between the passes (w × srcH pixels),
// the fast mode's reduced copy, the result with its conversion to an
// image, the weight tables and each worker's rows. It is an upper bound for
// the layouts imagefile decodes to; a batch admits files against a memory
// budget with it before decoding them.
//
// A model with alpha (NRGBA, NRGBA64, or one it does not know) counts four
// channels; RGBA and RGBA64, which files without alpha decode to, count
// three.
func (e *Engine) ResizeBytes(m color.Model, srcW, srcH, w, h int) int64 {
	sw, sh, ow, oh := int64(srcW), int64(srcH), int64(w), int64(h)
	out := ow * oh
	workers := int64(e.workers)
	// The tables hold 12 bytes a tap, about 6·scale+8 taps an output.
	tables := 12 * (8*(sw+sh) + 16*(ow+oh))
	ch, depth := int64(4), int64(1)
	switch m {
	case color.GrayModel:
		ch = 1
	case color.Gray16Model:
		ch, depth = 1, 2
	case color.RGBAModel, color.YCbCrModel:
		// JPEG's YCbCr, resized plane by plane to three full planes,
		// needs less than RGB: no image made from the result, and
		// subsampled chroma between the passes.
		ch = 3
	case color.RGBA64Model:
		ch, depth = 3, 2
	case color.NRGBA64Model:
		depth = 2
	}
	work := depth
	if e.linear && e.filter != corescale.Nearest {
		work = 2
	}
	// The scratch of each chunk of rows (up to 8 a worker): converted and
	// widened source rows, the fast mode's bands, the vertical sums.
	rows := 8 * workers * (sw*(20+20*ch*work) + ow*(4+8*ch))
	result := out*ch*work + out*imageBytes(ch, depth)
	if e.linear && depth == 1 && e.filter != corescale.Nearest {
		result += out * ch // the 8-bit result encoded from the 16-bit one
	}
	if e.filter == corescale.Nearest {
		return tables + rows + result
	}
	inter := ow * sh * ch * work
	if e.fast && work == 1 {
		fx := int64(max(int(float64(srcW)/float64(w)/e.gap), 1))
		fy := int64(max(int(float64(srcH)/float64(h)/e.gap), 1))
		rh := (sh + fy - 1) / fy
		inter = (sw+fx-1)/fx*rh*ch + ow*rh*ch
	}
	if ow == sw {
		// A resize of the height alone reads the source through a window
		// of twice the vertical taps per worker instead.
		inter += workers * min(sh, 2*(6*sh/oh+16)) * sw * ch * work
	}
	return tables + rows + inter + result
}

// imageBytes is the bytes a pixel of the image made from the result takes
// beyond the result itself: none for 8-bit gray, which shares it; 2 for
// 16-bit gray; 4 for RGBA and NRGBA, 8 for their 16-bit forms.
func imageBytes(ch, depth int64) int64 {
	switch {
	case ch == 1 && depth == 1:
		return 0
	case ch == 1:
		return 2
	}
	return 4 * depth
}
