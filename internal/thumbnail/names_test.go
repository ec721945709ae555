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

func TestParseTemplate(t *testing.T) {
	for s, want := range map[string]string{
		"":                   "empty",
		"thumb.jpg":          "no {stem} or {name}",
		"{ext}.{ext}":        "no {stem} or {name}",
		"{stem}/{ext}":       "a slash",
		"../{stem}.{ext}":    "a slash",
		"{stem}_{size}.jpg":  "unknown placeholder {size}",
		"{STEM}.jpg":         "unknown placeholder {STEM}",
		"{stem}_{w}.{ext}":   "{w}: the output size is no placeholder",
		"{stem.{ext}":        "unknown placeholder {stem.{ext}",
		"{stem}.{ext":        "a { with no }",
		"{stem}}.jpg":        "a } with no {",
		"}{stem}.jpg":        "a } with no {",
		"{stem}\x00.{ext}":   "a NUL character",
		"{}{stem}":           "unknown placeholder {}",
		"{stem}_thumb.{ext}": "",
		"{name}.{ext}":       "",
		"t_{stem}":           "",
		"{stem}{stem}.png":   "",
	} {
		_, err := ParseTemplate(s)
		switch {
		case want == "" && err != nil:
			t.Errorf("ParseTemplate(%q): %v", s, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("ParseTemplate(%q): %v; want an error saying %q", s, err, want)
		}
	}
	tm, err := ParseTemplate("t_{stem}-{name}.{ext}")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		in   string
		f    imagefile.Format
		want string
	}{
		{"a.jpg", imagefile.JPEG, "t_a-a.jpg.jpg"},
		{"b.c.PNG", imagefile.JPEG, "t_b.c-b.c.PNG.jpg"},
		{"noext", imagefile.PNG, "t_noext-noext.png"},
	} {
		if got := tm.apply(tc.in, tc.f); got != tc.want {
			t.Errorf("%s as %s: %q, want %q", tc.in, tc.f, got, tc.want)
		}
	}
	if tm.String() != "t_{stem}-{name}.{ext}" {
		t.Errorf("String() = %q", tm.String())
	}
}

// planNamed plans a batch with a template, failing the test on an error.
func planNamed(t *testing.T, inputs []string, out string, format imagefile.Format, tmpl string) *Batch {
	t.Helper()
	tm, err := ParseTemplate(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	b, err := PlanNamed(inputs, out, format, tm)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestTemplateNames names the outputs of a tree by templates: one that
// keeps same-stem inputs apart writes them all; one that does not fails
// the later of two, naming the earlier, and leaves the first written.
func TestTemplateNames(t *testing.T) {
	for _, tc := range []struct {
		tmpl   string
		format imagefile.Format
		want   []string
		clash  map[string]string // input → the input it clashes with
	}{
		{"{name}.{ext}", imagefile.JPEG, []string{"A.jpg.jpg", "a.gif.jpg", "a.jpg.jpg", "a.png.jpg", "b.png.jpg", "sub/a.jpg.jpg", "sub/a.png.jpg", "sub/c.gif.jpg"}, nil},
		{"{stem}_thumb.{ext}", imagefile.Keep, []string{"A_thumb.jpg", "a_thumb.jpg", "a_thumb.png", "b_thumb.png", "sub/a_thumb.jpg", "sub/a_thumb.png", "sub/c_thumb.png"},
			map[string]string{"a.png": "a.gif"}},
		{"{stem}", imagefile.PNG, []string{"A", "a", "b", "sub/a", "sub/c"},
			map[string]string{"a.jpg": "a.gif", "a.png": "a.gif", "sub/a.png": "sub/a.jpg"}},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			dir := t.TempDir()
			in := sameStems(t, dir)
			out := filepath.Join(dir, "out")
			b := planNamed(t, []string{in}, out, tc.format, tc.tmpl)
			if b.LongNames() != 0 {
				t.Errorf("%d long names with a template", b.LongNames())
			}
			s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}, Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			if s.Failed != len(tc.clash) || s.Done != 8-len(tc.clash) {
				t.Errorf("done %d, failed %d %v", s.Done, s.Failed, s.Failures)
			}
			for _, e := range s.Failures {
				rel, _ := filepath.Rel(in, e.Path)
				first, ok := tc.clash[rel]
				if !ok || !errors.Is(e, ErrOutputClash) || !strings.HasSuffix(e.Error(), ": "+filepath.Join(in, first)) {
					t.Errorf("failure %v; want the clashes %v", e, tc.clash)
				}
			}
			if got := tree(t, out); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("outputs %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTemplateOwnOutputs runs a template into the inputs' own folder
// twice: the second run takes the first one's outputs, named by the
// template, as outputs (not as inputs to make a_t_t.png of).
func TestTemplateOwnOutputs(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	writeImage(t, filepath.Join(photos, "a.jpg"), 30, 20, 1)
	writeImage(t, filepath.Join(photos, "b.gif"), 30, 20, 2)
	glob := func() []string {
		m, err := filepath.Glob(filepath.Join(photos, "*"))
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for run := range 2 {
		b := planNamed(t, glob(), photos, imagefile.Keep, "{stem}_t.{ext}")
		s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
		if err != nil || s.Failed != 0 || s.Done+s.Skipped != 2 || len(b.Notes()) != 2*run {
			t.Errorf("run %d: %v, done %d, skipped %d, failed %d %v, notes %v", run, err, s.Done, s.Skipped, s.Failed, s.Failures, b.Notes())
		}
	}
	if got, want := tree(t, photos), []string{"a.jpg", "a_t.jpg", "b.gif", "b_t.png"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
}

// TestTemplateForOneFile: an output that is one file is named already;
// a template with it is an error, and a trailing slash makes it a folder.
func TestTemplateForOneFile(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "a.png")
	writeImage(t, in, 30, 20, 1)
	tm, err := ParseTemplate("{stem}_t.{ext}")
	if err != nil {
		t.Fatal(err)
	}
	var pe *PlanError
	if _, err := PlanNamed([]string{in}, filepath.Join(dir, "thumb.png"), imagefile.Keep, tm); !errors.As(err, &pe) || !errors.Is(err, ErrTemplateForFile) {
		t.Errorf("one file out: %v; want a PlanError matching ErrTemplateForFile", err)
	}
	b, err := PlanNamed([]string{in}, filepath.Join(dir, "thumb.png")+"/", imagefile.Keep, tm)
	if err != nil || b.Single() {
		t.Fatalf("%v, single %v", err, b.Single())
	}
	s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
	if err != nil || s.Done != 1 {
		t.Fatalf("%v, done %d %v", err, s.Done, s.Failures)
	}
	if got := tree(t, filepath.Join(dir, "thumb.png")); !reflect.DeepEqual(got, []string{"a_t.png"}) {
		t.Errorf("outputs %q", got)
	}
}

// TestSameStemsOwnOutputKept: a named input that is taken as another's
// earlier output (photos/a.png for a.jpg, --out photos) keeps that job on
// its plain name, so that the note holds; the other input of the stem
// takes its whole name.
func TestSameStemsOwnOutputKept(t *testing.T) {
	dir := t.TempDir()
	photos := filepath.Join(dir, "photos")
	for i, name := range []string{"a.jpg", "a.gif", "a.png"} {
		writeImage(t, filepath.Join(photos, name), 30, 20, i)
	}
	m, err := filepath.Glob(filepath.Join(photos, "*"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Plan(m, photos, imagefile.PNG)
	if err != nil {
		t.Fatal(err)
	}
	if n := b.Notes(); len(n) != 1 || n[0].Kind != OwnOutput || filepath.Base(n[0].Path) != "a.png" || filepath.Base(n[0].Of) != "a.gif" {
		t.Fatalf("notes %+v; want a.png taken as a.gif's output", n)
	}
	s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
	if err != nil || s.Done != 1 || s.Skipped != 1 || s.Failed != 0 || b.LongNames() != 1 {
		t.Errorf("%v, done %d, skipped %d, failed %d %v, %d long names", err, s.Done, s.Skipped, s.Failed, s.Failures, b.LongNames())
	}
	if got, want := tree(t, photos), []string{"a.gif", "a.jpg", "a.jpg.png", "a.png"}; !reflect.DeepEqual(got, want) {
		t.Errorf("files %q, want %q", got, want)
	}
}

// TestTemplateFixesFormat: a template whose own text ends in an
// extension that names a format (_thumb.jpg, as vipsthumbnail's
// -o %s_thumb.jpg) writes that format with --format keep, so that no
// file named .png holds a JPEG; one that names another format than the
// one asked for, or one that cannot be written, is an error.
func TestTemplateFixesFormat(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	writeImage(t, filepath.Join(in, "a.jpg"), 30, 20, 1)
	writeImage(t, filepath.Join(in, "b.png"), 30, 20, 2)
	for _, tc := range []struct {
		tmpl   string
		format imagefile.Format
		want   map[string]imagefile.Format
	}{
		{"{stem}_t.png", imagefile.Keep, map[string]imagefile.Format{"a_t.png": imagefile.PNG, "b_t.png": imagefile.PNG}},
		{"{stem}_t.JPEG", imagefile.Keep, map[string]imagefile.Format{"a_t.JPEG": imagefile.JPEG, "b_t.JPEG": imagefile.JPEG}},
		{"{stem}_t.png", imagefile.PNG, map[string]imagefile.Format{"a_t.png": imagefile.PNG, "b_t.png": imagefile.PNG}},
		{"{stem}.{ext}", imagefile.Keep, map[string]imagefile.Format{"a.jpg": imagefile.JPEG, "b.png": imagefile.PNG}},
		{"{name}.small", imagefile.Keep, map[string]imagefile.Format{"a.jpg.small": imagefile.JPEG, "b.png.small": imagefile.PNG}},
	} {
		out := filepath.Join(dir, "out", tc.tmpl+string(tc.format))
		b := planNamed(t, []string{in}, out, tc.format, tc.tmpl)
		s, err := runCPU(context.Background(), t, b, Options{Size: Size{W: 10}})
		if err != nil || s.Done != 2 {
			t.Fatalf("%s %s: %v, done %d %v", tc.tmpl, tc.format, err, s.Done, s.Failures)
		}
		for name, f := range tc.want {
			if got := probe(t, filepath.Join(out, name)).Format; got != f {
				t.Errorf("%s %s: %s is %s, want %s", tc.tmpl, tc.format, name, got, f)
			}
		}
	}
	for _, tc := range []struct {
		tmpl   string
		format imagefile.Format
		want   string
	}{
		{"{stem}_t.png", imagefile.JPEG, "the name says png but the format asked for is jpeg"},
		{"{stem}_t.jpg", imagefile.PNG, "the name says jpeg but the format asked for is png"},
		{"{stem}_t.gif", imagefile.Keep, "only JPEG (.jpg, .jpeg) and PNG (.png) files can be written"},
		{"{stem}.WebP", imagefile.PNG, "only JPEG (.jpg, .jpeg) and PNG (.png) files can be written"},
	} {
		tm, err := ParseTemplate(tc.tmpl)
		if err != nil {
			t.Fatal(err)
		}
		var pe *PlanError
		_, err = PlanNamed([]string{in}, filepath.Join(dir, "bad"), tc.format, tm)
		if !errors.As(err, &pe) || !errors.Is(err, ErrTemplateFormat) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %s: %v; want a PlanError matching ErrTemplateFormat, saying %q", tc.tmpl, tc.format, err, tc.want)
		}
	}
}
