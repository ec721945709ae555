package thumbnail

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/quote"
)

// This file decides where each input's output goes, whether it may be
// written there, and what a failed write means for the batch: the one
// place that names outputs, for Plan and for Run.

// outputs is the naming state of one Run: the outputs claimed so far, so
// that two inputs never write one file.
type outputs struct {
	batch  *Batch
	mu     sync.Mutex
	claims map[string]string // output path → the input that writes it
	// overwrite replaces existing outputs (never an input).
	overwrite bool
	// stop ends the batch, with an *OutputError as the cause, when the
	// output folder cannot take files any more.
	stop context.CancelCauseFunc
}

func newOutputs(b *Batch, overwrite bool, stop context.CancelCauseFunc) *outputs {
	return &outputs{batch: b, claims: map[string]string{}, overwrite: overwrite, stop: stop}
}

// predict returns the format j is written in, from the header alone:
// Keep needs only the input's format (see Format.Resolve), so it is
// always known before decoding and an existing output is skipped without
// decoding anything.
func (o *outputs) predict(j *job, info imagefile.Info) imagefile.Format {
	return o.resolve(j, &imagefile.Decoded{Info: info})
}

// resolve returns the format j is written in, from the decoded image.
func (o *outputs) resolve(j *job, d *imagefile.Decoded) imagefile.Format {
	f := o.format()
	if f != imagefile.Keep && f != "" {
		return f
	}
	return imagefile.Keep.Resolve(d)
}

// format is the format asked for: the batch's, or in single mode the one
// the output file's name fixed ("" for the input's own).
func (o *outputs) format() imagefile.Format {
	if o.batch.single {
		return o.batch.fixed
	}
	return o.batch.format
}

// claim returns the path j is written to in format f, and whether it is to
// be skipped because it exists (and overwrite is off). The error is an
// output that would replace an input, that is another input's output too,
// or that cannot be checked.
//
// An existing output that is an input of the batch is never replaced;
// without overwrite, one that was left out as an earlier run's output
// (OwnOutput) is skipped like any existing output, and any other fails,
// since no option would let it be written.
func (o *outputs) claim(j *job, f imagefile.Format) (path string, skip bool, err error) {
	path = o.batch.outputPath(j, f)
	key := absClean(path)
	o.mu.Lock()
	other, taken := o.claims[key]
	if !taken {
		o.claims[key] = j.in
	}
	o.mu.Unlock()
	if taken && other != j.in {
		return path, false, fmt.Errorf("output %s: %w: %s", quote.Name(path), ErrOutputClash, quote.Name(other))
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
		return path, false, fmt.Errorf("output %s: %w", quote.Name(path), err)
	}
	if in, ok := o.batch.findInput(fi); ok {
		if in.shadow && !o.overwrite {
			return path, true, nil
		}
		return path, false, &collisionError{out: path, in: in.path, own: in.id.same(j.id)}
	}
	if fi.IsDir() {
		return path, false, fmt.Errorf("output %s is a folder", quote.Name(path))
	}
	if !fi.Mode().IsRegular() {
		// atomicfile would write a device or a FIFO in place.
		return path, false, fmt.Errorf("output %s is not a regular file", quote.Name(path))
	}
	return path, !o.overwrite, nil
}

// beforeCommit, set by tests, runs before each output is committed; an
// error it returns is the commit's.
var beforeCommit func(path string) error

// commit puts the finished temporary file f in place as path. Without
// overwrite it never replaces a file: one that appeared since the claim
// (another run writing into the same folder) makes it fail with an error
// matching fs.ErrExist, which writeFailed turns into a skip.
func (o *outputs) commit(f *atomicfile.File, path string) error {
	if beforeCommit != nil {
		if err := beforeCommit(path); err != nil {
			return err
		}
	}
	if o.overwrite {
		return f.Commit()
	}
	return f.CommitNew()
}

// writeFailed settles a failed write of an output. An output that
// appeared since the claim is Skipped. An output folder that cannot take
// files (read-only, full, over quota, or no longer writable at all) stops
// the batch with one *OutputError, instead of failing every file after
// it the same way, and the file is Cancelled. Any other error (false) is
// the file's own failure.
func (o *outputs) writeFailed(err error) (Status, bool) {
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, fs.ErrExist) && !o.overwrite:
		return Skipped, true
	case errors.Is(err, syscall.EROFS), errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
	case errors.Is(err, fs.ErrPermission) && probeDir(o.batch.outRoot()) != nil:
		// Not only this file's folder: the output folder itself.
	default:
		return 0, false
	}
	o.stop(&OutputError{Dir: o.batch.outRoot(), Err: err})
	return Cancelled, true
}

// CheckOutput makes sure that files can be created where the batch
// writes, before any input is read: it creates the output folder and a
// temporary file in it, then removes both (the folder only if it made
// it). A folder that takes no files is no error when no file would be
// written to it: every output is there already, by its name, and
// overwrite is off. The error is an *OutputError.
func (b *Batch) CheckOutput(overwrite bool) error {
	if len(b.jobs) == 0 {
		return nil
	}
	err := probeDir(b.outRoot())
	if err == nil || !overwrite && b.allOutputsExist() {
		return nil
	}
	return &OutputError{Dir: b.outRoot(), Err: err}
}

// allOutputsExist reports whether every job's output, as its name
// predicts it, exists.
func (b *Batch) allOutputsExist() bool {
	for i := range b.jobs {
		j := &b.jobs[i]
		f := b.format
		if b.single {
			f = b.fixed
		}
		if f == "" || f == imagefile.Keep {
			var ok bool
			if f, ok = predictFormat(filepath.Base(j.in), imagefile.Keep); !ok {
				return false
			}
		}
		if _, err := os.Lstat(b.outputPath(j, f)); err != nil {
			return false
		}
	}
	return true
}

// outRoot is the folder every output goes in or below.
func (b *Batch) outRoot() string {
	if b.single {
		return filepath.Dir(b.out)
	}
	return b.out
}

// probeDir creates dir as needed and a temporary file in it, then
// removes the file and the folders it made.
func probeDir(dir string) error {
	made := "" // the topmost folder MkdirAll is to make
	for p := dir; ; {
		if _, err := os.Lstat(p); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		made = p
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".corescale-probe-*")
	if err == nil {
		f.Close()
		os.Remove(f.Name())
	}
	for p := dir; made != ""; p = filepath.Dir(p) {
		os.Remove(p) // fails, harmlessly, once another process put a file there
		if p == made {
			break
		}
	}
	return err
}

// singleFormat returns the format for an output file named out: the one
// asked for, or with Keep the one its extension names (thumb.png), "" for
// "the input's own" when the extension names none.
func singleFormat(out string, format imagefile.Format) (imagefile.Format, error) {
	named := extFormat(filepath.Ext(out))
	switch {
	case named == "" && imageExts[strings.ToLower(filepath.Ext(out))]:
		return "", planErrorf("output %s: only JPEG (.jpg, .jpeg) and PNG (.png) files can be written", quote.Name(out))
	case format == imagefile.Keep:
		return named, nil
	case named != "" && named != format:
		return "", planErrorf("output %s: the name says %s but the format asked for is %s", quote.Name(out), named, format)
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

// outputPath returns where j goes when written as f: under its output
// folder, named as outputName says.
func (b *Batch) outputPath(j *job, f imagefile.Format) string {
	if b.single {
		return b.out
	}
	return filepath.Join(*j.dir, outputName(b.name, filepath.Base(j.in), f, b.long[j]))
}

func absClean(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// foundInput is an input of the batch that a file is.
type foundInput struct {
	path   string
	id     fileID
	shadow bool // left out as an earlier run's output (OwnOutput)
}

// findInput returns the input of the batch, worked on or left out as an
// output, that fi is: the same file under another name (a link, another
// spelling of the path) counts.
func (b *Batch) findInput(fi os.FileInfo) (foundInput, bool) {
	id := idOf(fi)
	at := func(i int32) *job {
		if int(i) < len(b.jobs) {
			return &b.jobs[i]
		}
		return &b.shadows[int(i)-len(b.jobs)]
	}
	k := sort.Search(len(b.byID), func(k int) bool { return at(b.byID[k]).id.compare(id) >= 0 })
	for ; k < len(b.byID) && at(b.byID[k]).id.compare(id) == 0; k++ {
		if j := at(b.byID[k]); j.id.same(id) {
			return foundInput{j.in, j.id, int(b.byID[k]) >= len(b.jobs)}, true
		}
	}
	return foundInput{}, false
}
