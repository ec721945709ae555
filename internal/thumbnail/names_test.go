package thumbnail

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/corescale/corescale/internal/imagefile"
)

// sameStems writes a folder whose inputs share name stems, the case of
// one differing, with the same again one folder down.
func sameStems(t *testing.T, dir string) string {
	t.Helper()
	in := filepath.Join(dir, "in")
	for i, name := range []string{"a.jpg", "a.png", "a.gif", "A.jpg", "b.png", "sub/a.jpg", "sub/a.png", "sub/c.gif"} {
		writeImage(t, filepath.Join(in, name), 30, 20, i)
	}
	return in
}

// TestSameStemsGiveTwoOutputs: inputs of one folder whose default output
// names are one (a.jpg, a.png and a.gif as JPEG) all get outputs, each
// under its whole name plus the format's extension, in every folder of
// the tree; the others, A.jpg (another name on this file system) among
// them, keep the plain name.
func TestSameStemsGiveTwoOutputs(t *testing.T) {
	for _, tc := range []struct {
		format imagefile.Format
		want   []string
	}{
		{imagefile.JPEG, []string{"A.jpg", "a.gif.jpg", "a.jpg.jpg", "a.png.jpg", "b.jpg", "sub/a.jpg.jpg", "sub/a.png.jpg", "sub/c.jpg"}},
		// Keep: a.jpg stays JPEG, a.png and a.gif both become a.png.
		{imagefile.Keep, []string{"A.jpg", "a.gif.png", "a.jpg", "a.png.png", "b.png", "sub/a.jpg", "sub/a.png", "sub/c.png"}},
		{imagefile.PNG, []string{"A.png", "a.gif.png", "a.jpg.png", "a.png.png", "b.png", "sub/a.jpg.png", "sub/a.png.png", "sub/c.png"}},
	} {
		t.Run(string(tc.format), func(t *testing.T) {
			dir := t.TempDir()
			in := sameStems(t, dir)
			out := filepath.Join(dir, "out")
			for run := range 2 {
				s := runBatch(t, []string{in}, out, tc.format, Options{Size: Size{W: 10}})
				if s.Failed != 0 || s.Done+s.Skipped != 8 || run == 1 && s.Skipped != 8 {
					t.Fatalf("run %d: done %d, skipped %d, failed %d %v", run, s.Done, s.Skipped, s.Failed, s.Failures)
				}
				if got := tree(t, out); !reflect.DeepEqual(got, tc.want) {
					t.Errorf("run %d: outputs %q, want %q", run, got, tc.want)
				}
			}
		})
	}
}

// TestSameStemsNamedInOutputFolder: the inputs named one by one with
// the output folder their own (photos/* --out photos) twice: the first
// run writes each under its whole name, and the second takes those as
// outputs, not as inputs, and writes nothing over.
func TestSameStemsNamedInOutputFolder(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	for i, name := range []string{"a.jpg", "a.gif", "b.gif"} {
		writeImage(t, filepath.Join(photos, name), 30, 20, i)
	}
	glob := func() []string {
		m, err := filepath.Glob(filepath.Join(photos, "*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	s := runBatch(t, glob(), photos, imagefile.PNG, Options{Size: Size{W: 10}})
	if s.Done != 3 || s.Failed != 0 {
		t.Fatalf("first run: done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	want := []string{"a.gif", "a.gif.png", "a.jpg", "a.jpg.png", "b.gif", "b.png"}
	if got := tree(t, photos); !reflect.DeepEqual(got, want) {
		t.Fatalf("outputs %q, want %q", got, want)
	}
	b, err := Plan(glob(), photos, imagefile.PNG)
	if err != nil {
		t.Fatal(err)
	}
	var noted []string
	for _, n := range b.Notes() {
		noted = append(noted, filepath.Base(n.Path)+" of "+filepath.Base(n.Of))
	}
	if want := []string{"a.gif.png of a.gif", "a.jpg.png of a.jpg", "b.png of b.gif"}; !reflect.DeepEqual(noted, want) {
		t.Errorf("noted %q, want %q", noted, want)
	}
	s, err = runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
	if err != nil || s.Skipped != 3 || s.Failed != 0 {
		t.Errorf("second run: %v, done %d, skipped %d, failed %d %v; want 3 skipped", err, s.Done, s.Skipped, s.Failed, s.Failures)
	}
	if got := tree(t, photos); !reflect.DeepEqual(got, want) {
		t.Errorf("after the second run %q, want %q", got, want)
	}
}

// TestSameNameOtherFolders: two files of one base name from different
// folders, named into one output folder, cannot be told apart by any
// default name: the second fails naming the first, as before.
func TestSameNameOtherFolders(t *testing.T) {
	dir := t.TempDir()
	x, y := filepath.Join(dir, "x", "a.png"), filepath.Join(dir, "y", "a.png")
	writeImage(t, x, 30, 20, 1)
	writeImage(t, y, 30, 20, 2)
	out := filepath.Join(dir, "out")
	s := runBatch(t, []string{x, y}, out, imagefile.Keep, Options{Size: Size{W: 10}, Workers: 1})
	if s.Done != 1 || s.Failed != 1 || !errors.Is(s.Failures[0], ErrOutputClash) || !strings.Contains(s.Failures[0].Error(), x) {
		t.Errorf("done %d, failed %d %v", s.Done, s.Failed, s.Failures)
	}
	if got := tree(t, out); !reflect.DeepEqual(got, []string{"a.png"}) {
		t.Errorf("outputs %q", got)
	}
}
