package thumbnail

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/quote"
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

// Batch is a planned batch: every input file, where its output goes, the
// inputs that could not be read and those left out while planning.
type Batch struct {
	jobs []job
	// shadows are files named as inputs that are another input's output
	// (see OwnOutput): not worked on, but inputs all the same, so never
	// written over.
	shadows []job
	// byID holds the indices of jobs, then of shadows (from len(jobs)),
	// sorted by file identity: what an existing output is looked up in.
	byID   []int32
	errs   []*FileError
	notes  []Note
	format imagefile.Format
	// out is the output folder, cleaned, or in single mode the output
	// file as given; fixed is then the format its name asks for ("" for
	// the input's own).
	out    string
	fixed  imagefile.Format
	single bool
	bytes  int64 // the input files' sizes, summed
	// name is how outputs are named; long holds the jobs that take their
	// whole name with the default one (see settleClashes).
	name Template
	long map[*job]bool
	// part is the window of jobs Run works on (Restrict); errs are
	// reported only by the window that starts at 0.
	part       [2]int
	restricted bool
}

// job is one input file: 40 bytes and the text of its path, however large
// the batch.
// The output name follows from the path's base name (see outputPath).
type job struct {
	in string // as named, or as the walk reached it
	// dir is the folder the output goes in, one string shared by the
	// files of an input folder; nil in single mode.
	dir *string
	id  fileID
}

// Len is the number of results Run reports: one per input file, plus one
// per input that could not be read while planning.
func (b *Batch) Len() int { return len(b.run()) + len(b.runErrs()) }

// Inputs returns the path of every input file of the batch, in the order
// Run takes them, whatever Restrict set.
func (b *Batch) Inputs() []string {
	ins := make([]string, len(b.jobs))
	for i := range b.jobs {
		ins[i] = b.jobs[i].in
	}
	return ins
}

// Restrict makes Run work on the input files [lo, hi) of Inputs only, one
// shard of a batch that several processes share: outputs are named, and
// inputs kept from being written over, as for the whole batch. The inputs
// that could not be read while planning are reported by the part that
// starts at 0 only, so that the shards report each once.
func (b *Batch) Restrict(lo, hi int) {
	b.part = [2]int{max(0, min(lo, len(b.jobs))), max(0, min(hi, len(b.jobs)))}
	b.part[1] = max(b.part[0], b.part[1])
	b.restricted = true
}

// run is the jobs Run works on.
func (b *Batch) run() []job {
	if !b.restricted {
		return b.jobs
	}
	return b.jobs[b.part[0]:b.part[1]]
}

// runErrs is the planning errors Run reports.
func (b *Batch) runErrs() []*FileError {
	if b.restricted && b.part[0] > 0 {
		return nil
	}
	return b.errs
}

// Bytes is the input files' sizes, summed: a measure of the work before
// any header is read.
func (b *Batch) Bytes() int64 { return b.bytes }

// Files is the number of input files found.
func (b *Batch) Files() int { return len(b.run()) }

// Split shares cores between the files of the batch and the rows of each
// image: how many files to work on at once, and how many goroutines each
// image's resize gets. Many files take one core each; a single file takes
// every core for its rows.
func (b *Batch) Split(cores int) (files, perImage int) {
	files = max(min(cores, len(b.run())), 1)
	return files, max(cores/files, 1)
}

// Single reports whether the batch writes one input to one named file.
func (b *Batch) Single() bool { return b.single }

// Format is the format every output is written in, or imagefile.Keep
// when it depends on each input.
func (b *Batch) Format() imagefile.Format {
	switch {
	case !b.single:
		return b.format
	case b.fixed == "":
		return imagefile.Keep
	}
	return b.fixed
}

// LongNames is the number of outputs named by their input's whole name
// and the format's extension (a.png.jpg), as their default names clash
// with others of the same folder.
func (b *Batch) LongNames() int { return len(b.long) }

// Notes are the inputs left out while planning, and why, in the order
// they were met.
func (b *Batch) Notes() []Note { return b.notes }

// NoteKind says why an input was left out.
type NoteKind int

const (
	// OutputFolder is an input folder that is the output folder: what is
	// there are outputs, of this batch or an earlier one (`--out
	// photos/thumbs photos/*` run twice, the glob now holding thumbs/).
	OutputFolder NoteKind = iota + 1
	// OwnOutput is a file named as an input that is the output another
	// input of the batch writes (photos/a.png for photos/a.jpg, with
	// --format png --out photos): an earlier run's result. It is not
	// worked on, and not written over either.
	OwnOutput
	// LinkedFolder is a link to a folder met inside a folder walk: not
	// followed (see Plan).
	LinkedFolder
)

// Note is an input left out while planning.
type Note struct {
	Path string
	Kind NoteKind
	// Of is the input whose output Path is (OwnOutput).
	Of string
}

func (n Note) String() string {
	switch n.Kind {
	case OutputFolder:
		return quote.Name(n.Path) + ": skipped, it is the output folder"
	case OwnOutput:
		return quote.Name(n.Path) + ": skipped, it is the output of " + quote.Name(n.Of)
	case LinkedFolder:
		return quote.Name(n.Path) + ": skipped, a link to a folder (only folders named as inputs are followed)"
	}
	return quote.Name(n.Path) + ": skipped"
}

// PlanError is a batch that cannot start: bad usage, or no input that
// can be read. Nothing has been written.
type PlanError struct{ Err error }

func (e *PlanError) Error() string { return e.Err.Error() }
func (e *PlanError) Unwrap() error { return e.Err }

func planErrorf(format string, a ...any) error {
	return &PlanError{fmt.Errorf(format, a...)}
}

// errNotFileOrFolder is an input that is neither a regular file nor a
// folder: a FIFO, a device, a socket.
var errNotFileOrFolder = errors.New("not a file or folder")

// Plan finds the input files and fixes their outputs under out, written
// in format (imagefile.Keep: each input's own, see Format.Resolve).
//
// A folder input is walked recursively for files with an image extension
// (any case), and its files go to the same relative paths under out; a
// file input goes to its base name under out. With exactly one input
// file, out is the output file itself when it is an existing file or has
// an extension, and does not end in a separator; otherwise out is a
// folder, created as needed.
//
// Links: an input named on the command line is followed wherever it
// points, a link to a folder as the folder (with or without a trailing
// slash). Inside a walk, a link to a file is taken as that file, but a
// link to a folder is not followed, as find and cp -r do not: it could
// lead back up the tree, or walk one tree twice. It is noted
// (LinkedFolder); name the folder as an input to take it.
//
// Outputs are never taken as inputs: when out is an existing folder
// inside an input folder, the walk leaves it out; an input folder that
// is out itself is left out (OutputFolder); a file named as an
// input that is the output another input writes (an earlier run's, as
// with --out photos photos/*) is left out (OwnOutput) but still never
// written over. Before reading a file, an output can only be told from
// its name, so with Keep a file's output is taken to be JPEG for .jpg and
// .jpeg names, PNG for the other image extensions.
//
// The output extension is the format's (.jpg, .png), but an input name
// whose extension already fits the format (photo.JPEG as JPEG) is kept.
// Inputs of one folder whose output names would thus be one (a.jpg and
// a.png as JPEG) each take their whole name with the format's extension
// instead (a.jpg.jpg, a.png.jpg): settled here from the names, so that
// no output ever holds another input's picture (see settleClashes).
// The same file named twice for the same output (a.jpg and ./a.jpg, or a
// folder and a file in it) is one job.
//
// An input that cannot be read (missing, not a file or folder) or a
// folder below one is no PlanError: Run reports it as a failed file and
// does the others. Errors are of type *PlanError: bad usage, or no input
// that can be read at all.
//
// A planned batch keeps 44 bytes a file besides the text of its path
// (its output folder shared with the other files of its folder, its
// identity as device and inode, its place in the index by identity): 124
// bytes a file for paths of 66 bytes, where an os.FileInfo and four
// strings a file took 540. The walk is done before any file is worked on,
// not streamed: that an output never replaces an input needs every input
// known before the first write.
func Plan(inputs []string, out string, format imagefile.Format) (*Batch, error) {
	return PlanNamed(inputs, out, format, Template{})
}

// PlanNamed is Plan with the outputs named by name (see Template); a
// template given with an output that is one file is an error matching
// ErrTemplateForFile. A template ending in .jpg, .jpeg or .png fixes the
// format with Keep, and is an error matching ErrTemplateFormat with
// another format, or ending in the extension of a format that cannot be
// written. With a template, inputs whose outputs it names alike are not
// settled: one fails, naming the other.
func PlanNamed(inputs []string, out string, format imagefile.Format, name Template) (*Batch, error) {
	if len(inputs) == 0 {
		return nil, planErrorf("no inputs: give image files or folders")
	}
	if out == "" {
		return nil, planErrorf("no output path")
	}
	b := &Batch{format: format, out: out, name: name}
	outInfo, err := os.Stat(out)
	outExists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, &PlanError{fileError(out, err)}
	}
	infos := make([]os.FileInfo, len(inputs))
	var bad []*FileError
	for i, in := range inputs {
		fi, err := os.Stat(in)
		switch {
		case err != nil:
			bad = append(bad, fileError(in, err))
		case !fi.IsDir() && !fi.Mode().IsRegular():
			bad = append(bad, &FileError{in, errNotFileOrFolder})
		default:
			infos[i] = fi
		}
	}
	switch {
	case len(bad) == 1 && len(inputs) == 1:
		return nil, &PlanError{bad[0]}
	case len(bad) == 2 && len(inputs) == 2:
		return nil, &PlanError{fmt.Errorf("%w (and 1 more input that cannot be read)", bad[0])}
	case len(bad) == len(inputs):
		return nil, &PlanError{fmt.Errorf("%w (and %d more inputs that cannot be read)", bad[0], len(bad)-1)}
	}
	b.errs = bad
	dirOut := strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/")
	b.single = len(inputs) == 1 && !infos[0].IsDir() && !dirOut &&
		(outExists && !outInfo.IsDir() || !outExists && filepath.Ext(out) != "")
	if outExists && !outInfo.IsDir() && !b.single {
		return nil, planErrorf("output %s is a file; several inputs or a folder need an output folder", quote.Name(out))
	}
	p := &planner{b: b}
	if b.single {
		if !name.isDefault() {
			return nil, &PlanError{fmt.Errorf("output %s: %w", quote.Name(out), ErrTemplateForFile)}
		}
		if b.fixed, err = singleFormat(out, format); err != nil {
			return nil, err
		}
		p.add(inputs[0], nil, infos[0])
		p.finish()
		return b, nil
	}
	if !name.isDefault() {
		if b.format, err = name.fixFormat(format); err != nil {
			return nil, &PlanError{err}
		}
	}
	b.out = filepath.Clean(out)
	if outExists {
		p.outKnown, p.outID, p.outReal = true, idOf(outInfo), realPath(out)
	}
	for i, in := range inputs {
		fi := infos[i]
		switch {
		case fi == nil:
		case !fi.IsDir():
			p.named(in, fi)
		case outExists && os.SameFile(fi, outInfo):
			// Only the output folder itself: a folder inside it, named on
			// purpose (--out thumbs thumbs/raw), writes elsewhere.
			b.notes = append(b.notes, Note{Path: in, Kind: OutputFolder})
		default:
			p.walk(in, b.out)
		}
	}
	p.finish()
	return b, nil
}

// planner is the state of one Plan.
type planner struct {
	b *Batch
	// sizes are the jobs' file sizes, for Bytes.
	sizes []int64
	// outID and outReal identify the output folder when it exists
	// (outKnown); outReal is "" when its links cannot be resolved.
	outKnown bool
	outID    fileID
	outReal  string
	// inOut maps the files named as inputs that lie inside the output
	// folder, by their path relative to it, to their job: the files an
	// output of the batch may be (see OwnOutput).
	inOut map[string]int32
	// realDirs caches the real path of the folders of named files.
	realDirs map[string]string
}

func (p *planner) add(path string, dir *string, fi os.FileInfo) {
	p.b.jobs = append(p.b.jobs, job{in: path, dir: dir, id: idOf(fi)})
	p.sizes = append(p.sizes, fi.Size())
}

func (p *planner) fail(path string, err error) {
	p.b.errs = append(p.b.errs, fileError(path, err))
}

// named adds a file named as an input; it goes to its base name under out.
func (p *planner) named(in string, fi os.FileInfo) {
	if p.outReal != "" {
		dir := filepath.Dir(in)
		real, ok := p.realDirs[dir]
		if !ok {
			real = realPath(dir)
			if p.realDirs == nil {
				p.realDirs = map[string]string{}
			}
			p.realDirs[dir] = real
		}
		if full := filepath.Join(real, filepath.Base(in)); real != "" && inside(full, p.outReal) {
			if p.inOut == nil {
				p.inOut = map[string]int32{}
			}
			rel, _ := filepath.Rel(p.outReal, full)
			if _, taken := p.inOut[rel]; !taken {
				p.inOut[rel] = int32(len(p.b.jobs))
			}
		}
	}
	p.add(in, &p.b.out, fi)
}

// walk adds the image files under dir, whose outputs go under outDir, in
// lexical order, as filepath.WalkDir visits them, but keeping only what
// each file needs and following no link to a folder.
func (p *planner) walk(dir, outDir string) {
	f, err := os.Open(dir)
	if err != nil {
		p.fail(dir, err)
		return
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		p.fail(dir, err) // and go on with the entries read
	}
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	var shared *string // outDir, allocated once the folder has a file
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		typ := e.Type()
		if typ.IsDir() {
			if p.outKnown {
				if fi, err := e.Info(); err == nil && sameFile(idOf(fi), p.outID) {
					continue // the output folder, inside the input folder
				}
			}
			p.walk(path, filepath.Join(outDir, name))
			continue
		}
		image := imageExts[strings.ToLower(filepath.Ext(name))]
		var fi os.FileInfo
		switch {
		case typ&fs.ModeSymlink != 0:
			// Stat, not Lstat, so that a link to an image is taken and
			// compared with outputs as the file it points to.
			if fi, err = os.Stat(path); err != nil {
				if image {
					p.fail(path, err)
				}
				continue
			}
			if fi.IsDir() {
				p.b.notes = append(p.b.notes, Note{Path: path, Kind: LinkedFolder})
				continue
			}
		case !image || !typ.IsRegular():
			continue
		default:
			if fi, err = e.Info(); err != nil {
				p.fail(path, err)
				continue
			}
		}
		if !image || !fi.Mode().IsRegular() {
			continue
		}
		if shared == nil {
			shared = new(string)
			*shared = outDir
		}
		p.add(path, shared, fi)
	}
}

// finish drops the jobs that repeat another, sets aside the named files
// that are outputs of the batch, and indexes the inputs by identity.
func (p *planner) finish() {
	b := p.b
	n := len(b.jobs)
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	p.sortByID(order, b.jobs)
	// 0: a job; 1: the same file for the same output as an earlier job;
	// 2: a named file that is another job's output.
	drop := make([]uint8, n)
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && b.jobs[order[hi]].id.compare(b.jobs[order[lo]].id) == 0 {
			hi++
		}
		for i := lo + 1; i < hi; i++ {
			ji := &b.jobs[order[i]]
			for _, k := range order[lo:i] {
				jk := &b.jobs[k]
				if ji.id.same(jk.id) && *ji.dir == *jk.dir && filepath.Base(ji.in) == filepath.Base(jk.in) {
					drop[order[i]] = 1
					break
				}
			}
		}
		lo = hi
	}
	of := p.ownOutputs(drop, nil, nil)
	var long []bool
	if !b.single && b.name.isDefault() {
		owned := map[int32]bool{}
		for _, i := range of {
			owned[i] = true
		}
		if long = p.settleClashes(drop, owned); long != nil {
			of = p.ownOutputs(drop, long, of)
		}
	}
	if !slices.ContainsFunc(drop, func(d uint8) bool { return d != 0 }) {
		// The common case: order is already the index by identity.
		for _, size := range p.sizes {
			b.bytes += size
		}
		b.byID = order
		for i, l := range long {
			if l {
				b.setLong(&b.jobs[i])
			}
		}
		return
	}
	jobs := make([]job, 0, n)
	var longAt []int
	for i, j := range b.jobs {
		switch drop[i] {
		case 0:
			if long != nil && long[i] {
				longAt = append(longAt, len(jobs))
			}
			jobs = append(jobs, j)
			b.bytes += p.sizes[i]
		case 2:
			b.shadows = append(b.shadows, j)
			b.notes = append(b.notes, Note{Path: j.in, Kind: OwnOutput, Of: b.jobs[of[int32(i)]].in})
		}
	}
	b.jobs = jobs
	for _, i := range longAt {
		b.setLong(&b.jobs[i])
	}
	all := append(slices.Clip(jobs), b.shadows...)
	b.byID = order[:len(all)]
	for i := range b.byID {
		b.byID[i] = int32(i)
	}
	p.sortByID(b.byID, all)
}

func (b *Batch) setLong(j *job) {
	if b.long == nil {
		b.long = map[*job]bool{}
	}
	b.long[j] = true
}

// ownOutputs marks with 2 in drop the named files inside the output
// folder that another job's output would be, and records in of which job
// that is for each. With long, only the jobs it marks are looked at, by
// their long names (see settleClashes).
func (p *planner) ownOutputs(drop []uint8, long []bool, of map[int32]int32) map[int32]int32 {
	if len(p.inOut) == 0 {
		return of
	}
	b := p.b
	if of == nil {
		of = map[int32]int32{}
	}
	rels := map[*string]string{} // each output folder relative to out
	for i, j := range b.jobs {
		if drop[i] == 1 || long != nil && !long[i] {
			continue
		}
		name, ok := b.predictName(&b.jobs[i], long != nil)
		if !ok {
			continue
		}
		rel, ok := rels[j.dir]
		if !ok {
			rel, _ = filepath.Rel(b.out, *j.dir)
			rels[j.dir] = rel
		}
		y, ok := p.inOut[filepath.Join(rel, name)]
		if !ok || y == int32(i) || drop[y] == 1 {
			continue
		}
		if _, seen := of[y]; !seen {
			of[y] = int32(i)
			drop[y] = 2
		}
	}
	return of
}

// sortByID sorts the indices into jobs by the file they name, and by
// index for the same file.
func (p *planner) sortByID(order []int32, jobs []job) {
	slices.SortFunc(order, func(a, b int32) int {
		if c := jobs[a].id.compare(jobs[b].id); c != 0 {
			return c
		}
		return int(a - b)
	})
}

// predictName returns the output name of j, with Keep guessed from the
// extension as the content usually agrees; false when the name does not
// tell.
func (b *Batch) predictName(j *job, long bool) (string, bool) {
	base := filepath.Base(j.in)
	f, ok := predictFormat(base, b.format)
	if !ok {
		return "", false
	}
	return outputName(b.name, base, f, long), true
}

// realPath returns p absolute with every link resolved, "" when it
// cannot be.
func realPath(p string) string {
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return ""
	}
	if r, err = filepath.Abs(r); err != nil {
		return ""
	}
	return r
}

// inside reports whether path is root or below it; both are clean and
// absolute.
func inside(path, root string) bool {
	if path == "" || root == "" {
		return false
	}
	if path == root {
		return true
	}
	if !strings.HasSuffix(root, string(filepath.Separator)) {
		root += string(filepath.Separator)
	}
	return strings.HasPrefix(path, root)
}

func sameFile(a, b fileID) bool { return a.compare(b) == 0 && a.same(b) }
