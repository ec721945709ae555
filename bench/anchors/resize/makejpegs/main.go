// Command makejpegs writes the inputs of the resize anchors: testchart.Photo
// charts as JPEG files (the thumbnail batch) or as one PNG (the large-image
// speed test), so that Go, Pillow and libvips time the same pixels.
//
//	makejpegs -out DIR [-n 100] [-first 1] [-size 1920x1080] [-quality 90]
//	makejpegs -png FILE [-size 6000x4000] [-seed 1]
//
// The JPEGs are DIR/photo-001.jpg … with seeds first … first+n-1.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/corescale/corescale/internal/testchart"
)

func main() {
	out := flag.String("out", "", "folder for the JPEG files (created if missing)")
	n := flag.Int("n", 100, "number of JPEG files")
	first := flag.Uint64("first", 1, "seed of the first JPEG file")
	quality := flag.Int("quality", 90, "JPEG quality")
	pngFile := flag.String("png", "", "write one PNG chart to this file instead of JPEGs")
	seed := flag.Uint64("seed", 1, "seed of the PNG chart")
	size := flag.String("size", "", "image size WxH (default 1920x1080 for JPEGs, 6000x4000 for -png)")
	flag.Parse()
	if flag.NArg() > 0 || (*out == "") == (*pngFile == "") {
		fmt.Fprintln(os.Stderr, "usage: makejpegs -out DIR [-n N] [-first SEED] [-size WxH] [-quality Q]\n       makejpegs -png FILE [-size WxH] [-seed SEED]")
		os.Exit(2)
	}
	if *size == "" {
		*size = "1920x1080"
		if *pngFile != "" {
			*size = "6000x4000"
		}
	}
	var w, h int
	if _, err := fmt.Sscanf(*size, "%dx%d", &w, &h); err != nil || w < 1 || h < 1 {
		fmt.Fprintf(os.Stderr, "makejpegs: bad -size %q: want WxH\n", *size)
		os.Exit(2)
	}
	var err error
	if *pngFile != "" {
		err = writeFile(*pngFile, testchart.Photo(w, h, *seed), func(f *bufio.Writer, img image.Image) error {
			return (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(f, img)
		})
	} else {
		err = writeJPEGs(*out, *n, *first, w, h, *quality)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "makejpegs:", err)
		os.Exit(1)
	}
}

func writeJPEGs(dir string, n int, first uint64, w, h, quality int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	seeds := make(chan uint64)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range seeds {
				name := filepath.Join(dir, fmt.Sprintf("photo-%03d.jpg", s))
				errs <- writeFile(name, testchart.Photo(w, h, s), func(f *bufio.Writer, img image.Image) error {
					return jpeg.Encode(f, img, &jpeg.Options{Quality: quality})
				})
			}
		}()
	}
	for i := range n {
		seeds <- first + uint64(i)
	}
	close(seeds)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func writeFile(name string, img image.Image, encode func(*bufio.Writer, image.Image) error) error {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	b := bufio.NewWriterSize(f, 1<<20)
	if err := encode(b, img); err != nil {
		f.Close()
		return err
	}
	if err := b.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
