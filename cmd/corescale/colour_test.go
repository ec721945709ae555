package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/icc"
)

// The colour tests run the built command on files Pillow writes, with
// profiles Little CMS makes, and read the outputs back with Pillow, whose
// ImageCms (Little CMS) is the reference for --srgb.

// colourPython is Debian's Python, which python3-pil serves.
const colourPython = "/usr/bin/python3"

// colourScript does what the tests ask of Pillow:
//
//	write MODE W H RAW PROFILE|- OUT: raw pixels to a file (its extension
//	  tells the format; JPEG at quality 95) with that profile embedded
//	read FILE RAW PROFILE: the decoded pixels as stored and the embedded
//	  profile (empty when none); prints "MODE W H"
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

// colourNeed skips a test without what it needs, except in CI, which
// installs it.
func colourNeed(t *testing.T, err error, pkg string) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is needed: %v", pkg, err)
	}
	t.Skipf("needs %s: %v", pkg, err)
}

// colourPillow runs colourScript with args and returns what it prints.
func colourPillow(t *testing.T, args ...string) string {
	t.Helper()
	err := exec.Command(colourPython, "-c", "from PIL import ImageCms").Run()
	colourNeed(t, err, "python3-pil (Pillow with ImageCms under "+colourPython+")")
	out, err := exec.Command(colourPython, append([]string{"-c", colourScript}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("Pillow %s: %v\n%s", args[0], err, out)
	}
	return string(out)
}

// colourProfileMaker writes profiles with Little CMS, as internal/icc's
// makeprofile.go does (a test file cannot use cgo): "p3", Display P3 (D65,
// P3 primaries, the sRGB curve, ICC v4), or "gray", gray D50 gamma 2.2.
const colourProfileMaker = `
#include <lcms2.h>
#include <string.h>
int main(int argc, char **argv) {
	if (argc != 3) return 2;
	cmsHPROFILE h = NULL;
	if (strcmp(argv[1], "p3") == 0) {
		cmsCIExyY white = {0.3127, 0.3290, 1};
		cmsCIExyYTRIPLE prim = {{0.680, 0.320, 1}, {0.265, 0.690, 1}, {0.150, 0.060, 1}};
		cmsFloat64Number p[5] = {2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045};
		cmsToneCurve *c = cmsBuildParametricToneCurve(NULL, 4, p);
		cmsToneCurve *curves[3] = {c, c, c};
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

// colourProfile returns a profile colourProfileMaker writes.
func colourProfile(t *testing.T, kind string) []byte {
	t.Helper()
	dir := t.TempDir()
	src, bin, path := filepath.Join(dir, "mkprofile.c"), filepath.Join(dir, "mkprofile"), filepath.Join(dir, kind+".icc")
	colourWrite(t, src, []byte(colourProfileMaker))
	out, err := exec.Command("cc", "-o", bin, src, "-llcms2").CombinedOutput()
	if err != nil {
		err = fmt.Errorf("cc: %v\n%s", err, out)
	}
	colourNeed(t, err, "a C compiler and liblcms2-dev")
	if out, err := exec.Command(bin, kind, path).CombinedOutput(); err != nil {
		t.Fatalf("making the %s profile: %v\n%s", kind, err, out)
	}
	return readFile(t, path)
}

func colourWrite(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// colourRGB is w×h packed RGB with what colour management gets wrong
// first: saturated primaries and secondaries ramped to full, gray, noise.
func colourRGB(w, h int) []byte {
	pix := make([]byte, 0, w*h*3)
	rng := rand.New(rand.NewPCG(7, 8))
	for y := range h {
		for x := range w {
			v := byte(x * 255 / (w - 1))
			switch y * 8 / h {
			case 0:
				pix = append(pix, v, 0, 0)
			case 1:
				pix = append(pix, 0, v, 0)
			case 2:
				pix = append(pix, 0, 0, v)
			case 3:
				pix = append(pix, v, v, 0)
			case 4:
				pix = append(pix, 0, v, v)
			case 5:
				pix = append(pix, v, 0, 255-v)
			case 6:
				pix = append(pix, v, v, v)
			default:
				pix = append(pix, byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()))
			}
		}
	}
	return pix
}

// colourCMYK is w×h packed CMYK: ramps of each ink and of rich black,
// and noise.
func colourCMYK(w, h int) []byte {
	pix := make([]byte, 0, w*h*4)
	rng := rand.New(rand.NewPCG(9, 10))
	for y := range h {
		for x := range w {
			v := byte(x * 255 / (w - 1))
			switch y * 6 / h {
			case 0:
				pix = append(pix, v, 0, 0, 0)
			case 1:
				pix = append(pix, 0, v, 0, 0)
			case 2:
				pix = append(pix, 0, 0, v, 0)
			case 3:
				pix = append(pix, 0, 0, 0, v)
			case 4:
				pix = append(pix, v, v, v, v)
			default:
				pix = append(pix, byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()), byte(rng.Uint32()))
			}
		}
	}
	return pix
}

// colourPillowWrite has Pillow write pix (mode RGB or CMYK, w×h) to path,
// with profile embedded unless nil.
func colourPillowWrite(t *testing.T, path, mode string, w, h int, pix, profile []byte) {
	t.Helper()
	dir := t.TempDir()
	raw, prof := filepath.Join(dir, "pixels.raw"), "-"
	colourWrite(t, raw, pix)
	if profile != nil {
		prof = filepath.Join(dir, "profile.icc")
		colourWrite(t, prof, profile)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	colourPillow(t, "write", mode, strconv.Itoa(w), strconv.Itoa(h), raw, prof, path)
}

// colourImage is a file as Pillow decodes it.
type colourImage struct {
	mode    string
	w, h    int
	pix     []byte // packed, as stored
	profile []byte // nil when none is embedded
}

func colourPillowRead(t *testing.T, path string) colourImage {
	t.Helper()
	dir := t.TempDir()
	raw, prof := filepath.Join(dir, "pixels.raw"), filepath.Join(dir, "profile.icc")
	var m colourImage
	if _, err := fmt.Sscan(colourPillow(t, "read", path, raw, prof), &m.mode, &m.w, &m.h); err != nil {
		t.Fatalf("Pillow's read of %s: %v", path, err)
	}
	m.pix = readFile(t, raw)
	if p := readFile(t, prof); len(p) > 0 {
		m.profile = p
	}
	return m
}

// colourPillowSRGB returns the file at path decoded by Pillow and
// converted through its embedded profile to sRGB by ImageCms, packed RGB.
func colourPillowSRGB(t *testing.T, path string) []byte {
	t.Helper()
	raw := filepath.Join(t.TempDir(), "srgb.raw")
	colourPillow(t, "srgb", path, raw)
	return readFile(t, raw)
}

// colourWorst returns the largest difference between two packed RGB
// images w pixels wide, and where it is.
func colourWorst(got, want []byte, w int) (worst int, where string) {
	at := 0
	for i := range min(len(got), len(want)) {
		d := int(got[i]) - int(want[i])
		if d = max(d, -d); d > worst {
			worst, at = d, i
		}
	}
	if worst == 0 {
		return 0, ""
	}
	px := at / 3
	return worst, fmt.Sprintf("pixel (%d,%d) channel %d is %d, want %d", px%w, px/w, at%3, got[at], want[at])
}

// colourLevels fails unless got and want, packed RGB w pixels wide, are
// the same size and at most tol levels apart anywhere.
func colourLevels(t *testing.T, what string, got, want []byte, w, tol int) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d bytes, want %d", what, len(got), len(want))
	}
	if worst, where := colourWorst(got, want, w); worst > tol {
		t.Errorf("%s: %d levels apart (at most %d allowed): %s", what, worst, tol, where)
	}
}

// colourCorescale runs the built command's resize with --quiet (no
// summary) and args, and returns its stderr and exit status; stdout must
// stay empty.
func colourCorescale(t *testing.T, bin string, args ...string) (stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"resize", "--quiet"}, args...)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		code = exit.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if out.Len() > 0 {
		t.Errorf("corescale %q wrote on stdout: %q", args, out.String())
	}
	return errOut.String(), code
}

// TestColourCommand runs the command on Display P3 and CMYK files: without
// --srgb the profile reaches the output byte for byte; with it the output
// has none, and ImageCms's colours within 1 level; a CMYK JPEG converts
// through its profile; a profile that cannot be applied leaves the file
// done, with a warning, and the status 0.
func TestColourCommand(t *testing.T) {
	const w, h = 320, 200
	bin := buildPrimeBinary(t)
	dir := t.TempDir()
	p3 := colourProfile(t, "p3")
	pix := colourRGB(w, h)
	jpg, png := filepath.Join(dir, "in", "photo.jpg"), filepath.Join(dir, "in", "drawing.png")
	colourPillowWrite(t, jpg, "RGB", w, h, pix, p3)
	colourPillowWrite(t, png, "RGB", w, h, pix, p3)

	t.Run("profile kept", func(t *testing.T) {
		out := filepath.Join(dir, "kept")
		if stderr, code := colourCorescale(t, bin, "--size", "100x", "--out", out, jpg, png); code != 0 || stderr != "" {
			t.Fatalf("status %d, stderr %q", code, stderr)
		}
		for _, f := range []string{"photo.jpg", "drawing.png"} {
			if got := colourPillowRead(t, filepath.Join(out, f)); !bytes.Equal(got.profile, p3) {
				t.Errorf("%s: Pillow reads a profile of %d bytes, want the input's %d bytes", f, len(got.profile), len(p3))
			}
		}
	})

	t.Run("srgb", func(t *testing.T) {
		if !icc.Available {
			stderr, code := colourCorescale(t, bin, "--srgb", "--size", "100x", "--out", filepath.Join(dir, "nolcms"), jpg)
			if code != 1 || !strings.Contains(stderr, jpg) || !strings.Contains(stderr, "--srgb") {
				t.Errorf("built without Little CMS, --srgb: status %d, stderr %q; want 1 and a message naming the file", code, stderr)
			}
			return
		}
		for _, size := range []string{"100x", strconv.Itoa(w) + "x"} {
			kept, conv := filepath.Join(dir, "png-"+size), filepath.Join(dir, "srgb-"+size)
			for _, args := range [][]string{{"--out", kept}, {"--srgb", "--out", conv}} {
				args = append([]string{"--size", size, "--format", "png"}, append(args, jpg, png)...)
				if stderr, code := colourCorescale(t, bin, args...); code != 0 || stderr != "" {
					t.Fatalf("corescale %q: status %d, stderr %q", args, code, stderr)
				}
			}
			for _, in := range []string{jpg, png} {
				name := strings.TrimSuffix(filepath.Base(in), filepath.Ext(in)) + ".png"
				got := colourPillowRead(t, filepath.Join(conv, name))
				if got.profile != nil {
					t.Errorf("--srgb %s: the output carries a profile of %d bytes", name, len(got.profile))
				}
				colourLevels(t, "--srgb "+size+" "+name+" against ImageCms of the output without --srgb", got.pix, colourPillowSRGB(t, filepath.Join(kept, name)), got.w, 1)
				if size != "100x" {
					colourLevels(t, "--srgb "+size+" "+name+" against ImageCms of the input", got.pix, colourPillowSRGB(t, in), got.w, 1)
				}
				if worst, _ := colourWorst(got.pix, colourPillowRead(t, filepath.Join(kept, name)).pix, got.w); worst < 20 {
					t.Errorf("--srgb %s: at most %d levels from the unconverted output: not converted?", name, worst)
				}
			}
		}
		// A JPEG output too carries no profile once converted.
		out := filepath.Join(dir, "srgb-jpeg")
		if stderr, code := colourCorescale(t, bin, "--srgb", "--size", "100x", "--out", out, jpg); code != 0 || stderr != "" {
			t.Fatalf("status %d, stderr %q", code, stderr)
		}
		if got := colourPillowRead(t, filepath.Join(out, "photo.jpg")); got.profile != nil {
			t.Errorf("--srgb JPEG output carries a profile of %d bytes", len(got.profile))
		}
	})

	t.Run("cmyk", func(t *testing.T) {
		if !icc.Available {
			t.Skip("built without Little CMS (cgo)")
		}
		profile, err := os.ReadFile("/usr/share/color/icc/ghostscript/default_cmyk.icc")
		colourNeed(t, err, "libgs-common (ghostscript's CMYK profile)")
		in := filepath.Join(dir, "cmyk", "inks.jpg")
		colourPillowWrite(t, in, "CMYK", 180, 120, colourCMYK(180, 120), profile)
		out := filepath.Join(dir, "cmyk-out")
		if stderr, code := colourCorescale(t, bin, "--size", "180x", "--format", "png", "--out", out, in); code != 0 || stderr != "" {
			t.Fatalf("status %d, stderr %q", code, stderr)
		}
		got := colourPillowRead(t, filepath.Join(out, "inks.png"))
		if got.profile != nil || got.mode != "RGB" {
			t.Errorf("output %s with a profile of %d bytes; want RGB with none", got.mode, len(got.profile))
		}
		colourLevels(t, "CMYK through its profile against ImageCms", got.pix, colourPillowSRGB(t, in), got.w, 2)
	})

	t.Run("profile not applied", func(t *testing.T) {
		if !icc.Available {
			t.Skip("built without Little CMS (cgo)")
		}
		corrupt := bytes.Clone(p3)
		// A tag count far past the end: the header still says "acsp" and
		// the profile's size, so it is taken from the file, but no engine
		// reads it.
		copy(corrupt[128:132], []byte{0x00, 0xff, 0xff, 0xff})
		gray := filepath.Join(dir, "odd", "gray.jpg")
		bad := filepath.Join(dir, "odd", "corrupt.jpg")
		colourPillowWrite(t, gray, "RGB", 64, 40, colourRGB(64, 40), colourProfile(t, "gray"))
		colourPillowWrite(t, bad, "RGB", 64, 40, colourRGB(64, 40), corrupt)
		out := filepath.Join(dir, "odd-out")
		stderr, code := colourCorescale(t, bin, "--srgb", "--size", "32x", "--out", out, gray, bad)
		if code != 0 {
			t.Errorf("status %d, want 0: %s", code, stderr)
		}
		// One line a file, in the order the files finish.
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if len(lines) != 2 {
			t.Fatalf("stderr %q, want a warning for each file", stderr)
		}
		for _, in := range []string{gray, bad} {
			want := "corescale: " + in + ": warning: colour profile kept, not converted to sRGB: "
			if !strings.HasPrefix(lines[0], want) && !strings.HasPrefix(lines[1], want) {
				t.Errorf("stderr %q: no line starts %q", stderr, want)
			}
		}
		if got := colourPillowRead(t, filepath.Join(out, "corrupt.jpg")); !bytes.Equal(got.profile, corrupt) {
			t.Errorf("the unusable profile is not kept byte for byte: %d bytes, want %d", len(got.profile), len(corrupt))
		}
	})
}
