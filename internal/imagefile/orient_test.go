package imagefile

import (
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// randomImage fills an image of the given type with random bytes, so any
// misplaced byte shows.
func randomImage(kind string, w, h int, rng *rand.Rand) image.Image {
	r := image.Rect(0, 0, w, h)
	fill := func(b []byte) {
		for i := range b {
			b[i] = uint8(rng.Uint32())
		}
	}
	switch kind {
	case "gray":
		m := image.NewGray(r)
		fill(m.Pix)
		return m
	case "gray16":
		m := image.NewGray16(r)
		fill(m.Pix)
		return m
	case "rgba":
		// Random bytes are not valid premultiplied colours, but the
		// geometry does not care and At reports them as stored.
		m := image.NewRGBA(r)
		fill(m.Pix)
		return m
	case "nrgba":
		m := image.NewNRGBA(r)
		fill(m.Pix)
		return m
	case "rgba64":
		m := image.NewRGBA64(r)
		fill(m.Pix)
		return m
	case "nrgba64":
		m := image.NewNRGBA64(r)
		fill(m.Pix)
		return m
	}
	var ratio image.YCbCrSubsampleRatio
	switch kind {
	case "ycbcr444":
		ratio = image.YCbCrSubsampleRatio444
	case "ycbcr422":
		ratio = image.YCbCrSubsampleRatio422
	case "ycbcr420":
		ratio = image.YCbCrSubsampleRatio420
	case "ycbcr440":
		ratio = image.YCbCrSubsampleRatio440
	case "ycbcr411":
		ratio = image.YCbCrSubsampleRatio411
	case "ycbcr410":
		ratio = image.YCbCrSubsampleRatio410
	default:
		panic(kind)
	}
	m := image.NewYCbCr(r, ratio)
	fill(m.Y)
	fill(m.Cb)
	fill(m.Cr)
	return m
}

// sameColours compares a and b pixel by pixel through At, in 16-bit
// precision, so RGBA64 and NRGBA64 low bytes count too; or in 8 bits when a
// is the *image.RGBA that a YCbCr image was converted to.
func sameColours(t *testing.T, a, b image.Image) {
	t.Helper()
	model := color.RGBA64Model
	if _, ok := a.(*image.RGBA); ok {
		model = color.RGBAModel
	}
	ab, bb := a.Bounds(), b.Bounds()
	if ab.Size() != bb.Size() {
		t.Fatalf("sizes %v and %v", ab.Size(), bb.Size())
	}
	for y := range ab.Dy() {
		for x := range ab.Dx() {
			ca := model.Convert(a.At(ab.Min.X+x, ab.Min.Y+y))
			cb := model.Convert(b.At(bb.Min.X+x, bb.Min.Y+y))
			if ca != cb {
				t.Fatalf("at %d,%d: %v, want %v", x, y, ca, cb)
			}
		}
	}
}

func TestOrientImage(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	kinds := []string{"gray", "gray16", "rgba", "nrgba", "rgba64", "nrgba64",
		"ycbcr444", "ycbcr422", "ycbcr420", "ycbcr440", "ycbcr411", "ycbcr410"}
	// Sizes around the transpose band and odd ones that a subsampled
	// chroma grid cannot turn exactly.
	sizes := [][2]int{{1, 1}, {8, 4}, {16, 16}, {40, 36}, {17, 33}, {5, 3}, {33, 16}}
	for _, kind := range kinds {
		for _, sz := range sizes {
			src := randomImage(kind, sz[0], sz[1], rng)
			for o := Upright; o <= Rotate270; o++ {
				t.Run(fmt.Sprintf("%s/%dx%d/%d", kind, sz[0], sz[1], o), func(t *testing.T) {
					got := orientImage(src, o)
					if got.Bounds().Min != (image.Point{}) {
						t.Errorf("origin %v", got.Bounds().Min)
					}
					sameColours(t, got, refUpright(src, o))
					wantType := fmt.Sprintf("%T", src)
					if ycc, ok := src.(*image.YCbCr); ok && o != Upright && orientYCbCr(ycc, o) == nil {
						wantType = "*image.RGBA"
					}
					if gotType := fmt.Sprintf("%T", got); gotType != wantType {
						t.Errorf("type %s, want %s", gotType, wantType)
					}
				})
			}
		}
	}
}

// TestOrientYCbCrKeepsLayout pins which YCbCr images keep their layout: the
// common camera case (4:2:0, even size) must, for every orientation.
func TestOrientYCbCrKeepsLayout(t *testing.T) {
	tests := []struct {
		ratio image.YCbCrSubsampleRatio
		w, h  int
		o     Orientation
		want  image.YCbCrSubsampleRatio
		ok    bool
	}{
		{image.YCbCrSubsampleRatio420, 4032, 3024, Rotate90, image.YCbCrSubsampleRatio420, true},
		{image.YCbCrSubsampleRatio420, 4032, 3024, Rotate180, image.YCbCrSubsampleRatio420, true},
		{image.YCbCrSubsampleRatio422, 40, 30, Rotate270, image.YCbCrSubsampleRatio440, true},
		{image.YCbCrSubsampleRatio422, 40, 30, FlipH, image.YCbCrSubsampleRatio422, true},
		{image.YCbCrSubsampleRatio440, 40, 30, Transpose, image.YCbCrSubsampleRatio422, true},
		{image.YCbCrSubsampleRatio444, 41, 31, Transverse, image.YCbCrSubsampleRatio444, true},
		{image.YCbCrSubsampleRatio411, 40, 30, FlipV, image.YCbCrSubsampleRatio411, true},
		{image.YCbCrSubsampleRatio411, 40, 30, Rotate90, 0, false},
		{image.YCbCrSubsampleRatio420, 41, 30, Rotate180, 0, false},
		{image.YCbCrSubsampleRatio420, 40, 31, Rotate90, 0, false},
	}
	for _, tt := range tests {
		m := image.NewYCbCr(image.Rect(0, 0, tt.w, tt.h), tt.ratio)
		out := orientYCbCr(m, tt.o)
		if (out != nil) != tt.ok || out != nil && out.SubsampleRatio != tt.want {
			t.Errorf("%v %d×%d orientation %d: %v", tt.ratio, tt.w, tt.h, tt.o, out)
		}
	}
}

func TestUprightSize(t *testing.T) {
	for o := Upright; o <= Rotate270; o++ {
		w, h := o.uprightSize(30, 20)
		want := [2]int{30, 20}
		if o >= 5 {
			want = [2]int{20, 30}
		}
		if [2]int{w, h} != want || o.SwapsAxes() != (o >= 5) {
			t.Errorf("orientation %d: %d×%d, swaps %v", o, w, h, o.SwapsAxes())
		}
	}
}
