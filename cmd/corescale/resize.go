package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/cpu/resize"
	"github.com/corescale/corescale/internal/backend"
	"github.com/corescale/corescale/internal/imagefile"
	"github.com/corescale/corescale/internal/quote"
	"github.com/corescale/corescale/internal/thumbnail"
	"github.com/urfave/cli/v2"
)

const resizeDescription = `Resizes image files, one or thousands: thumbnails with proper resampling
filters, as Pillow's Image.resize computes them.

INPUT is any number of files and folders, before or after the flags (-- ends
the flags, for an input named like one). Folders are walked recursively for
.jpg .jpeg .png .gif .bmp .tif .tiff .webp files (any case); files named on
the command line are taken whatever their name, since the format is read
from the content. JPEG, PNG, GIF (the first frame), BMP, TIFF and WebP
are read; JPEG photos are turned upright from their EXIF orientation. JPEG and
PNG are written.

Where the results go:
   --out FOLDER       the tree of each input folder is mirrored under FOLDER;
                      a file named on the command line goes to its base name
   --out FILE         with exactly one input file, when FILE exists or has an
                      extension (thumb.jpg); end it with / to mean a folder
   An output name keeps the input's name with the extension of the format
   written (photo.gif becomes photo.png). --format keep writes JPEG for JPEG
   inputs and PNG for all others, WebP too (so photo.webp never takes the name
   of photo.jpg's output; --format jpeg for WebP photographs). Inputs of one
   folder that would share a name that way (a.jpg and a.png with --format
   jpeg; a.png and a.gif with keep) each take their whole name with the
   format's extension instead (a.jpg.jpg, a.png.jpg): none fails, and no
   output ever holds another input's picture, in this run or a later one. The
   summary says how many. --name TEMPLATE names outputs otherwise, as
   vipsthumbnail's -o does: {stem} is the input's name without its extension,
   {name} with it, {ext} the output format's (jpg, png), as in
   --name '{stem}_thumb.{ext}' (a template ending in .jpg or .png writes that
   format); of two inputs it names alike, one fails, naming the other. An existing output is skipped unless --overwrite, also
   one that another run writes meanwhile; an input is never written over, even
   when --out is its folder. Outputs appear whole or not at all: each is
   written to a hidden temporary file and renamed into place.

   Results are never taken as inputs, so a command can be run again: an input
   folder that is the output folder or inside it is skipped (with a note), and
   so is a file named as input that is another input's output (photos/b.png
   for photos/b.jpg with --format png --out photos; with --verbose, a note).
   A link to a folder is followed when named as an input; inside a folder it
   is not (--verbose notes it), as it could lead back up the tree.

The size, --size WxH, Wx or xH (a side left out follows the aspect ratio):
   --fit contain      fit inside WxH, keeping the aspect ratio (the default)
   --fit cover        fill WxH, keeping the aspect ratio, cropping the centre
   --fit fill         exactly WxH, stretched
   --no-enlarge       never make an image larger than it is: contain keeps
                      the input size, fill caps each side, cover keeps the
                      crop at its own size

Filters work on the stored sRGB values, as Pillow, libvips and ImageMagick do
by default; --linear resizes in linear light instead, which keeps fine
patterns (text, grids, foliage) from turning darker, at some cost in speed.
JPEG photos are resized in their own YCbCr planes, 16-bit images at 16 bits.

A file that cannot be read, decoded or written, or an input that is missing
or not a file or folder, is reported on stderr as "corescale: PATH: reason"
and the batch goes on. A name that holds control characters or is not UTF-8
is printed quoted, "like\nthis". An output folder that cannot be written is
reported once, before any file is read; one that fills up, or becomes
read-only, stops the batch with one message. Inputs over --max-pixels are
refused from their header, before any pixel is decoded. Ctrl-C stops the batch
without leaving partial files (a second Ctrl-C kills it at once, which may
leave a hidden temporary file). On a terminal a progress line shows on stderr;
a summary line ends the run.

Examples:
   corescale resize --size 600x --out thumbs photos/
   corescale resize --size 256x256 --fit cover --format jpeg --out squares *.png
   corescale resize --size x1080 --no-enlarge --fast --out small/ big.tif
   corescale resize --size 1200x800 --out cover.jpg --quality 90 photo.jpg

Exit status: 0 every file done or skipped, 1 a file failed, the output filled
up or became unwritable during the batch, or the batch was interrupted, 2 bad
usage, an output that cannot be written or no input that can be read (nothing
written).`

func resizeCommand() *cli.Command {
	const (
		outputs = "Output"
		sizes   = "Size"
		filters = "Resampling"
		paths   = "Path"
		shards  = "Shard (one task of a cluster job: a share of the inputs by pixels, into the shared --out)"
	)
	flags := pathFlags(paths, "cores for the parallel path: several files at once, or one file's rows",
		"say which backend runs, each file's sizes and where the time went")
	filterNames := make([]string, len(corescale.Filters))
	for i, f := range corescale.Filters {
		filterNames[i] = string(f)
	}
	return &cli.Command{
		Name:      "resize",
		Usage:     "resize image files: thumbnails of files and folders",
		ArgsUsage: "INPUT...",
		// "help" would read as an input file; --help is there.
		HideHelpCommand: true,
		Description:     resizeDescription,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Category: outputs, Usage: "write to `PATH`: a folder, or a file name for one input (required)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Category: outputs, Value: string(imagefile.Keep), Usage: "output `FORMAT`: jpeg, png, or keep (JPEG stays JPEG; PNG, GIF, BMP, TIFF and WebP become PNG)"},
			&cli.IntFlag{Name: "quality", Category: outputs, Value: imagefile.DefaultQuality, Usage: "JPEG `QUALITY`, 1 to 100 (PNG is lossless: a warning when all outputs are PNG)"},
			&cli.StringFlag{Name: "name", Category: outputs, Usage: "name outputs by `TEMPLATE`: {stem} (the input's name without extension), {name} (with it), {ext} (jpg or png), as in {stem}_thumb.{ext} (default: the input's name with the output's extension; its whole name, a.png.jpg, where inputs of one folder would share one)"},
			&cli.BoolFlag{Name: "overwrite", Category: outputs, Usage: "replace existing outputs (never an input)"},
			&cli.BoolFlag{Name: "srgb", Category: outputs, Usage: "convert images with an embedded colour profile to sRGB (Little CMS); without it the profile is kept"},
			&cli.StringFlag{Name: "size", Aliases: []string{"s"}, Category: sizes, Usage: "output `WxH`, Wx or xH, in pixels (required)"},
			&cli.StringFlag{Name: "fit", Category: sizes, Value: string(thumbnail.Contain), Usage: "`HOW` to meet WxH: contain, cover or fill"},
			&cli.BoolFlag{Name: "no-enlarge", Category: sizes, Usage: "never make an image larger"},
			&cli.Float64Flag{Name: "max-pixels", Category: sizes, Value: float64(imagefile.DefaultMaxPixels) / 1e6, Usage: "refuse inputs (from the header) and outputs of more than `MEGAPIXELS`"},
			&cli.StringFlag{Name: "max-memory", Category: sizes, Usage: "work on files at once only while they fit in `SIZE` of memory together (2G, 1500M, 4GiB; default: half of the least of the RAM, the cgroup memory limit and ulimit -v)"},
			&cli.StringFlag{Name: "filter", Category: filters, Value: string(corescale.Lanczos3), Usage: "resampling `FILTER`: " + strings.Join(filterNames, ", ")},
			&cli.BoolFlag{Name: "fast", Category: filters, Usage: "shrink by a box average first, down to --gap times the output, then filter (faster, slightly softer)"},
			&cli.Float64Flag{Name: "gap", Category: filters, Value: 3, Usage: "with --fast, filter the last `G` times of the shrink (1 or more; larger is closer to exact); a JPEG decodes reduced down to twice the output unless --gap is given"},
			&cli.BoolFlag{Name: "linear", Category: filters, Usage: "resize in linear light: fine detail keeps its brightness (slower)"},
			flags[0], flags[1],
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Category: paths, Usage: "no progress line and no summary; failures are still reported"},
			flags[2],
			shardFlags(shards)[0], shardFlags(shards)[1],
		},
		Action: resizeAction,
	}
}

// resizeSettings are the checked flags.
type resizeSettings struct {
	inputs  []string
	out     string
	format  imagefile.Format
	name    thumbnail.Template // the outputs' names; the zero one by default
	opt     thumbnail.Options
	engine  resize.Options
	request backend.Request
	why     string // the backend chosen, and why
	// eachImage says what resizes each image: "1 goroutine", "the GPU".
	eachImage string
	quiet     bool
	verbose   bool
}

func resizeAction(c *cli.Context) error {
	s, err := resizeFlags(c)
	if err != nil {
		return err
	}
	batch, err := thumbnail.PlanNamed(s.inputs, s.out, s.format, s.name)
	if errors.Is(err, thumbnail.ErrTemplateForFile) || errors.Is(err, thumbnail.ErrTemplateFormat) {
		return usageErrorf("--name %q: %w", s.name.String(), err)
	}
	if err != nil {
		return &usageError{err}
	}
	if err := shardImages(c, batch); err != nil {
		return err
	}
	// Before any input is read: a folder that takes no files is one
	// message, not one per file after decoding each, and bad usage (exit
	// 2) as an uncreatable --output is for every command (createOutput).
	if err := batch.CheckOutput(s.opt.Overwrite); err != nil {
		return &usageError{err}
	}
	if c.IsSet("quality") && batch.Format() == imagefile.PNG {
		// Harmless, so not refused; but the user expects it to matter.
		fmt.Fprintf(c.App.ErrWriter, "corescale: warning: --quality applies to JPEG only, and the outputs are PNG\n")
	}
	s.request.Job = backend.ResizeJob(s.engine, batch.Bytes())
	choice, err := choose(s.request)
	if err != nil {
		return err
	}
	if s.opt.Resizer, s.opt.Workers, err = choice.Thumbnails(s.engine, batch); err != nil {
		return err
	}
	if closer, ok := s.opt.Resizer.(io.Closer); ok {
		defer closer.Close()
	}
	s.why = choice.Why
	if choice.CPU() {
		_, perImage := batch.Split(choice.Workers)
		s.eachImage = plural(perImage, "goroutine")
	} else {
		s.eachImage = choice.Driver.Name()
	}
	// The first Ctrl-C cancels the batch, which then finishes cleanly; a
	// second one kills.
	ctx, stop := signalContext()
	defer stop()
	return runResize(ctx, c.App.ErrWriter, batch, s)
}

func resizeFlags(c *cli.Context) (*resizeSettings, error) {
	s := &resizeSettings{inputs: c.Args().Slice(), out: c.String("out"), quiet: c.Bool("quiet"), verbose: c.Bool("verbose")}
	switch {
	case len(s.inputs) == 0:
		return nil, usageErrorf("no inputs: give image files or folders (see corescale resize --help)")
	case !c.IsSet("out") || s.out == "":
		return nil, usageErrorf("missing --out: a folder, or a file name for one input")
	case !c.IsSet("size"):
		return nil, usageErrorf("missing --size: WxH, Wx or xH, such as 600x400, 600x or x400")
	case s.quiet && s.verbose:
		return nil, usageErrorf("--quiet and --verbose: choose one")
	}
	var err error
	o := &s.opt
	if o.Size, err = thumbnail.ParseSize(c.String("size")); err != nil {
		return nil, &usageError{fmt.Errorf("--size: %w", err)}
	}
	e := &s.engine
	if o.Fit, err = thumbnail.ParseFit(c.String("fit")); err != nil {
		return nil, &usageError{fmt.Errorf("--fit: %w", err)}
	}
	o.NoEnlarge = c.Bool("no-enlarge")
	if e.Filter, err = corescale.ParseFilter(c.String("filter")); err != nil {
		return nil, &usageError{fmt.Errorf("--filter: %w", err)}
	}
	e.Fast, e.Gap = c.Bool("fast"), c.Float64("gap")
	if c.IsSet("gap") && !e.Fast {
		return nil, usageErrorf("--gap goes with --fast")
	}
	if !(e.Gap >= 1) || math.IsInf(e.Gap, 0) {
		return nil, usageErrorf("--gap %g: want a number, 1 or more", e.Gap)
	}
	e.Linear = c.Bool("linear")
	// A JPEG decodes reduced in the DCT domain (1/2, 1/4, 1/8) while it
	// stays thumbnail.ExactShrinkGap times the output, or FastShrinkGap
	// (--gap when given) with --fast. Linear light cannot: the DCT's
	// reduction averages in gamma space.
	o.Planes = !e.Linear
	switch {
	case e.Linear:
		o.ShrinkGap = 0
	case e.Fast && c.IsSet("gap"):
		o.ShrinkGap = e.Gap
	case e.Fast:
		o.ShrinkGap = thumbnail.FastShrinkGap
	default:
		o.ShrinkGap = thumbnail.ExactShrinkGap
	}
	if s.format, err = imagefile.ParseOutput(c.String("format")); err != nil {
		return nil, &usageError{fmt.Errorf("--format: %w", err)}
	}
	if o.Quality = c.Int("quality"); o.Quality < 1 || o.Quality > 100 {
		return nil, usageErrorf("--quality %d: want 1 to 100", o.Quality)
	}
	mp := c.Float64("max-pixels")
	if !(mp > 0) || mp*1e6 >= math.MaxInt64 {
		return nil, usageErrorf("--max-pixels %g: want a positive number of megapixels", mp)
	}
	o.MaxPixels = max(int64(math.Round(mp*1e6)), 1)
	if c.IsSet("max-memory") {
		if o.MaxMemory, err = thumbnail.ParseMemory(c.String("max-memory")); err != nil {
			return nil, &usageError{fmt.Errorf("--max-memory: %w", err)}
		}
	}
	o.Overwrite = c.Bool("overwrite")
	o.SRGB = c.Bool("srgb")
	if c.IsSet("name") {
		if s.name, err = thumbnail.ParseTemplate(c.String("name")); err != nil {
			return nil, usageErrorf("--name %q: %w", c.String("name"), err)
		}
	}

	if s.request, err = backendRequest(c); err != nil {
		return nil, err
	}
	return s, nil
}

// runResize runs the batch, reporting on stderr, and returns the error that
// sets the exit status.
func runResize(ctx context.Context, stderr io.Writer, batch *thumbnail.Batch, s *resizeSettings) error {
	bar := newProgress(stderr)
	say := bar.printf
	start, finished := time.Now(), 0
	if s.verbose {
		say("corescale: %s; %d files\n", s.why, batch.Files())
	}
	q := quote.Name
	skippedFolder := false
	for _, n := range batch.Notes() {
		// A whole input folder left out is always said; a file or a link
		// left out only with --verbose, as a skip is.
		if n.Kind == thumbnail.OutputFolder && !s.quiet || s.verbose {
			say("corescale: %s\n", n)
			skippedFolder = skippedFolder || n.Kind == thumbnail.OutputFolder
		}
	}
	if len(batch.Inputs()) == 0 && batch.Len() == 0 && !s.quiet && !skippedFolder {
		names := make([]string, len(s.inputs))
		for i, in := range s.inputs {
			names[i] = q(in)
		}
		say("corescale: no image files in %s (folders are searched for %s)\n", strings.Join(names, ", "), thumbnail.Extensions)
	}
	s.opt.OnResult = func(r thumbnail.Result) {
		for _, line := range resultLines(r, s.verbose) {
			say("%s\n", line)
		}
		finished++
		if !s.quiet {
			rate := float64(finished) / time.Since(start).Seconds()
			bar.show(fmt.Sprintf("resizing: %d/%d files, %.1f files/s", finished, batch.Len(), rate), finished == batch.Len())
		}
	}
	sum, err := thumbnail.Run(ctx, batch, s.opt)
	bar.clear()
	if sum == nil {
		return err
	}
	if s.verbose {
		say("corescale: %d files at a time, each resized on %s\n", sum.Goroutines, s.eachImage)
		why := "--max-memory"
		if s.opt.MaxMemory <= 0 {
			_, why = thumbnail.DefaultMaxMemory()
		}
		say("corescale: memory budget %s (%s), at most %s of it held at once\n",
			thumbnail.FormatBytes(sum.MaxMemory), why, thumbnail.FormatBytes(sum.PeakMemory))
		say("corescale: time summed over them: decode %s, resize %s, encode %s, write %s; wall %s\n",
			seconds(sum.Decode), seconds(sum.Resize), seconds(sum.Encode), seconds(sum.Write), seconds(sum.Elapsed))
	}
	if !s.quiet {
		line := fmt.Sprintf("done %d, skipped %d, failed %d, %.1f megapixels/s", sum.Done, sum.Skipped, sum.Failed, sum.MegapixelsPerSecond())
		if sum.NotDone > 0 {
			line += fmt.Sprintf(", %d not done", sum.NotDone)
		}
		if sum.Skipped > 0 && !s.opt.Overwrite {
			line += " (skipped: the outputs exist; --overwrite replaces them)"
		}
		if n := batch.LongNames(); n > 0 {
			line += fmt.Sprintf("; %s named by their input's whole name (a.png.jpg): their inputs share a name in one folder", plural(n, "output"))
		}
		say("%s\n", line)
	}
	var full *thumbnail.OutputError
	switch {
	case errors.As(err, &full):
		return fmt.Errorf("%w; stopped with %d files not done, no partial outputs were left", err, sum.NotDone)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("interrupted: %d files not done; no partial outputs were left", sum.NotDone)
	case err != nil:
		return err
	case sum.Failed > 0:
		return fmt.Errorf("%d of %d inputs failed", sum.Failed, batch.Len())
	}
	return nil
}

// resultLines returns what is said on stderr of one result: a failure
// always, and a decode warning, which leaves the file done; the output
// and the decoder of a file done, and a skip, with verbose.
func resultLines(r thumbnail.Result, verbose bool) []string {
	q := quote.Name
	var lines []string
	switch {
	case r.Status == thumbnail.Failed:
		return []string{fmt.Sprintf("corescale: %v", r.Err)}
	case verbose && r.Status == thumbnail.Done:
		line := fmt.Sprintf("corescale: %s → %s: %d×%d to %d×%d", q(r.Input), q(r.Output), r.SrcW, r.SrcH, r.W, r.H)
		if r.Decoder != "" {
			line += ", decoded by " + r.Decoder
			if r.Shrink > 1 {
				line += fmt.Sprintf(" at 1/%d scale", r.Shrink)
			}
		}
		lines = append(lines, line)
	case verbose && r.Status == thumbnail.Skipped:
		lines = append(lines, fmt.Sprintf("corescale: %s: skipped, %s exists (--overwrite replaces it)", q(r.Input), q(r.Output)))
	}
	if r.Warning != nil && r.Status == thumbnail.Done {
		// As a FileError does, the path is said once, at the front.
		msg := strings.TrimPrefix(r.Warning.Error(), r.Input+": ")
		lines = append(lines, fmt.Sprintf("corescale: %s: warning: %s", q(r.Input), quote.Escape(msg)))
	}
	return lines
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// plural returns "1 goroutine", "2 goroutines".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
