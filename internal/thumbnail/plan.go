package thumbnail

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/corescale/corescale/internal/imagefile"
)

// imageExts are the extensions a folder walk takes; files named on the
// command line are taken whatever their name, since the format is read
// from the content.
var imageExts = map[string]bool{
	".jpg": true, ".jpeg": true, ".png": true, ".gif": true, ".bmp": true,
	".tif": true, ".tiff": true, ".webp": true,
}

// Extensions lists the extensions a folder walk takes, for messages.
const Extensions = ".jpg .jpeg .png .gif .bmp .tif .tiff .webp"

// Batch is a planned batch: every input file, where its output goes, and
// the inputs that could not be read while planning.
type Batch struct {
	jobs   []job
	errs   []*FileError
	inputs inputSet
	format imagefile.Format
	single bool
	bytes  int64 // the input files' sizes, summed
}

// job is one input file. Its output is stem plus an extension that may
// depend on the decoded file (see outputPath); in single mode it is out.
type job struct {
	in    string
	stem  string
	ext   string // the input's own extension, kept when it fits the format
	out   string // single mode: the output file as given
	fixed imagefile.Format
}

// Len is the number of results Run reports: one per input file, plus one
// per input that could not be read while planning.
func (b *Batch) Len() int { return len(b.jobs) + len(b.errs) }

// Bytes is the input files' sizes, summed: a measure of the work before
// any header is read.
func (b *Batch) Bytes() int64 { return b.bytes }

// Files is the number of input files found.
func (b *Batch) Files() int { return len(b.jobs) }

// Split shares cores between the files of the batch and the rows of each
// image: how many files to work on at once, and how many goroutines each
// image's resize gets. Many files take one core each; a single file takes
// every core for its rows.
func (b *Batch) Split(cores int) (files, perImage int) {
	files = max(min(cores, len(b.jobs)), 1)
	return files, max(cores/files, 1)
}

// Single reports whether the batch writes one input to one named file.
func (b *Batch) Single() bool { return b.single }

// PlanError is a batch that cannot start: bad usage or an input that is
// not there. Nothing has been written.
type PlanError struct{ Err error }

func (e *PlanError) Error() string { return e.Err.Error() }
func (e *PlanError) Unwrap() error { return e.Err }

func planErrorf(format string, a ...any) error {
	return &PlanError{fmt.Errorf(format, a...)}
}

// Plan finds the input files and fixes their outputs under out, written
// in format (imagefile.Keep: each input's own, see Format.Resolve).
//
// A folder input is walked recursively for files with an image extension
// (any case), and its files go to the same relative paths under out; a
// file input goes to its base name under out. With exactly one input
// file, out is the output file itself when it is an existing file or has
// an extension, and does not end in a separator; otherwise out is a
// folder, created as needed. When out is an existing folder inside an
// input folder, the walk leaves it out, so earlier results are not taken
// as inputs.
//
// The output extension is the format's (.jpg, .png), but an input name
// whose extension already fits the format (photo.JPEG as JPEG) is kept.
//
// Errors are of type *PlanError. A folder below an input that cannot be
// read is no PlanError: Run reports it as a failed file.
func Plan(inputs []string, out string, format imagefile.Format) (*Batch, error) {
	if len(inputs) == 0 {
		return nil, planErrorf("no inputs: give image files or folders")
	}
	if out == "" {
		return nil, planErrorf("no output path")
	}
	b := &Batch{format: format, inputs: inputSet{}}
	outInfo, err := os.Stat(out)
	outExists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, &PlanError{err}
	}
	infos := make([]os.FileInfo, len(inputs))
	for i, in := range inputs {
		fi, err := os.Stat(in)
		if err != nil {
			return nil, &PlanError{fileError(in, err)}
		}
		if !fi.IsDir() && !fi.Mode().IsRegular() {
			return nil, planErrorf("%s: not a file or folder", in)
		}
		infos[i] = fi
	}
	dirOut := strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/")
	b.single = len(inputs) == 1 && !infos[0].IsDir() && !dirOut &&
		(outExists && !outInfo.IsDir() || !outExists && filepath.Ext(out) != "")
	if outExists && !outInfo.IsDir() && !b.single {
		return nil, planErrorf("output %s is a file; several inputs or a folder need an output folder", out)
	}
	if b.single {
		fixed, err := singleFormat(out, format)
		if err != nil {
			return nil, err
		}
		b.inputs.add(inputs[0], infos[0])
		b.bytes = infos[0].Size()
		b.jobs = append(b.jobs, job{in: inputs[0], out: out, fixed: fixed})
		return b, nil
	}
	if !outExists || !outInfo.IsDir() {
		outInfo = nil
	}
	seen := map[[2]string]bool{}
	add := func(in, rel string, fi os.FileInfo) {
		ext := filepath.Ext(rel)
		stem := filepath.Join(out, strings.TrimSuffix(rel, ext))
		// The same file named twice (a.jpg and ./a.jpg, or a folder and
		// a file in it) is one job.
		key := [2]string{stem, absClean(in)}
		if seen[key] {
			return
		}
		seen[key] = true
		b.inputs.add(in, fi)
		b.bytes += fi.Size()
		b.jobs = append(b.jobs, job{in: in, stem: stem, ext: ext})
	}
	for i, in := range inputs {
		if !infos[i].IsDir() {
			add(in, filepath.Base(in), infos[i])
			continue
		}
		b.walk(in, outInfo, add)
	}
	return b, nil
}

// walk adds the image files under root in lexical order.
func (b *Batch) walk(root string, outInfo os.FileInfo, add func(in, rel string, fi os.FileInfo)) {
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			b.errs = append(b.errs, fileError(path, err))
			return nil // WalkDir then skips an unreadable folder
		}
		if d.IsDir() {
			if path != root && outInfo != nil {
				if fi, err := d.Info(); err == nil && os.SameFile(fi, outInfo) {
					return filepath.SkipDir
				}
			}
			return nil
		}
		if !imageExts[strings.ToLower(filepath.Ext(path))] {
			return nil
		}
		// Stat, not the walk's Lstat, so that a link to an image is
		// taken and compared with outputs as the file it points to.
		fi, err := os.Stat(path)
		if err != nil {
			b.errs = append(b.errs, fileError(path, err))
			return nil
		}
		if !fi.Mode().IsRegular() {
			return nil
		}
		rel, err := filepath.Rel(root, path)
		if err != nil {
			b.errs = append(b.errs, fileError(path, err))
			return nil
		}
		add(path, rel, fi)
		return nil
	})
}
