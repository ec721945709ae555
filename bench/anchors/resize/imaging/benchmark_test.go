// Package imaging_test times github.com/disintegration/imaging, the best
// pure-Go resize library, on the resize anchors' two jobs, for comparison
// with corescale's engines (cpu/resize) and with Pillow and libvips
// (bench_pillow.py, batch.sh):
//
//   - BenchmarkLarge: one decoded 6000×4000 RGB image (testchart.Photo, an
//     *image.RGBA as Go's PNG decoder returns) to 600×400 with Lanczos, with
//     GOMAXPROCS 1 and 2 (imaging splits its passes over GOMAXPROCS
//     goroutines);
//   - BenchmarkBatch: 100 photo-like 1920×1080 JPEGs (quality 90) read from
//     disk, decoded, imaging.Resize(600, 0, Lanczos), encoded at quality 85
//     and written, by 2 goroutines with GOMAXPROCS 2;
//   - BenchmarkBatchStages: the batch's stages one at a time on one core, to
//     show where its time goes.
//
// The JPEGs are those in $CORESCALE_JPEG_DIR when set (run.sh points it at
// the files batch.sh times), else made once per run in a temporary folder.
// MP/s counts input megapixels per wall second; MP/cpu-s per second of
// process CPU time, the steadier figure on a shared machine.
//
//	cd bench/anchors && go test -run '^$' -bench . -count 5 ./resize/imaging
package imaging_test

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"testing"

	"github.com/corescale/corescale/internal/testchart"
	"github.com/disintegration/imaging"
)

const (
	batchFiles  = 100
	thumbWidth  = 600
	workers     = 2
	jpegQuality = 85
)

var tempDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range tempDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// jpegFiles returns the batch's input files, making them on first use.
var jpegFiles = sync.OnceValues(func() ([]string, error) {
	if dir := os.Getenv("CORESCALE_JPEG_DIR"); dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.jpg"))
		if err == nil && len(files) == 0 {
			err = fmt.Errorf("no *.jpg in CORESCALE_JPEG_DIR=%s", dir)
		}
		sort.Strings(files)
		return files, err
	}
	dir, err := os.MkdirTemp("", "corescale-imaging-")
	if err != nil {
		return nil, err
	}
	tempDirs = append(tempDirs, dir)
	var files []string
	for seed := uint64(1); seed <= batchFiles; seed++ {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, testchart.Photo(1920, 1080, seed), &jpeg.Options{Quality: 90}); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, fmt.Sprintf("photo-%03d.jpg", seed))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			return nil, err
		}
		files = append(files, name)
	}
	return files, nil
})

// report adds the throughput metrics for mp input megapixels per iteration.
func report(b *testing.B, mp, cpu0 float64) {
	b.ReportMetric(float64(b.N)*mp/b.Elapsed().Seconds(), "MP/s")
	if cpu := cpuSeconds() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)*mp/cpu, "MP/cpu-s")
	}
}

func BenchmarkLarge(b *testing.B) {
	src := testchart.Photo(6000, 4000, 1)
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("procs=%d", procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			imaging.Resize(src, 600, 400, imaging.Lanczos) // warm-up
			// Settle the garbage of what ran before, then the CPU baseline.
			runtime.GC()
			cpu0 := cpuSeconds()
			for b.Loop() {
				imaging.Resize(src, 600, 400, imaging.Lanczos)
			}
			report(b, 24, cpu0)
		})
	}
}

// thumbnail is one file of the batch: read, decode, resize, encode, write.
func thumbnail(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %v", in, err)
	}
	small := imaging.Resize(img, thumbWidth, 0, imaging.Lanczos)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, small, &jpeg.Options{Quality: jpegQuality}); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

func inputMP(b *testing.B, files []string) float64 {
	mp := 0.0
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			b.Fatal(err)
		}
		c, err := jpeg.DecodeConfig(fh)
		fh.Close()
		if err != nil {
			b.Fatal(err)
		}
		mp += float64(c.Width*c.Height) / 1e6
	}
	return mp
}

func BenchmarkBatch(b *testing.B) {
	files, err := jpegFiles()
	if err != nil {
		b.Fatal(err)
	}
	mp := inputMP(b, files)
	out := b.TempDir()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(workers))
	// Settle the garbage of what ran before, then the CPU baseline.
	runtime.GC()
	cpu0 := cpuSeconds()
	for b.Loop() {
		next := make(chan string)
		errs := make(chan error, workers)
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for f := range next {
					if err := thumbnail(f, filepath.Join(out, filepath.Base(f))); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		for _, f := range files {
			next <- f
		}
		close(next)
		wg.Wait()
		close(errs)
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	report(b, mp, cpu0)
}

// BenchmarkBatchStages times each stage of one thumbnail on one core over the
// batch's first ten files; MP/s counts the input image's megapixels.
func BenchmarkBatchStages(b *testing.B) {
	files, err := jpegFiles()
	if err != nil {
		b.Fatal(err)
	}
	files = files[:min(10, len(files))]
	var datas [][]byte
	var imgs []image.Image
	var smalls []*image.NRGBA
	mp := 0.0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, data)
		imgs = append(imgs, img)
		smalls = append(smalls, imaging.Resize(img, thumbWidth, 0, imaging.Lanczos))
		mp += float64(img.Bounds().Dx()*img.Bounds().Dy()) / 1e6
	}
	stages := []struct {
		name string
		run  func(i int)
	}{
		{"decode", func(i int) { jpeg.Decode(bytes.NewReader(datas[i])) }},
		{"resize", func(i int) { imaging.Resize(imgs[i], thumbWidth, 0, imaging.Lanczos) }},
		{"encode", func(i int) { jpeg.Encode(&bytes.Buffer{}, smalls[i], &jpeg.Options{Quality: jpegQuality}) }},
	}
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			// Inside the sub-benchmark: testing sets GOMAXPROCS to the -cpu
			// value before running each one.
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			// Settle the garbage of what ran before, then the CPU baseline.
			runtime.GC()
			cpu0 := cpuSeconds()
			for b.Loop() {
				for i := range files {
					s.run(i)
				}
			}
			report(b, mp, cpu0)
		})
	}
}
