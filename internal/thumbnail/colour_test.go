package thumbnail

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/icc"
	"github.com/corescale/corescale/internal/imagefile"
)

// The colour tests check the batch against Pillow's ImageCms (Little CMS):
// the inputs are written by Pillow, with profiles Little CMS makes, and
// the outputs read back by Pillow, so that nothing of corescale judges
// corescale.

// colourPython is Debian's Python, which python3-pil serves.
const colourPython = "/usr/bin/python3"

// colourScript does what the tests ask of Pillow:
//
//	write MODE W H RAW PROFILE|- OUT: raw pixels to a file (its extension
//	  tells the format; JPEG at quality 95) with that profile embedded
//	read FILE RAW PROFILE: the decoded pixels as stored (CMYK stays CMYK)
//	  and the embedded profile (empty when none); prints "MODE W H"
//	srgb FILE RAW: the decoded pixels converted through the embedded
//	  profile to sRGB, relative colorimetric, no black-point compensation,
//	  as internal/icc converts
const colourScript = `
import io, sys
from PIL import Image, ImageCms
op, args = sys.argv[1], sys.argv[2:]
if op == 'write':
    mode, w, h, raw, prof, out = args
    im = Image.frombytes(mode, (int(w), int(h)), open(raw, 'rb').read())
    kw = {}
    if prof != '-':
        kw['icc_profile'] = open(prof, 'rb').read()
    if out.endswith('.jpg'):
        kw['quality'] = 95
    im.save(out, **kw)
elif op == 'read':
    src, raw, prof = args
    im = Image.open(src)
    im.load()
    open(raw, 'wb').write(im.tobytes())
    open(prof, 'wb').write(im.info.get('icc_profile') or b'')
    print(im.mode, im.size[0], im.size[1])
elif op == 'srgb':
    src, raw = args
    im = Image.open(src)
    im.load()
    p = ImageCms.ImageCmsProfile(io.BytesIO(im.info['icc_profile']))
    out = ImageCms.profileToProfile(im, p, ImageCms.createProfile('sRGB'), renderingIntent=1, outputMode='RGB')
    open(raw, 'wb').write(out.tobytes())
`

// needColourTool skips a test without what it needs, except in CI, which
// installs it.
func needColourTool(t *testing.T, err error, pkg string) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is needed: %v", pkg, err)
	}
	t.Skipf("needs %s: %v", pkg, err)
}

// pillowColour runs colourScript with args and returns what it prints.
func pillowColour(t *testing.T, args ...string) string {
	t.Helper()
	err := exec.Command(colourPython, "-c", "from PIL import ImageCms").Run()
	needColourTool(t, err, "python3-pil (Pillow with ImageCms under "+colourPython+")")
	out, err := exec.Command(colourPython, append([]string{"-c", colourScript}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("Pillow %s: %v\n%s", args[0], err, out)
	}
	return string(out)
}

// profileMaker is a C program that writes profiles with Little
// CMS, as internal/icc's makeprofile.go does (a test file cannot use cgo):
//
//	p3 OUT: Display P3 (D65, P3 primaries, the sRGB curve), ICC v4
//	p3big OUT: the same with each channel's curve tabulated at 16384
//	  points (Little CMS reads at most 32767), a profile of over 64 KiB,
//	  which a JPEG splits over two APP2 segments
//	gray OUT: gray, D50, gamma 2.2
const profileMaker = `
#include <lcms2.h>
#include <string.h>
int main(int argc, char **argv) {
	if (argc != 3) return 2;
	cmsHPROFILE h = NULL;
	if (strncmp(argv[1], "p3", 2) == 0) {
		cmsCIExyY white = {0.3127, 0.3290, 1};
		cmsCIExyYTRIPLE prim = {{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}};
		cmsFloat64Number p[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
		cmsToneCurve *c = cmsBuildParametricToneCurve(NULL, 4, p);
		cmsToneCurve *curves[3] = {c, c, c};
		if (strcmp(argv[1], "p3big") == 0) {
			// Three curves, not one: Little CMS links equal ones.
			static cmsUInt16Number tab[16384];
			for (int i = 0; i < 16384; i++) tab[i] = cmsEvalToneCurve16(c, (cmsUInt16Number)(i * 65535.0 / 16383 + 0.5));
			for (int i = 0; i < 3; i++) curves[i] = cmsBuildTabulatedToneCurve16(NULL, 16384, tab);
		}
		h = cmsCreateRGBProfile(&white, &prim, curves);
		cmsMLU *mlu = cmsMLUalloc(NULL, 1);
		cmsMLUsetASCII(mlu, "en", "US", "Display P3 (corescale test)");
		cmsWriteTag(h, cmsSigProfileDescriptionTag, mlu);
	} else if (strcmp(argv[1], "gray") == 0) {
		h = cmsCreateGrayProfile(cmsD50_xyY(), cmsBuildGamma(NULL, 2.2));
	}
	return h != NULL && cmsSaveProfileToFile(h, argv[2]) ? 0 : 1;
}
`

// makeProfile returns a profile profileMaker writes; the program is
// built each time, in a few tens of milliseconds.
func makeProfile(t *testing.T, kind string) []byte {
	t.Helper()
	dir := t.TempDir()
	src, bin, path := filepath.Join(dir, "mkprofile.c"), filepath.Join(dir, "mkprofile"), filepath.Join(dir, kind+".icc")
	writeFile(t, src, []byte(profileMaker))
	out, err := exec.Command("cc", "-o", bin, src, "-llcms2").CombinedOutput()
	if err != nil {
		err = fmt.Errorf("cc: %v\n%s", err, out)
	}
	needColourTool(t, err, "a C compiler and liblcms2-dev")
	if out, err := exec.Command(bin, kind, path).CombinedOutput(); err != nil {
		t.Fatalf("making the %s profile: %v\n%s", kind, err, out)
	}
	return readFile(t, path)
}

// needLittleCMS skips a test of the conversions where corescale was built
// without Little CMS (CGO_ENABLED=0): there --srgb fails each file with a
// profile, which TestColourWithoutLittleCMS checks.
func needLittleCMS(t *testing.T) {
	t.Helper()
	if !icc.Available {
		t.Skip("built without Little CMS (cgo)")
	}
}

// saturatedRGB is w×h packed RGB that colour management gets wrong first:
// hue sweeps at full and half value, ramps of each primary, secondary and
// of gray, and noise.
func saturatedRGB(w, h int) []byte {
	pix := make([]byte, 0, w*h*3)
	rng := rand.New(rand.NewPCG(3, 4))
	for y := range h {
		for x := range w {
			v := byte(x * 255 / (w - 1))
			band := y * 8 / h
			switch band {
			case 0, 1:
				max := 255
				if band == 1 {
					max = 128
				}
				pix = append(pix, hueRGB(float64(x)/float64(w), max)...)
			case 2:
				pix = append(pix, v, 0, 0)
			case 3:
				pix = append(pix, 0, v, 0)
			case 4:
				pix = append(pix, 0, 0, v)
			case 5:
				pix = append(pix, v, v, 0)
			case 6:
				pix = append(pix, v, v, v)
			default:
				pix = append(pix, byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()))
			}
		}
	}
	return pix
}

func hueRGB(h float64, max int) []byte {
	seg := h * 6
	f := seg - float64(int(seg))
	m, up, down := byte(max), byte(f*float64(max)), byte((1-f)*float64(max))
	switch int(seg) % 6 {
	case 0:
		return []byte{m, up, 0}
	case 1:
		return []byte{down, m, 0}
	case 2:
		return []byte{0, m, up}
	case 3:
		return []byte{0, down, m}
	case 4:
		return []byte{up, 0, m}
	}
	return []byte{m, 0, down}
}

// inkCMYK is w×h packed CMYK: ramps of each ink, of rich and plain black,
// ink combinations, and noise.
func inkCMYK(w, h int) []byte {
	pix := make([]byte, 0, w*h*4)
	rng := rand.New(rand.NewPCG(5, 6))
	for y := range h {
		for x := range w {
			v := byte(x * 255 / (w - 1))
			switch y * 8 / h {
			case 0:
				pix = append(pix, v, 0, 0, 0)
			case 1:
				pix = append(pix, 0, v, 0, 0)
			case 2:
				pix = append(pix, 0, 0, v, 0)
			case 3:
				pix = append(pix, 0, 0, 0, v)
			case 4:
				pix = append(pix, v, v, v, v) // rich black
			case 5:
				pix = append(pix, v, 255-v, v/2, 40)
			case 6:
				pix = append(pix, 255-v, v/3, v, 255-v)
			default:
				pix = append(pix, byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()))
			}
		}
	}
	return pix
}

// pillowWrite has Pillow write pix (mode RGB or CMYK, w×h) to path, in
// the format its extension names, with profile embedded unless nil.
func pillowWrite(t *testing.T, path, mode string, w, h int, pix, profile []byte) {
	t.Helper()
	dir := t.TempDir()
	raw, prof := filepath.Join(dir, "pixels.raw"), "-"
	writeFile(t, raw, pix)
	if profile != nil {
		prof = filepath.Join(dir, "profile.icc")
		writeFile(t, prof, profile)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	pillowColour(t, "write", mode, strconv.Itoa(w), strconv.Itoa(h), raw, prof, path)
}

// pillowImage is a file as Pillow decodes it.
type pillowImage struct {
	mode    string
	w, h    int
	pix     []byte // packed, as stored: RGB, CMYK, …
	profile []byte // nil when none is embedded
}

func pillowRead(t *testing.T, path string) pillowImage {
	t.Helper()
	dir := t.TempDir()
	raw, prof := filepath.Join(dir, "pixels.raw"), filepath.Join(dir, "profile.icc")
	var m pillowImage
	if _, err := fmt.Sscan(pillowColour(t, "read", path, raw, prof), &m.mode, &m.w, &m.h); err != nil {
		t.Fatalf("Pillow's read of %s: %v", path, err)
	}
	m.pix = readFile(t, raw)
	if p := readFile(t, prof); len(p) > 0 {
		m.profile = p
	}
	return m
}

// pillowSRGB returns the file at path decoded by Pillow and converted
// through its embedded profile to sRGB by ImageCms, packed RGB.
func pillowSRGB(t *testing.T, path string) []byte {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "srgb.raw")
	pillowColour(t, "srgb", path, raw)
	return readFile(t, raw)
}

// levels returns the largest difference between two packed images of n
// channels and w pixels a row, and where it is, for a message.
func levels(got, want []byte, n, w int) (worst int, where string) {
	at := 0
	for i := range got {
		d := int(got[i]) - int(want[i])
		if d = max(d, -d); d > worst {
			worst, at = d, i
		}
	}
	px := at / n
	return worst, fmt.Sprintf("pixel (%d,%d) channel %d: %d, want %d", px%w, px/w, at%n, got[at], want[at])
}

// sameLevels fails unless got and want, packed RGB w pixels wide, are the
// same size and differ by at most tol levels anywhere.
func sameLevels(t *testing.T, what string, got, want []byte, w, tol int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bytes, want %d", what, len(got), len(want))
	}
	if worst, where := levels(got, want, 3, w); worst > tol {
		t.Errorf("%s: %d levels apart (at most %d allowed): %s", what, worst, tol, where)
	}
}

// colourRun runs one input through the batch as the command does (the
// exact mode's DCT reduction, planes for a subsampled JPEG output), and
// returns its result and the output's path.
func colourRun(t *testing.T, in, out string, format imagefile.Format, opt Options) Result {
	t.Helper()
	b, err := Plan([]string{in}, out, format)
	if err != nil {
		t.Fatal(err)
	}
	opt.ShrinkGap, opt.Planes = ExactShrinkGap, true
	var results []Result
	opt.OnResult = func(r Result) { results = append(results, r) }
	if _, err := runCPU(context.Background(), t, b, opt); err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].Status != Done {
		t.Fatalf("%s: results %+v", in, results)
	}
	return results[0]
}

// p3Inputs writes the Display P3 test image as a JPEG and a PNG under dir.
func p3Inputs(t *testing.T, dir string, w, h int, profile []byte) (jpg, png string) {
	t.Helper()
	pix := saturatedRGB(w, h)
	jpg, png = filepath.Join(dir, "p3.jpg"), filepath.Join(dir, "p3.png")
	pillowWrite(t, jpg, "RGB", w, h, pix, profile)
	pillowWrite(t, png, "RGB", w, h, pix, profile)
	return jpg, png
}

// TestColourProfileKept: without SRGB, the Display P3 profile of a JPEG
// and of a PNG reaches the output byte for byte, as Pillow reads it back,
// in either output format, and a profile too large for one APP2 segment
// too; the pixels are left as they are (the output is not converted).
func TestColourProfileKept(t *testing.T) {
	for _, kind := range []string{"p3", "p3big"} {
		t.Run(kind, func(t *testing.T) {
			profile := makeProfile(t, kind)
			if kind == "p3big" && len(profile) <= 65519 {
				t.Fatalf("the big profile is %d bytes, which one APP2 segment holds", len(profile))
			}
			dir := t.TempDir()
			jpg, png := p3Inputs(t, dir, 240, 160, profile)
			for _, tc := range []struct {
				in     string
				format imagefile.Format
				ext    string
			}{{jpg, imagefile.Keep, ".jpg"}, {jpg, imagefile.PNG, ".png"}, {png, imagefile.Keep, ".png"}, {png, imagefile.JPEG, ".jpg"}} {
				out := filepath.Join(dir, "out-"+filepath.Base(tc.in)+tc.ext)
				r := colourRun(t, tc.in, out, tc.format, Options{Size: Size{W: 120}})
				if r.Warning != nil {
					t.Errorf("%s → %s: warning %v", tc.in, out, r.Warning)
				}
				got := pillowRead(t, out)
				if !bytes.Equal(got.profile, profile) {
					t.Errorf("%s → %s: Pillow reads a profile of %d bytes, want the input's %d bytes", filepath.Base(tc.in), filepath.Base(out), len(got.profile), len(profile))
				}
				if got.mode != "RGB" || got.w != 120 || got.h != 80 {
					t.Errorf("%s: %s %d×%d, want RGB 120×80", out, got.mode, got.w, got.h)
				}
			}
		})
	}
}

// TestColourSRGBAgreesWithImageCms: with SRGB, a Display P3 image's
// output has no profile, and its pixels are within 1 level of Pillow's
// ImageCms conversion of the same resized pixels: the output of the same
// batch without SRGB (the profile kept), converted by ImageCms. At the
// input's own size the output is ImageCms's conversion of the input as
// Pillow decodes it, within 1 level.
func TestColourSRGBAgreesWithImageCms(t *testing.T) {
	needLittleCMS(t)
	const w, h = 480, 320
	for _, kind := range []string{"p3", "p3big"} {
		dir := filepath.Join(t.TempDir(), kind)
		jpg, png := p3Inputs(t, dir, w, h, makeProfile(t, kind))
		for _, in := range []string{jpg, png} {
			for _, size := range []Size{{W: 150}, {W: 60}, {W: w}} {
				srgbAgreesWithImageCms(t, kind, in, size, w)
			}
		}
	}
}

// srgbAgreesWithImageCms is one case of TestColourSRGBAgreesWithImageCms:
// the input in, w pixels wide, to size.
func srgbAgreesWithImageCms(t *testing.T, kind, in string, size Size, w int) {
	t.Helper()
	name := fmt.Sprintf("%s-%s-%s", kind, filepath.Base(in), size)
	t.Run(name, func(t *testing.T) {
		out := filepath.Join(filepath.Dir(in), name)
		kept := colourRun(t, in, filepath.Join(out, "kept.png"), imagefile.PNG, Options{Size: size})
		conv := colourRun(t, in, filepath.Join(out, "srgb.png"), imagefile.PNG, Options{Size: size, SRGB: true})
		if conv.Warning != nil || kept.Warning != nil {
			t.Errorf("warnings: %v, with SRGB %v", kept.Warning, conv.Warning)
		}
		if kept.Shrink != conv.Shrink {
			t.Fatalf("decoded at 1/%d, with SRGB at 1/%d: not the same pixels to compare", kept.Shrink, conv.Shrink)
		}
		got := pillowRead(t, conv.Output)
		if got.profile != nil {
			t.Errorf("converted to sRGB, the output still carries a profile of %d bytes", len(got.profile))
		}
		if got.mode != "RGB" {
			t.Fatalf("output in mode %s", got.mode)
		}
		sameLevels(t, "resized, then ImageCms", got.pix, pillowSRGB(t, kept.Output), got.w, 1)
		if size.W == w {
			sameLevels(t, "ImageCms of the input", got.pix, pillowSRGB(t, in), got.w, 1)
		}
		// The conversion must be one: P3's saturated colours are
		// out of sRGB's gamut, tens of levels away.
		if worst, _ := levels(got.pix, pillowRead(t, kept.Output).pix, 3, got.w); worst < 20 {
			t.Errorf("with and without SRGB at most %d levels apart: not converted?", worst)
		}
	})
}

// TestColourSRGBJPEG: a JPEG output of a Display P3 JPEG with SRGB has no
// profile and ImageCms's colours, to within what JPEG's compression
// changes: the means of its 8×8 blocks are within 1 level of those of
// ImageCms's conversion of the same batch's output without SRGB (the
// profile kept), and far from those of the unconverted pixels.
func TestColourSRGBJPEG(t *testing.T) {
	needLittleCMS(t)
	profile := makeProfile(t, "p3")
	dir := t.TempDir()
	jpg, _ := p3Inputs(t, dir, 480, 320, profile)
	kept := colourRun(t, jpg, filepath.Join(dir, "kept.jpg"), imagefile.Keep, Options{Size: Size{W: 160}, Quality: 95})
	conv := colourRun(t, jpg, filepath.Join(dir, "srgb.jpg"), imagefile.Keep, Options{Size: Size{W: 160}, Quality: 95, SRGB: true})
	got := pillowRead(t, conv.Output)
	if got.profile != nil {
		t.Errorf("converted to sRGB, the JPEG still carries a profile of %d bytes", len(got.profile))
	}
	if got.mode != "RGB" {
		t.Fatalf("output in mode %s", got.mode)
	}
	gotMeans := blockMeans(got.pix, got.w, got.h)
	want := blockMeans(pillowSRGB(t, kept.Output), got.w, got.h)
	unconverted := blockMeans(pillowRead(t, kept.Output).pix, got.w, got.h)
	if worst, where := levels(gotMeans, want, 3, got.w/8); worst > 1 {
		t.Errorf("8×8 block means %d levels from ImageCms's: block %s", worst, where)
	}
	if worst, _ := levels(gotMeans, unconverted, 3, got.w/8); worst < 20 {
		t.Errorf("8×8 block means at most %d levels from the unconverted pixels': not converted?", worst)
	}
}

// blockMeans returns the rounded mean of each channel over each whole 8×8
// block of packed RGB w×h, as packed RGB (w/8)×(h/8).
func blockMeans(pix []byte, w, h int) []byte {
	var out []byte
	for by := 0; by+8 <= h; by += 8 {
		for bx := 0; bx+8 <= w; bx += 8 {
			for c := range 3 {
				s := 0
				for y := by; y < by+8; y++ {
					for x := bx; x < bx+8; x++ {
						s += int(pix[(y*w+x)*3+c])
					}
				}
				out = append(out, byte((s+32)/64))
			}
		}
	}
	return out
}

// cmykProfilePath is the CMYK profile of Debian's libgs-common.
const cmykProfilePath = "/usr/share/color/icc/ghostscript/default_cmyk.icc"

// TestColourCMYK: a CMYK JPEG with ghostscript's CMYK profile embedded
// comes out, at its own size, as ImageCms's conversion of it to sRGB
// within 2 levels, with no profile and no warning; without a profile it
// still converts naively, as color.CMYK does, with no warning.
func TestColourCMYK(t *testing.T) {
	const w, h = 200, 128
	pix := inkCMYK(w, h)
	dir := t.TempDir()

	t.Run("profile", func(t *testing.T) {
		needLittleCMS(t)
		profile, err := os.ReadFile(cmykProfilePath)
		needColourTool(t, err, "libgs-common (ghostscript's CMYK profile)")
		in := filepath.Join(dir, "cmyk-profile.jpg")
		pillowWrite(t, in, "CMYK", w, h, pix, profile)
		if m := pillowRead(t, in); m.mode != "CMYK" || !bytes.Equal(m.profile, profile) {
			t.Fatalf("Pillow wrote a %s JPEG with a profile of %d bytes", m.mode, len(m.profile))
		}
		r := colourRun(t, in, filepath.Join(dir, "cmyk-profile.png"), imagefile.PNG, Options{Size: Size{W: w}})
		if r.Warning != nil {
			t.Errorf("warning: %v", r.Warning)
		}
		got := pillowRead(t, r.Output)
		if got.profile != nil {
			t.Errorf("the output carries a profile of %d bytes; converted to sRGB, it should carry none", len(got.profile))
		}
		if got.mode != "RGB" {
			t.Fatalf("output in mode %s", got.mode)
		}
		sameLevels(t, "ImageCms CMYK → sRGB", got.pix, pillowSRGB(t, in), w, 2)
		if worst, _ := levels(got.pix, naiveRGB(pillowRead(t, in).pix), 3, w); worst < 20 {
			t.Errorf("at most %d levels from the naive conversion: the profile was not used?", worst)
		}
	})

	t.Run("no profile", func(t *testing.T) {
		in := filepath.Join(dir, "cmyk-plain.jpg")
		pillowWrite(t, in, "CMYK", w, h, pix, nil)
		r := colourRun(t, in, filepath.Join(dir, "cmyk-plain.png"), imagefile.PNG, Options{Size: Size{W: w}, SRGB: true})
		if r.Warning != nil {
			t.Errorf("warning: %v", r.Warning)
		}
		got := pillowRead(t, r.Output)
		if got.profile != nil || got.mode != "RGB" {
			t.Errorf("output %s with a profile of %d bytes", got.mode, len(got.profile))
		}
		// Rounding apart, the same; Go's image/jpeg (no cgo) has an IDCT
		// of its own, a level from libjpeg's on the noise.
		tol := 1
		if !strings.HasPrefix(r.Decoder, "libjpeg-turbo") {
			tol = 2
		}
		sameLevels(t, "naive CMYK → RGB", got.pix, naiveRGB(pillowRead(t, in).pix), w, tol)
	})
}

// naiveRGB converts packed CMYK as color.CMYK and Pillow's convert("RGB")
// do, without a profile: (255−C)(255−K)/255.
func naiveRGB(cmyk []byte) []byte {
	out := make([]byte, 0, len(cmyk)/4*3)
	for i := 0; i+3 < len(cmyk); i += 4 {
		k := 255 - int(cmyk[i+3])
		for _, c := range cmyk[i : i+3] {
			out = append(out, byte(((255-int(c))*k+127)/255))
		}
	}
	return out
}

// TestColourProfileNotApplied: with SRGB, an RGB image whose profile
// cannot be applied (a gray profile; a profile whose tag table is
// corrupt) is done, with a warning that says the profile was kept, and
// the profile goes to the output byte for byte.
func TestColourProfileNotApplied(t *testing.T) {
	needLittleCMS(t)
	gray := makeProfile(t, "gray")
	corrupt := makeProfile(t, "p3")
	// A tag count far past the end: the header still says "acsp" and the
	// profile's size, so it is taken from the file, but no engine reads it.
	copy(corrupt[128:132], []byte{0x00, 0xff, 0xff, 0xff})
	for _, tc := range []struct {
		name    string
		profile []byte
	}{{"gray", gray}, {"corrupt", corrupt}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			in := filepath.Join(dir, tc.name+".jpg")
			pillowWrite(t, in, "RGB", 120, 80, saturatedRGB(120, 80), tc.profile)
			for _, format := range []imagefile.Format{imagefile.JPEG, imagefile.PNG} {
				r := colourRun(t, in, filepath.Join(dir, "out"+format.Ext()), format, Options{Size: Size{W: 60}, SRGB: true})
				if r.Warning == nil || !strings.Contains(r.Warning.Error(), "colour profile kept, not converted to sRGB") {
					t.Errorf("%s: warning %v, want one that says the profile was kept", format, r.Warning)
				}
				if strings.Contains(fmt.Sprint(r.Warning), in) {
					t.Errorf("the warning repeats the input's path: %v", r.Warning)
				}
				if got := pillowRead(t, r.Output); !bytes.Equal(got.profile, tc.profile) {
					t.Errorf("%s: the output carries a profile of %d bytes, want the input's %d bytes", format, len(got.profile), len(tc.profile))
				}
			}
		})
	}
}

// TestColourWithoutLittleCMS: built without Little CMS, SRGB fails a file
// with a profile, saying why, rather than writing colours it did not
// convert; a file without one is done.
func TestColourWithoutLittleCMS(t *testing.T) {
	if icc.Available {
		t.Skip("built with Little CMS")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "p3.png")
	pillowWrite(t, in, "RGB", 60, 40, saturatedRGB(60, 40), makeProfile(t, "p3"))
	plain := filepath.Join(dir, "plain.png")
	pillowWrite(t, plain, "RGB", 60, 40, saturatedRGB(60, 40), nil)
	s := runBatch(t, []string{in, plain}, filepath.Join(dir, "out"), imagefile.Keep, Options{Size: Size{W: 30}, SRGB: true})
	if s.Done != 1 || s.Failed != 1 || !strings.Contains(s.Failures[0].Error(), "--srgb") || !strings.Contains(s.Failures[0].Error(), in) {
		t.Errorf("done %d, failures %v; want p3.png failed for --srgb", s.Done, s.Failures)
	}
}
