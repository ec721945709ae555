// The inputs of check.sh: images for the resize checks, written as PNG by
// hand (the standard library cannot write gray+alpha) and JPEG, and the
// hard composites near 2^64 of the prime checks, as the emulator's tests
// have them:
//
//	go run gpu/fakecuda/testdata/gen.go DIR
package main

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"math"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// channels of each PNG colour type: gray, RGB, gray+alpha, RGBA.
var channels = map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}

func writePNG(path string, w, h int, ctype byte, pix []byte, level int) error {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, c.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, 8, ctype, 0, 0, 0)
	chunk("IHDR", ihdr)
	var raw bytes.Buffer
	z, _ := zlib.NewWriterLevel(&raw, level)
	row := w * channels[ctype]
	for y := 0; y < h; y++ {
		z.Write([]byte{0})
		z.Write(pix[y*row : (y+1)*row])
	}
	z.Close()
	chunk("IDAT", raw.Bytes())
	chunk("IEND", nil)
	return os.WriteFile(path, out.Bytes(), 0o644)
}

// picture is photo-like content with edges, gradients and noise, and an
// alpha that runs from clear to opaque.
func picture(w, h, ch int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 7))
	pix := make([]byte, w*h*ch)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			for c := 0; c < ch; c++ {
				v := 128 + 100*math.Sin(float64(x*(c+1))/7+float64(y)/5)
				if (x/9+y/7)%2 == 0 {
					v = 255 - v
				}
				v += float64(rng.IntN(21) - 10)
				if ch%2 == 0 && c == ch-1 { // alpha
					v = float64((x*255/max(w-1, 1) + y*3) % 256)
				}
				pix[(y*w+x)*ch+c] = byte(max(0, min(255, int(v))))
			}
		}
	}
	return pix
}

func main() {
	dir := os.Args[1]
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	for _, d := range []string{"imgs", "tall", "big"} {
		must(os.MkdirAll(filepath.Join(dir, d), 0o755))
	}
	for i, im := range []struct {
		name  string
		w, h  int
		ctype byte
	}{
		{"gray.png", 157, 121, 0}, {"graya.png", 63, 45, 4}, {"rgb.png", 101, 77, 2}, {"rgba.png", 37, 129, 6},
		{"one.png", 1, 1, 2}, {"strip.png", 301, 3, 6},
	} {
		must(writePNG(filepath.Join(dir, "imgs", im.name), im.w, im.h, im.ctype, picture(im.w, im.h, channels[im.ctype], uint64(i)), zlib.DefaultCompression))
	}
	rgba := image.NewRGBA(image.Rect(0, 0, 121, 83))
	pix := picture(121, 83, 3, 9)
	for i := 0; i < 121*83; i++ {
		copy(rgba.Pix[4*i:], pix[3*i:3*i+3])
		rgba.Pix[4*i+3] = 255
	}
	f, err := os.Create(filepath.Join(dir, "imgs", "photo.jpg"))
	must(err)
	bw := bufio.NewWriter(f)
	must(jpeg.Encode(bw, rgba, &jpeg.Options{Quality: 90}))
	must(bw.Flush())
	must(f.Close())
	// Taller than a grid's 65,535 blocks in y, at the vertical kernel's two
	// rows per block.
	must(writePNG(filepath.Join(dir, "tall", "tall.png"), 1, 140000, 0, picture(1, 140000, 1, 3), zlib.DefaultCompression))
	// Products and squares of the 60 primes below 2^32, and k·2^m+1.
	var near []uint64
	for p := uint64(1<<32 - 1); len(near) < 60; p -= 2 {
		if new(big.Int).SetUint64(p).ProbablyPrime(0) {
			near = append(near, p)
		}
	}
	var ns bytes.Buffer
	for i, p := range near {
		fmt.Fprintln(&ns, p*p)
		for _, q := range near[i+1:] {
			fmt.Fprintln(&ns, p*q)
		}
	}
	for k := uint64(1); k < 200; k += 2 {
		for m := 1; m < 64-bits.Len64(k); m++ {
			fmt.Fprintln(&ns, k<<m+1)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "hard.txt"), ns.Bytes(), 0o644))
	// Noise does not compress: over the 16 MiB from which auto wakes a GPU.
	noise := make([]byte, 2400*2400*3)
	rng := rand.New(rand.NewPCG(5, 5))
	for i := range noise {
		noise[i] = byte(rng.Uint32())
	}
	must(writePNG(filepath.Join(dir, "big", "big.png"), 2400, 2400, 2, noise, zlib.BestSpeed))
}
