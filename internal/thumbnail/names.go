package thumbnail

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/corescale/corescale/internal/imagefile"
)

// Template names the outputs of a folder batch from their inputs, as
// vipsthumbnail's -o %s_thumb.jpg does: {stem} is the input's base name
// without its extension, {name} the base name whole, {ext} the output
// format's extension without the dot (jpg, png). The zero Template is the
// default naming (see Plan).
//
// The output size is no placeholder: Plan fixes every name before any
// header is read, which is what lets it settle clashes and keep outputs
// off inputs before the first write.
type Template struct {
	text  string
	parts []tpart
}

// tpart is literal text, or a placeholder when key is set.
type tpart struct {
	lit string
	key string // "stem", "name", "ext", or "" for lit
}

// ErrTemplateForFile is the error of a Template given with an output that
// is one file, whose name is given already.
var ErrTemplateForFile = errors.New("a name template names the outputs in a folder, and the output is one file (end it with / to mean a folder)")

// ErrTemplateFormat is matched by the error of a Template whose text
// ends in an extension of another format than the one asked for, or of
// one that cannot be written.
var ErrTemplateFormat = errors.New("the template's extension does not fit the format")

// ParseTemplate checks a template such as "{stem}_thumb.{ext}". It must
// name a file, not a path, and hold {stem} or {name}, so that inputs of
// different names get different outputs.
func ParseTemplate(s string) (Template, error) {
	switch {
	case s == "":
		return Template{}, errors.New("empty: want a name such as {stem}_thumb.{ext}")
	case strings.ContainsRune(s, '/') || strings.ContainsRune(s, filepath.Separator):
		return Template{}, errors.New("a slash: the template is a file name; --out says the folder")
	case strings.ContainsRune(s, 0):
		return Template{}, errors.New("a NUL character, which no file name holds")
	}
	t := Template{text: s}
	distinct := false
	for rest := s; rest != ""; {
		open := strings.IndexByte(rest, '{')
		if close := strings.IndexByte(rest, '}'); close >= 0 && (open < 0 || close < open) {
			return Template{}, errors.New("a } with no { before it")
		}
		if open < 0 {
			t.parts = append(t.parts, tpart{lit: rest})
			break
		}
		if open > 0 {
			t.parts = append(t.parts, tpart{lit: rest[:open]})
		}
		end := strings.IndexByte(rest[open:], '}')
		if end < 0 {
			return Template{}, errors.New("a { with no } after it")
		}
		key := rest[open+1 : open+end]
		switch key {
		case "stem", "name":
			distinct = true
		case "ext":
		case "w", "h":
			return Template{}, fmt.Errorf("{%s}: the output size is no placeholder, as names are fixed before any image is read; use {stem}, {name} and {ext}", key)
		default:
			return Template{}, fmt.Errorf("unknown placeholder {%s}: use {stem}, {name} and {ext}", key)
		}
		t.parts = append(t.parts, tpart{key: key})
		rest = rest[open+end+1:]
	}
	if !distinct {
		return Template{}, errors.New("no {stem} or {name}: every input would have the same output name")
	}
	return t, nil
}

// fixFormat returns the format outputs are written in: the one asked
// for, or with Keep the one that an extension at the end of the
// template's own text names ({stem}_thumb.jpg writes JPEG, as
// vipsthumbnail does and as --out thumb.png does for one file), so that
// no output's name says another format than its content.
func (t Template) fixFormat(asked imagefile.Format) (imagefile.Format, error) {
	last := t.parts[len(t.parts)-1]
	ext := filepath.Ext(last.lit)
	if last.key != "" || ext == "" {
		return asked, nil
	}
	named := extFormat(ext)
	switch {
	case named == "" && imageExts[strings.ToLower(ext)]:
		return "", &templateFormatError{asked: asked}
	case named == "":
		return asked, nil
	case asked == imagefile.Keep:
		return named, nil
	case named != asked:
		return "", &templateFormatError{named: named, asked: asked}
	}
	return asked, nil
}

// templateFormatError is a template whose extension names another format
// than the one asked for (named), or one that cannot be written (named
// is "").
type templateFormatError struct{ named, asked imagefile.Format }

func (e *templateFormatError) Error() string {
	if e.named == "" {
		return "only JPEG (.jpg, .jpeg) and PNG (.png) files can be written"
	}
	return fmt.Sprintf("the name says %s but the format asked for is %s", e.named, e.asked)
}

func (e *templateFormatError) Is(target error) bool { return target == ErrTemplateFormat }

// String returns the template as parsed, "" for the default.
func (t Template) String() string { return t.text }

// isDefault reports whether t is the default naming.
func (t Template) isDefault() bool { return t.text == "" }

// apply returns the output name of an input of base name name, written
// in format f.
func (t Template) apply(name string, f imagefile.Format) string {
	var b strings.Builder
	for _, p := range t.parts {
		switch p.key {
		case "":
			b.WriteString(p.lit)
		case "stem":
			b.WriteString(name[:len(name)-len(filepath.Ext(name))])
		case "name":
			b.WriteString(name)
		case "ext":
			b.WriteString(strings.TrimPrefix(f.Ext(), "."))
		}
	}
	return b.String()
}

// outputName returns the output name of an input of base name name when
// written in f: by the template, or by default the name with f's
// extension unless its own already fits f (photo.JPEG as JPEG); long is
// the default for inputs whose default names clash, the whole name with
// f's extension (a.png.jpg).
func outputName(t Template, name string, f imagefile.Format, long bool) string {
	switch {
	case !t.isDefault():
		return t.apply(name, f)
	case long:
		return name + f.Ext()
	}
	ext := filepath.Ext(name)
	if extFormat(ext) == f {
		return name
	}
	return name[:len(name)-len(ext)] + f.Ext()
}

// predictFormat returns the format an input of base name name is written
// in, with Keep guessed from the extension as the content usually agrees;
// false when the name does not tell.
func predictFormat(name string, format imagefile.Format) (imagefile.Format, bool) {
	if format != imagefile.Keep {
		return format, true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg":
		return imagefile.JPEG, true
	case ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp":
		return imagefile.PNG, true
	}
	return "", false
}

// settleClashes marks long the jobs of one output folder whose default
// output names, predicted from their names, are one and the same, when
// their own names differ (a.jpg and a.png as JPEG, a.png and a.gif with
// Keep): each then takes its whole name with the format's extension,
// a.jpg.jpg and a.png.jpg. All of them do, not all but one, so that no
// output name ever holds another input's picture, also across runs: a.jpg
// alone gives a.jpg, and once a.png joins it, a.jpg.jpg and a.png.jpg.
// A job that owns a named input as its earlier output (owned, see
// OwnOutput) keeps its name, so that the note saying so holds. Files of
// one base name from different folders cannot be told apart this way, and
// still clash. A name that does not tell the format (Keep, a file named
// without an image extension) is not settled here.
func (p *planner) settleClashes(drop []uint8, owned map[int32]bool) []bool {
	b := p.b
	// Equal default names have equal stems (an extension holds one dot,
	// at its start), so a first pass by stem, a part of the path already
	// there, finds the few jobs that may clash without making a name
	// for each; only those are named, in the second.
	type stemKey struct{ dir, stem string }
	type seen struct {
		first int32
		more  bool // a second job has the stem
	}
	stems := make(map[stemKey]seen, len(b.jobs))
	var maybe []int32
	for i, j := range b.jobs {
		if drop[i] != 0 {
			continue
		}
		base := filepath.Base(j.in)
		if _, ok := predictFormat(base, b.format); !ok {
			continue
		}
		k := stemKey{*j.dir, base[:len(base)-len(filepath.Ext(base))]}
		switch s, ok := stems[k]; {
		case !ok:
			stems[k] = seen{first: int32(i)}
		case !s.more:
			stems[k] = seen{first: s.first, more: true}
			maybe = append(maybe, s.first, int32(i))
		default:
			maybe = append(maybe, int32(i))
		}
	}
	if len(maybe) == 0 {
		return nil
	}
	type nameKey struct{ dir, name string }
	// first is the first job of a name, or -1 once two base names differ.
	first := map[nameKey]int32{}
	keys := make([]nameKey, len(maybe))
	for n, i := range maybe {
		base := filepath.Base(b.jobs[i].in)
		f, _ := predictFormat(base, b.format)
		k := nameKey{*b.jobs[i].dir, outputName(Template{}, base, f, false)}
		keys[n] = k
		switch f, ok := first[k]; {
		case !ok:
			first[k] = i
		case f >= 0 && filepath.Base(b.jobs[f].in) != base:
			first[k] = -1
		}
	}
	var long []bool
	for n, i := range maybe {
		if first[keys[n]] < 0 && !owned[i] {
			if long == nil {
				long = make([]bool, len(b.jobs))
			}
			long[i] = true
		}
	}
	return long
}
