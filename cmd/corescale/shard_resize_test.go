package main

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The test for images: for N in {1, 2, 3, 7}, the shards of a
// folder, each its own process writing into one output tree, make the
// tree the unsharded run makes, byte for byte: each output written by one
// shard, named as the whole batch names it (a.jpg and a.png of one folder
// both take their whole name), a file that is no image failing in one
// shard only.
func TestResizeShardsMakeTheWholeTree(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "photos")
	write := func(rel string, w, h int) {
		t.Helper()
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := range h {
			for x := range w {
				img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
			}
		}
		var b bytes.Buffer
		var err error
		if strings.HasSuffix(rel, ".png") {
			err = png.Encode(&b, img)
		} else {
			err = jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(in, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.jpg", 300, 200)
	write("a.png", 120, 90)
	write("big.jpg", 900, 700)
	for i := range 9 {
		write(fmt.Sprintf("trip/%d/img%d.jpg", i%3, i), 80+40*i, 60+25*i)
	}
	write("trip/z.png", 64, 64)
	os.WriteFile(filepath.Join(in, "trip", "broken.jpg"), []byte("not a jpeg"), 0o644)

	resize := func(out string, extra ...string) (string, int) {
		_, errOut, code := runBin(t, nil, append([]string{"resize", "--quiet", "--size", "48x", "--format", "jpeg", "--out", out, in}, extra...)...)
		return errOut, code
	}
	wholeOut := filepath.Join(dir, "whole")
	if errOut, code := resize(wholeOut); code != 1 || !strings.Contains(errOut, "broken.jpg") {
		t.Fatalf("whole run: exit %d, %s", code, errOut)
	}
	want := tree(t, wholeOut)
	if len(want) != 13 {
		t.Fatalf("whole run made %d files: %v", len(want), keys(want))
	}
	for _, n := range []int{1, 2, 3, 7} {
		t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
			out := filepath.Join(dir, fmt.Sprint("shards", n))
			failed := 0
			for k := range n {
				errOut, code := resize(out, "--shard", fmt.Sprintf("%d/%d", k, n))
				if code != 0 {
					failed++
				}
				if code != 0 && !strings.Contains(errOut, "broken.jpg") || code != 0 && code != 1 {
					t.Errorf("shard %d/%d: exit %d, %s", k, n, code, errOut)
				}
				// Every output is written once: a shard skips none of
				// another's, and a second run of a shard skips all of its own.
				if _, errOut, code := runBin(t, nil, "resize", "--size", "48x", "--format", "jpeg", "--out", out, in, "--shard", fmt.Sprintf("%d/%d", k, n)); !strings.Contains(errOut, "done 0, ") {
					t.Errorf("shard %d/%d again: exit %d, %s", k, n, code, errOut)
				}
			}
			if failed != 1 {
				t.Errorf("%d shards failed, want the one with broken.jpg", failed)
			}
			got := tree(t, out)
			if len(got) != len(want) {
				t.Errorf("%d files, want %d: %v", len(got), len(want), keys(got))
			}
			for name, data := range want {
				if got[name] != data {
					t.Errorf("%s differs from the whole run's", name)
				}
			}
		})
	}
}

// tree returns the files under dir by relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
