package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// shrinkScript writes the test's JPEGs and measures outputs against
// Pillow's full decode:
//
//	make DIR: DIR/o1.jpg … o8.jpg, a 2401×1603 picture (no side a multiple
//	  of 8·s) stored for each EXIF orientation so that it is the same
//	  upright, and DIR/even.jpg, 2400×1600
//	psnr IN OUT WxH FIT: prints the PSNR of OUT's Y, Cb and Cr against
//	  IN decoded in full, turned upright and resized by LANCZOS with the
//	  command's geometry (a box for --fit cover)
const shrinkScript = `
import sys
import numpy as np
from PIL import Image, ImageOps

def picture(w, h):
    y, x = np.mgrid[0:h, 0:w]
    r = 128 + 100 * np.sin(x / 37.0) * np.cos(y / 53.0)
    g = 128 + 100 * np.sin((x + y) / 71.0)
    b = x * 255.0 / w
    a = np.stack([r, g, b], -1) + np.random.default_rng(1).normal(0, 12, (h, w, 3))
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), 'RGB')
    im.paste((255, 0, 0), (0, 0, 200, 100))
    im.paste((0, 0, 255), (w - 200, h - 100, w, h))
    return im

# How each orientation's stored image is made from the upright one: the
# inverse of what exif_transpose does.
store = {1: None, 2: Image.FLIP_LEFT_RIGHT, 3: Image.ROTATE_180, 4: Image.FLIP_TOP_BOTTOM,
         5: Image.TRANSPOSE, 6: Image.ROTATE_90, 7: Image.TRANSVERSE, 8: Image.ROTATE_270}

def scale(a, num, den): return max((2 * a * num + den) // (2 * den), 1)

def geometry(W, H, bw, bh, fit):
    crop = (0, 0, W, H)
    if fit == 'cover':
        cw, ch = W, H
        if W * bh > H * bw: cw = scale(H, bw, bh)
        else: ch = scale(W, bh, bw)
        x0, y0 = (W - cw) // 2, (H - ch) // 2
        return (x0, y0, x0 + cw, y0 + ch), bw, bh
    if bh == 0: return crop, bw, scale(H, bw, W)
    if bw == 0: return crop, scale(W, bh, H), bh
    if bw * H <= bh * W: return crop, bw, scale(H, bw, W)
    return crop, scale(W, bh, H), bh

def psnr(a, b):
    m = ((a.astype(float) - b.astype(float)) ** 2).mean()
    return 99 if m == 0 else 10 * np.log10(255 * 255 / m)

op, args = sys.argv[1], sys.argv[2:]
if op == 'make':
    d = args[0]
    up = picture(2401, 1603)
    for o, t in store.items():
        ex = Image.Exif(); ex[0x0112] = o
        (up if t is None else up.transpose(t)).save(d + '/o%d.jpg' % o, quality=92, exif=ex.tobytes())
    picture(2400, 1600).save(d + '/even.jpg', quality=92)
elif op == 'psnr':
    inp, out, size, fit = args
    bw, bh = [int(v) if v else 0 for v in size.split('x')]
    im = ImageOps.exif_transpose(Image.open(inp)).convert('RGB')
    crop, w, h = geometry(im.width, im.height, bw, bh, fit)
    ref = np.asarray(im.resize((w, h), Image.LANCZOS, box=crop).convert('YCbCr'))
    o = Image.open(out).convert('RGB')
    if o.size != (w, h):
        print('size', o.size, (w, h)); sys.exit(1)
    o = np.asarray(o.convert('YCbCr'))
    print(' '.join('%.2f' % psnr(ref[..., i], o[..., i]) for i in range(3)))
`

// shrinkPillow runs shrinkScript with args and returns what it prints.
func shrinkPillow(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(colourPython, append([]string{"-c", shrinkScript}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("Pillow %s: %v\n%s", args[0], err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestResizeReducedDecodeMatchesPillow: a JPEG decoded reduced in the DCT
// domain (by 2, 4 and 8 here) gives what Pillow's full decode and LANCZOS
// give, within 49 dB on Y, Cb and Cr: when no side is a multiple of 8·s,
// whose last reduced pixel covers less than the others; for --fit cover,
// whose crop does not fall on reduced pixels; and for every EXIF
// orientation, some of which put that partial pixel first. The GPU code
// (gpu-emu) gives the serial path's bytes on each.
func TestResizeReducedDecodeMatchesPillow(t *testing.T) {
	err := exec.Command(colourPython, "-c", "import numpy, PIL").Run()
	colourNeed(t, err, "python3-pil and python3-numpy under "+colourPython)
	dir := t.TempDir()
	shrinkPillow(t, "make", dir)
	type tcase struct {
		in, size, fit string
		fast          bool
	}
	cases := []tcase{
		{"o1.jpg", "64x", "contain", false},  // by 8
		{"o1.jpg", "160x", "contain", false}, // by 4
		{"o1.jpg", "400x", "contain", false}, // by 2
		{"even.jpg", "64x48", "cover", false},
		{"o1.jpg", "64x48", "contain", true},
		{"o6.jpg", "64x48", "cover", true},
	}
	for o := 1; o <= 8; o++ {
		cases = append(cases, tcase{"o" + strconv.Itoa(o) + ".jpg", "64x48", "cover", false})
	}
	for i, c := range cases {
		in := filepath.Join(dir, c.in)
		var outs []string
		backends := []string{"serial", "gpu-emu"}
		if c.fast {
			backends = backends[:1] // --fast runs on the CPU only
		}
		for _, backend := range backends {
			out := filepath.Join(dir, "out", strconv.Itoa(i)+"-"+backend+".png")
			args := []string{"resize", "--size", c.size, "--fit", c.fit, "--backend", backend, "--out", out}
			if c.fast {
				args = append(args, "--fast")
			}
			if _, stderr, code := runBin(t, nil, append(args, in)...); code != 0 {
				t.Fatalf("%v: exit %d\n%s", args, code, stderr)
			}
			outs = append(outs, out)
		}
		name := c.in + " " + c.size + " " + c.fit
		if c.fast {
			name += " --fast"
		}
		got := shrinkPillow(t, "psnr", in, outs[0], c.size, c.fit)
		for ch, f := range strings.Fields(got) {
			db, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("%s: Pillow printed %q", name, got)
			}
			if db < 49 {
				t.Errorf("%s: %s %.1f dB against Pillow's full decode, want at least 49 (Y Cb Cr: %s)", name, []string{"Y", "Cb", "Cr"}[ch], db, got)
			}
		}
		if len(outs) == 2 {
			a, b := readBytes(t, outs[0]), readBytes(t, outs[1])
			if string(a) != string(b) {
				t.Errorf("%s: gpu-emu's output differs from serial's", name)
			}
		}
	}
}

func readBytes(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
