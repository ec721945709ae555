package resize

import (
	"fmt"
	"image"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/internal/testchart"
)

// TestLibvips compares the engine with libvips' reduce — an implementation
// independent of Pillow, whose arithmetic the engine follows — on the test
// chart as RGB and gray, downscaled by integer and fractional factors. It is
// the only outside check of Mitchell and Lanczos2, which Pillow lacks. The
// bars sit a little under what libvips 8.14 reaches: about 49 dB for the
// Lanczos filters, as the resize issue says independent implementations
// reach with each other; its Mitchell and Catmull–Rom come out further away
// at large factors, where it samples the kernel on a fixed grid.
func TestLibvips(t *testing.T) {
	if _, err := exec.LookPath("vips"); err != nil {
		t.Skipf("no libvips (apt-get install libvips-tools): %v", err)
	}
	filters := []struct {
		f    corescale.Filter
		vips string
		bar  float64
	}{
		{corescale.Lanczos3, "lanczos3", 48.5},
		{corescale.Lanczos2, "lanczos2", 48.5},
		{corescale.Linear, "linear", 50},
		{corescale.Mitchell, "mitchell", 46},
		{corescale.CatmullRom, "cubic", 42.5},
	}
	dir := t.TempDir()
	images := map[string]image.Image{
		"rgb":  testchart.Photo(900, 600, 1),
		"gray": testchart.PhotoGray(900, 600, 2),
	}
	for name, img := range images {
		in := filepath.Join(dir, name+".png")
		writePNG(t, in, img)
		src := FromImage(img)
		for _, k := range filters {
			for _, sz := range [][2]int{{300, 200}, {97, 61}, {450, 300}, {600, 400}, {90, 60}} {
				t.Run(fmt.Sprintf("%s/%s/%dx%d", name, k.vips, sz[0], sz[1]), func(t *testing.T) {
					out := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", name, k.vips, sz[0]))
					hs, vs := float64(src.Width)/float64(sz[0]), float64(src.Height)/float64(sz[1])
					cmd := exec.Command("vips", "reduce", in, out, fmt.Sprint(hs), fmt.Sprint(vs), "--kernel", k.vips)
					if b, err := cmd.CombinedOutput(); err != nil {
						t.Fatalf("vips reduce: %v\n%s", err, b)
					}
					want := FromImage(readPNG(t, out))
					if want.Width != sz[0] || want.Height != sz[1] || want.Channels != src.Channels {
						t.Fatalf("libvips made %d×%d×%d, want %d×%d×%d", want.Width, want.Height, want.Channels, sz[0], sz[1], src.Channels)
					}
					e, err := New(Options{Filter: k.f})
					if err != nil {
						t.Fatal(err)
					}
					dst := corescale.NewRaster(sz[0], sz[1], src.Channels)
					if err := e.Resize(dst, src); err != nil {
						t.Fatal(err)
					}
					if psnr, worst := compare(dst, want); psnr < k.bar {
						t.Errorf("%.1f dB against libvips (worst sample %d levels off), want at least %.1f", psnr, worst, k.bar)
					}
				})
			}
		}
	}
}
