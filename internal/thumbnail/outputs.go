package thumbnail

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/corescale/corescale/internal/imagefile"
)

// This file decides where each input's output goes, and whether it may be
// written there: the one place that names outputs, for Plan and for Run.

// outputs is the naming state of one Run: the outputs claimed so far, so
// that two inputs never write one file.
type outputs struct {
	batch  *Batch
	mu     sync.Mutex
	claims map[string]string // output path → the input that writes it
	// overwrite replaces existing outputs (never an input).
	overwrite bool
}

func newOutputs(b *Batch, overwrite bool) *outputs {
	return &outputs{batch: b, claims: map[string]string{}, overwrite: overwrite}
}

// predict returns the format j is written in when the header settles it:
// always but for WebP with Keep, where lossy or not shows only in the
// decoded image.
func (o *outputs) predict(j *job, info imagefile.Info) (imagefile.Format, bool) {
	f := o.format(j)
	if f != imagefile.Keep && f != "" {
		return f, true
	}
	if info.Format == imagefile.WebP {
		return "", false
	}
	// Resolve reads the decoded image only for WebP.
	return imagefile.Keep.Resolve(&imagefile.Decoded{Info: info}), true
}

// resolve returns the format j is written in, from the decoded image.
func (o *outputs) resolve(j *job, d *imagefile.Decoded) imagefile.Format {
	f := o.format(j)
	if f != imagefile.Keep && f != "" {
		return f
	}
	return imagefile.Keep.Resolve(d)
}

// format is the format asked for j: the batch's, or in single mode the one
// the output file's name fixed ("" for the input's own).
func (o *outputs) format(j *job) imagefile.Format {
	if j.out != "" {
		return j.fixed
	}
	return o.batch.format
}

// claim returns the path j is written to in format f, and whether it is to
// be skipped because it exists (and overwrite is off). The error is an
// output that would replace an input, that is another input's output too,
// or that cannot be checked.
func (o *outputs) claim(j *job, f imagefile.Format) (path string, skip bool, err error) {
	path = j.outputPath(f)
	key := absClean(path)
	o.mu.Lock()
	other, taken := o.claims[key]
	if !taken {
		o.claims[key] = j.in
	}
	o.mu.Unlock()
	if taken && other != j.in {
		return path, false, fmt.Errorf("output %s: %w: %s", path, ErrOutputClash, other)
	}
	if key == absClean(j.in) {
		return path, false, &collisionError{out: path, own: true}
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(path); lerr == nil && !o.overwrite {
			return path, true, nil // a dangling link is there all the same
		}
		return path, false, nil
	case err != nil:
		return path, false, fmt.Errorf("output %s: %w", path, err)
	}
	if in, ok := o.batch.inputs.find(fi); ok {
		return path, false, &collisionError{out: path, in: in, own: in == j.in}
	}
	if fi.IsDir() {
		return path, false, fmt.Errorf("output %s is a folder", path)
	}
	return path, !o.overwrite, nil
}

// singleFormat returns the format for an output file named out: the one
// asked for, or with Keep the one its extension names (thumb.png), "" for
// "the input's own" when the extension names none.
func singleFormat(out string, format imagefile.Format) (imagefile.Format, error) {
	named := extFormat(filepath.Ext(out))
	switch {
	case named == "" && imageExts[strings.ToLower(filepath.Ext(out))]:
		return "", planErrorf("output %s: only JPEG (.jpg, .jpeg) and PNG (.png) files can be written", out)
	case format == imagefile.Keep:
		return named, nil
	case named != "" && named != format:
		return "", planErrorf("output %s: the name says %s but the format asked for is %s", out, named, format)
	}
	return format, nil
}

// extFormat returns the writable format an extension names, or "".
func extFormat(ext string) imagefile.Format {
	switch strings.ToLower(ext) {
	case ".jpg", ".jpeg":
		return imagefile.JPEG
	case ".png":
		return imagefile.PNG
	}
	return ""
}

// outputPath returns where j goes when written as f.
func (j *job) outputPath(f imagefile.Format) string {
	if j.out != "" {
		return j.out
	}
	if extFormat(j.ext) == f {
		return j.stem + j.ext
	}
	return j.stem + f.Ext()
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// inputSet holds the identities of the input files, bucketed by size so
// that a lookup compares with a handful of files, not the whole batch.
type inputSet map[int64][]inputFile

type inputFile struct {
	path string
	fi   os.FileInfo
}

func (s inputSet) add(path string, fi os.FileInfo) {
	s[fi.Size()] = append(s[fi.Size()], inputFile{path, fi})
}

// find returns the input that fi is, by os.SameFile: the same file under
// another name (a link, another spelling of the path) counts.
func (s inputSet) find(fi os.FileInfo) (path string, ok bool) {
	for _, in := range s[fi.Size()] {
		if os.SameFile(in.fi, fi) {
			return in.path, true
		}
	}
	return "", false
}
