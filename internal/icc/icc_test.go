//go:build cgo

package icc

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	// D65 white, then red, green and blue primaries, as CIE xy.
	p3Primaries    = [8]float64{0.3127, 0.3290, 0.680, 0.320, 0.265, 0.690, 0.150, 0.060}
	adobePrimaries = [8]float64{0.3127, 0.3290, 0.64, 0.33, 0.21, 0.71, 0.15, 0.06}
)

// testProfile makes and parses one of the test profiles.
func testProfile(t testing.TB, name string) *Profile {
	t.Helper()
	var b []byte
	var err error
	switch name {
	case "p3":
		b, err = makeRGBProfile("Display P3 test", 4.3, p3Primaries, 0)
	case "p3v2":
		b, err = makeRGBProfile("Display P3 v2 test", 2.1, p3Primaries, 0)
	case "adobe":
		b, err = makeRGBProfile("Adobe RGB (1998) test", 4.3, adobePrimaries, 563.0/256)
	case "gray18":
		b, err = makeGrayProfile(1.8)
	case "lab":
		b, err = makeLabProfile()
	case "srgb":
		b, err = SRGBProfile()
	default:
		b, err = os.ReadFile(name)
		if errors.Is(err, os.ErrNotExist) {
			t.Skipf("no %s here (Debian's libgs-common ships the ghostscript profiles, icc-profiles-free sRGB.icc)", name)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return p
}

// cmykProfile is the CMYK profile the CMYK tests use: lcms cannot make
// one simply, and it is a file in Debian's libgs-common.
const cmykProfile = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

// testImage has saturated colours (a hue sweep at full chroma and at
// half value), ramps of each primary, secondary and gray, and noise: what
// gamut mapping and the tone curves get wrong first.
func testImage(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			v := uint8(x * 255 / (w - 1))
			var c color.NRGBA
			switch y % 8 {
			case 0, 1:
				c = hue(float64(x)/float64(w), 255)
				if y%8 == 1 {
					c = hue(float64(x)/float64(w), 128)
				}
			case 2:
				c = color.NRGBA{v, 0, 0, 255}
			case 3:
				c = color.NRGBA{0, v, 0, 255}
			case 4:
				c = color.NRGBA{0, 0, v, 255}
			case 5:
				c = color.NRGBA{v, v, v, 255}
			case 6:
				c = color.NRGBA{v, 255 - v, v / 2, 255}
			default:
				c = color.NRGBA{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), 255}
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

func hue(h float64, max uint8) color.NRGBA {
	seg := h * 6
	f := seg - float64(int(seg))
	up, down := uint8(f*float64(max)), uint8((1-f)*float64(max))
	switch int(seg) % 6 {
	case 0:
		return color.NRGBA{max, up, 0, 255}
	case 1:
		return color.NRGBA{down, max, 0, 255}
	case 2:
		return color.NRGBA{0, max, up, 255}
	case 3:
		return color.NRGBA{0, down, max, 255}
	case 4:
		return color.NRGBA{up, 0, max, 255}
	}
	return color.NRGBA{max, 0, down, 255}
}

// pillowScript converts raw pixels with Pillow's ImageCms (Little CMS) to
// sRGB, relative colorimetric (intent 1), no black-point compensation.
const pillowScript = `
import sys
from PIL import Image, ImageCms
mode, w, h, prof, src, dst, outmode = sys.argv[1:]
im = Image.frombytes(mode, (int(w), int(h)), open(src, 'rb').read())
out = ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(prof), ImageCms.createProfile('sRGB'),
                                renderingIntent=1, outputMode=outmode)
open(dst, 'wb').write(out.tobytes())
`

// pillow converts pix (mode "RGB", "L" or "CMYK") with Pillow and returns
// its RGB or L output; it skips the test where Pillow is not installed.
func pillow(t *testing.T, p *Profile, mode, outMode string, w, h int, pix []byte) []byte {
	t.Helper()
	const python = "/usr/bin/python3" // Debian's, which python3-pil serves
	if err := exec.Command(python, "-c", "from PIL import ImageCms").Run(); err != nil {
		t.Skipf("no Pillow ImageCms (apt-get install python3-pil): %v", err)
	}
	dir := t.TempDir()
	prof, src, dst := filepath.Join(dir, "p.icc"), filepath.Join(dir, "in.raw"), filepath.Join(dir, "out.raw")
	for name, b := range map[string][]byte{prof: p.Bytes(), src: pix} {
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out, err := exec.Command(python, "-c", pillowScript, mode, fmt.Sprint(w), fmt.Sprint(h), prof, src, dst, outMode).CombinedOutput()
	if err != nil {
		t.Fatalf("Pillow: %v\n%s", err, out)
	}
	b, err := os.ReadFile(dst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packRGB drops every fourth byte (alpha).
func packRGB(rgba []byte) []byte {
	out := make([]byte, 0, len(rgba)/4*3)
	for i := 0; i < len(rgba); i += 4 {
		out = append(out, rgba[i:i+3]...)
	}
	return out
}

// compare fails when got and want (both packed, n channels) differ by
// more than one level anywhere, and names the first such pixel.
func compare(t *testing.T, what string, got, want []byte, n, w int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bytes, want %d", what, len(got), len(want))
	}
	worst, at := 0, -1
	for i := range got {
		d := int(got[i]) - int(want[i])
		d = max(d, -d)
		if d > worst {
			worst, at = d, i
		}
	}
	if worst > 1 {
		px := at / n
		t.Errorf("%s: pixel (%d,%d) channel %d is %d, Pillow's ImageCms gives %d", what, px%w, px/w, at%n, got[at], want[at])
	}
}

func TestToSRGBAgreesWithPillow(t *testing.T) {
	const w, h = 256, 48
	for _, name := range []string{"p3", "p3v2", "adobe"} {
		t.Run(name, func(t *testing.T) {
			p := testProfile(t, name)
			src := testImage(w, h)
			want := pillow(t, p, "RGB", "RGB", w, h, packRGB(src.Pix))

			nrgba := image.NewNRGBA(src.Rect)
			copy(nrgba.Pix, src.Pix)
			got, err := ToSRGB(nrgba, p, 2)
			if err != nil {
				t.Fatal(err)
			}
			if got != image.Image(nrgba) {
				t.Errorf("NRGBA was not converted in place")
			}
			compare(t, "NRGBA", packRGB(nrgba.Pix), want, 3, w)

			rgba := image.NewRGBA(src.Rect)
			copy(rgba.Pix, src.Pix)
			if _, err := ToSRGB(rgba, p, 2); err != nil {
				t.Fatal(err)
			}
			compare(t, "RGBA", packRGB(rgba.Pix), want, 3, w)

			// 16 bits: the same colours ×257 land within a level of the
			// 8-bit answer once rounded back.
			for _, m := range []interface {
				image.Image
				Set(int, int, color.Color)
			}{image.NewNRGBA64(src.Rect), image.NewRGBA64(src.Rect)} {
				for y := range h {
					for x := range w {
						m.Set(x, y, src.NRGBAAt(x, y))
					}
				}
				if _, err := ToSRGB(m, p, 2); err != nil {
					t.Fatal(err)
				}
				compare(t, fmt.Sprintf("%T", m), packRGB(to8(m)), want, 3, w)
			}
		})
	}
}

// to8 returns an image's pixels as 8-bit RGBA, rounded.
func to8(m image.Image) []byte {
	b := m.Bounds()
	var out []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := color.NRGBA64Model.Convert(m.At(x, y)).(color.NRGBA64)
			out = append(out, uint8((uint32(c.R)+128)/257), uint8((uint32(c.G)+128)/257), uint8((uint32(c.B)+128)/257), uint8((uint32(c.A)+128)/257))
		}
	}
	return out
}

func TestToSRGBYCbCrAgreesWithPillow(t *testing.T) {
	const w, h = 256, 48
	p := testProfile(t, "p3")
	src := testImage(w, h)
	m := image.NewYCbCr(src.Rect, image.YCbCrSubsampleRatio420)
	rgb := make([]byte, 0, 3*w*h) // what the YCbCr pixels are in RGB
	for y := range h {
		for x := range w {
			c := src.NRGBAAt(x, y)
			yy, cb, cr := color.RGBToYCbCr(c.R, c.G, c.B)
			m.Y[m.YOffset(x, y)] = yy
			m.Cb[m.COffset(x, y)], m.Cr[m.COffset(x, y)] = cb, cr
		}
	}
	for y := range h {
		for x := range w {
			r, g, b, _ := m.At(x, y).RGBA()
			rgb = append(rgb, uint8(r>>8), uint8(g>>8), uint8(b>>8))
		}
	}
	want := pillow(t, p, "RGB", "RGB", w, h, rgb)
	got, err := ToSRGB(m, p, 2)
	if err != nil {
		t.Fatal(err)
	}
	out, ok := got.(*image.RGBA)
	if !ok {
		t.Fatalf("YCbCr gave a %T, want *image.RGBA", got)
	}
	compare(t, "YCbCr", packRGB(out.Pix), want, 3, w)
	for i := 3; i < len(out.Pix); i += 4 {
		if out.Pix[i] != 0xff {
			t.Fatalf("YCbCr output not opaque at byte %d", i)
		}
	}
}

func TestToSRGBGrayAgreesWithPillowRGB(t *testing.T) {
	// Gray converts to a gray of sRGB's curve: Pillow's conversion of the
	// same gray to sRGB RGB must have R = G = B = our gray, within a level.
	const w, h = 256, 4
	p := testProfile(t, "gray18")
	m := image.NewGray(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(i)
	}
	orig := append([]byte(nil), m.Pix...)
	want := pillow(t, p, "L", "RGB", w, h, orig)
	if _, err := ToSRGB(m, p, 1); err != nil {
		t.Fatal(err)
	}
	rgb := make([]byte, 0, 3*len(m.Pix))
	for _, v := range m.Pix {
		rgb = append(rgb, v, v, v)
	}
	compare(t, "Gray", rgb, want, 3, w)
	if bytes.Equal(m.Pix, orig) {
		t.Errorf("gamma 1.8 gray came out unchanged")
	}

	g16 := image.NewGray16(m.Rect)
	for i, v := range orig {
		g16.SetGray16(i%w, i/w, color.Gray16{uint16(v) * 257})
	}
	if _, err := ToSRGB(g16, p, 1); err != nil {
		t.Fatal(err)
	}
	rgb = rgb[:0]
	for i := range orig {
		v := uint8((uint32(g16.Gray16At(i%w, i/w).Y) + 128) / 257)
		rgb = append(rgb, v, v, v)
	}
	compare(t, "Gray16", rgb, want, 3, w)
}

func TestToSRGBCMYKAgreesWithPillow(t *testing.T) {
	const w, h = 256, 48
	p := testProfile(t, cmykProfile)
	if p.Space() != SpaceCMYK {
		t.Fatalf("%s: space %v", cmykProfile, p.Space())
	}
	m := image.NewCMYK(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for y := range h {
		for x := range w {
			v := uint8(x)
			var c color.CMYK
			switch y % 6 {
			case 0:
				c = color.CMYK{v, 0, 0, 0}
			case 1:
				c = color.CMYK{0, v, 0, 0}
			case 2:
				c = color.CMYK{0, 0, v, 0}
			case 3:
				c = color.CMYK{0, 0, 0, v}
			case 4:
				c = color.CMYK{v, 255 - v, v / 2, v / 4}
			default:
				c = color.CMYK{uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32()), uint8(rng.Uint32())}
			}
			m.SetCMYK(x, y, c)
		}
	}
	want := pillow(t, p, "CMYK", "RGB", w, h, m.Pix)
	got, err := ToSRGB(m, p, 2)
	if err != nil {
		t.Fatal(err)
	}
	out := got.(*image.RGBA)
	compare(t, "CMYK", packRGB(out.Pix), want, 3, w)
	for i := 3; i < len(out.Pix); i += 4 {
		if out.Pix[i] != 0xff {
			t.Fatalf("CMYK output not opaque at byte %d", i)
		}
	}
}

func TestToSRGBLeavesAlphaAndHandlesPremultiplied(t *testing.T) {
	p := testProfile(t, "p3")
	const w = 64
	src := testImage(w, 8)
	for i := 3; i < len(src.Pix); i += 4 {
		src.Pix[i] = uint8(i / 4 * 7) // every alpha, 0 included
	}
	opaque := image.NewNRGBA(src.Rect)
	copy(opaque.Pix, src.Pix)
	for i := 3; i < len(opaque.Pix); i += 4 {
		opaque.Pix[i] = 255
	}
	if _, err := ToSRGB(opaque, p, 1); err != nil {
		t.Fatal(err)
	}

	n := image.NewNRGBA(src.Rect)
	copy(n.Pix, src.Pix)
	if _, err := ToSRGB(n, p, 1); err != nil {
		t.Fatal(err)
	}
	r := image.NewRGBA(src.Rect)
	for y := range 8 {
		for x := range w {
			r.Set(x, y, src.NRGBAAt(x, y))
		}
	}
	premul := append([]byte(nil), r.Pix...)
	if _, err := ToSRGB(r, p, 1); err != nil {
		t.Fatal(err)
	}
	for y := range 8 {
		for x := range w {
			a := src.NRGBAAt(x, y).A
			if got := n.NRGBAAt(x, y); got.A != a || got.R != opaque.NRGBAAt(x, y).R || got.G != opaque.NRGBAAt(x, y).G {
				t.Fatalf("NRGBA (%d,%d): %v, want the opaque conversion %v with alpha %d", x, y, got, opaque.NRGBAAt(x, y), a)
			}
			// Premultiplied: the conversion of the colour un-premultiplied
			// (as color.NRGBAModel does it), premultiplied again; never
			// the transform of premultiplied values.
			o := color.NRGBAModel.Convert(color.RGBA{premul[r.PixOffset(x, y)], premul[r.PixOffset(x, y)+1], premul[r.PixOffset(x, y)+2], a}).(color.NRGBA)
			o.A = 255
			one := image.NewNRGBA(image.Rect(0, 0, 1, 1))
			one.SetNRGBA(0, 0, o)
			if _, err := ToSRGB(one, p, 1); err != nil {
				t.Fatal(err)
			}
			o = one.NRGBAAt(0, 0)
			want := color.RGBAModel.Convert(color.NRGBA{o.R, o.G, o.B, a}).(color.RGBA)
			got := r.RGBAAt(x, y)
			if got.A != a {
				t.Fatalf("RGBA (%d,%d): alpha %d, want %d", x, y, got.A, a)
			}
			for _, d := range []int{int(got.R) - int(want.R), int(got.G) - int(want.G), int(got.B) - int(want.B)} {
				if d > 1 || d < -1 {
					t.Fatalf("RGBA (%d,%d) alpha %d: %v, want %v (premultiplied %v)", x, y, a, got, want, premul[r.PixOffset(x, y):r.PixOffset(x, y)+4])
				}
			}
		}
	}
}

func TestToSRGBSubImage(t *testing.T) {
	// A sub-image converts its own pixels and none outside it.
	p := testProfile(t, "p3")
	full := testImage(40, 16)
	before := append([]byte(nil), full.Pix...)
	sub := full.SubImage(image.Rect(5, 3, 30, 12)).(*image.NRGBA)
	if _, err := ToSRGB(sub, p, 2); err != nil {
		t.Fatal(err)
	}
	whole := image.NewNRGBA(full.Rect)
	copy(whole.Pix, before)
	if _, err := ToSRGB(whole, p, 1); err != nil {
		t.Fatal(err)
	}
	for y := range 16 {
		for x := range 40 {
			in := image.Pt(x, y).In(sub.Rect)
			want := whole.NRGBAAt(x, y)
			if !in {
				o := full.PixOffset(x, y)
				want = color.NRGBA{before[o], before[o+1], before[o+2], before[o+3]}
			}
			if got := full.NRGBAAt(x, y); got != want {
				t.Fatalf("(%d,%d) inside=%v: %v, want %v", x, y, in, got, want)
			}
		}
	}
}

func TestIsSRGB(t *testing.T) {
	for _, c := range []struct {
		name string
		want bool
	}{
		{"srgb", true},
		{"/usr/share/color/icc/sRGB.icc", true},             // icc-profiles-free
		{"/usr/share/color/icc/ghostscript/srgb.icc", true}, // libgs-common
		{"p3", false},
		{"adobe", false},
		{"gray18", false},
	} {
		t.Run(filepath.Base(c.name), func(t *testing.T) {
			p := testProfile(t, c.name)
			if p.IsSRGB() != c.want {
				t.Errorf("%s: IsSRGB() = %v, want %v", p, p.IsSRGB(), c.want)
			}
		})
	}
	// Skipping the conversion of an sRGB profile changes nothing.
	p := testProfile(t, "srgb")
	m := testImage(16, 8)
	before := append([]byte(nil), m.Pix...)
	got, err := ToSRGB(m, p, 1)
	if err != nil || got != image.Image(m) || !bytes.Equal(m.Pix, before) {
		t.Errorf("sRGB profile: converted (%v)", err)
	}
}

func TestParseDescriptions(t *testing.T) {
	for name, want := range map[string]string{"p3": "Display P3 test", "p3v2": "Display P3 v2 test"} {
		p := testProfile(t, name)
		if p.Description() != want || p.Space() != SpaceRGB {
			t.Errorf("%s: %s, want %q RGB", name, p, want)
		}
	}
	if v := testProfile(t, "p3v2").Version(); !strings.HasPrefix(v, "2.") {
		t.Errorf("v2 profile: version %s", v)
	}
}

func TestToSRGBRefuses(t *testing.T) {
	rgb, gray, lab := testProfile(t, "p3"), testProfile(t, "gray18"), testProfile(t, "lab")
	labSpace, err := parseHeader(header("Lab ", nil))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		img  image.Image
		p    *Profile
		want string
	}{
		{image.NewRGBA(image.Rect(0, 0, 2, 2)), gray, "is gray, and an RGB image needs an RGB profile"},
		{image.NewGray(image.Rect(0, 0, 2, 2)), rgb, "is RGB, and a gray image needs a gray profile"},
		{image.NewCMYK(image.Rect(0, 0, 2, 2)), rgb, "a CMYK image needs a CMYK profile"},
		{image.NewRGBA(image.Rect(0, 0, 2, 2)), lab, `of class "abst"`},
		{image.NewRGBA(image.Rect(0, 0, 2, 2)), labSpace, `in colour space "Lab "; only RGB, gray and CMYK convert`},
		{image.NewPaletted(image.Rect(0, 0, 2, 2), nil), rgb, "no conversion for a *image.Paletted"},
	} {
		_, err := ToSRGB(c.img, c.p, 1)
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%T with %s: %v, want ErrUnsupported saying %q", c.img, c.p, err, c.want)
		}
	}
}

func TestToSRGBWorkersAndConcurrency(t *testing.T) {
	// Bands split among workers, and conversions sharing one cached
	// transform from many goroutines, give the serial answer.
	p := testProfile(t, "adobe")
	src := testImage(300, 500) // more than two bands
	serial := image.NewNRGBA(src.Rect)
	copy(serial.Pix, src.Pix)
	if _, err := ToSRGB(serial, p, 1); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Go(func() {
			m := image.NewNRGBA(src.Rect)
			copy(m.Pix, src.Pix)
			if _, err := ToSRGB(m, p, 1+i%4); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(m.Pix, serial.Pix) {
				errs <- fmt.Errorf("goroutine %d, %d workers: differs from the serial conversion", i, 1+i%4)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestTransformsAreCached(t *testing.T) {
	// A batch from one camera: each image's profile parsed anew, the same
	// bytes; one transform is built for them all, and one more for a
	// second layout.
	b, err := makeRGBProfile("camera", 4.3, adobePrimaries, 2.0)
	if err != nil {
		t.Fatal(err)
	}
	b[24] = 0x7e // a creation date no other test uses
	before := builds.Load()
	for range 5 {
		p, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, img := range []image.Image{testImage(8, 8), image.NewRGBA64(image.Rect(0, 0, 8, 8))} {
			if _, err := ToSRGB(img, p, 2); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := builds.Load() - before; n != 2 {
		t.Errorf("5 images of each of 2 layouts through one profile built %d transforms, want 2", n)
	}
}

// rss returns the process's resident set in bytes.
func rss(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	var size, res int64
	fmt.Sscan(string(b), &size, &res)
	return res * int64(os.Getpagesize())
}

func TestNoLeak(t *testing.T) {
	// 10⁴ distinct gray profiles and 250 distinct RGB ones (the creation
	// date in the header differs, so each has its own SHA-256 and its own
	// transforms, evicted from the cache as the next come in), each
	// parsed and converting images: every transform built is deleted, so
	// the resident set stays flat. (Gray, because an RGB transform costs
	// milliseconds to build.)
	if testing.Short() {
		t.Skip("-short")
	}
	grayBase, rgbBase := testProfile(t, "gray18").Bytes(), testProfile(t, "adobe").Bytes()
	g := image.NewGray(image.Rect(0, 0, 32, 8))
	m := testImage(32, 8)
	m16 := image.NewRGBA64(m.Rect)
	distinct := func(base []byte, i int) *Profile {
		b := append([]byte(nil), base...)
		b[24], b[25], b[26], b[27] = byte(i>>24), byte(i>>16), byte(i>>8), byte(i)
		p, err := Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	run := func(from, to int) {
		for i := from; i < to; i++ {
			if _, err := ToSRGB(g, distinct(grayBase, i), 1); err != nil {
				t.Fatal(err)
			}
			if i%40 == 0 {
				p := distinct(rgbBase, i)
				for _, img := range []image.Image{m, m16} {
					if _, err := ToSRGB(img, p, 1); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	run(0, 1000)
	before := rss(t)
	run(1000, 10000)
	after := rss(t)
	t.Logf("RSS %d kB after 10³ profiles, %d kB after 10⁴", before>>10, after>>10)
	if grew := after - before; grew > 8<<20 {
		t.Errorf("RSS grew by %d kB over 9000 transforms: a leak", grew>>10)
	}
}

func TestVersionNamesLittleCMS(t *testing.T) {
	if v := Version(); !strings.HasPrefix(v, "Little CMS 2.") {
		t.Errorf("Version() = %q", v)
	}
}

func TestMatShaperAgreesWithLittleCMSOnEveryColour(t *testing.T) {
	// The Go path for matrix-shaper profiles is checked against Little
	// CMS on a test set when built; here on all 2²⁴ 8-bit colours.
	if testing.Short() {
		t.Skip("-short")
	}
	for _, name := range []string{"p3", "adobe"} {
		tr, err := acquire(testProfile(t, name), rgba8)
		if err != nil {
			t.Fatal(err)
		}
		if tr.fast == nil {
			t.Errorf("%s: no matrix-shaper path", name)
			release(tr)
			continue
		}
		const w = 1 << 12
		a, b := make([]byte, 4*w*w), make([]byte, 4*w*w)
		for i := range w * w {
			a[4*i], a[4*i+1], a[4*i+2], a[4*i+3] = byte(i), byte(i>>8), byte(i>>16), 255
		}
		copy(b, a)
		tr.run(a, a, w, w, 4*w, 4*w)
		tr.runLCMS(b, b, w, w, 4*w, 4*w)
		release(tr)
		worst := 0
		for i := range a {
			worst = max(worst, int(a[i])-int(b[i]), int(b[i])-int(a[i]))
		}
		if worst > 1 {
			t.Errorf("%s: the Go path differs from Little CMS by up to %d levels", name, worst)
		}
	}
}
