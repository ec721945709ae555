package main

import (
	"bufio"
	"fmt"
	"io"
	"math/big"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/corescale/corescale/cmd/corescale/primeio"
	"github.com/corescale/corescale/internal/atomicfile"
	"github.com/corescale/corescale/internal/quote"
	"github.com/corescale/corescale/internal/shard"
	"github.com/urfave/cli/v2"
)

const mergeDescription = `Joins the outputs of the N tasks of one job, each run as
corescale prime --shard K/N --output FILE (or with K and N from Slurm's or
Kubernetes' environment), into exactly what the job run whole prints: counts
summed, lists of primes or verdicts one after another in shard order, in the
same --print and --format.

Each shard file says which shard of which job it holds: a first line
"# corescale shard K/N job DIGEST print MODE format FORMAT" in text and csv
(a comment to corescale prime --input, so a list of primes reads back as
numbers), and in json an object {"corescale_shard":"K/N","job":DIGEST,
"print":MODE,"output":...} around the output. The job's digest comes from
its numbers (the range, the random batch's count, bits and seed, the input
file's size and ends, the arguments), --print, --format and N.

Every shard 0 to N-1 must be given exactly once, all of one job, or nothing
is written: a missing shard, a shard given twice, a file of another job or
one that is not a shard file is an error that names it, with exit status 2.
The files may be given in any order (a shell glob is fine).

The JSON reports of corescale bench --shard K/N --json, one from each node
of a cluster, merge into one Markdown report: the nodes, and for each
workload the throughput of 1 to N nodes on every backend, worker count and
GPU count, with the speedup of N nodes over one (each node runs the whole
bench; nodes that share nothing, as the shards of a job, add their
throughputs). Reports without --shard merge too, as nodes in the order given.

Examples:
   corescale merge --output count.txt count-*.txt
   corescale merge primes.0.csv primes.1.csv primes.2.csv > primes.csv

Exit status: 0 merged; 1 a failure while reading or writing; 2 bad usage, an
--output that cannot be created, or shard files that do not make one whole job
(nothing written).`

func mergeCommand() *cli.Command {
	return &cli.Command{
		Name:            "merge",
		Usage:           "join the outputs of corescale prime --shard K/N into the whole job's, or bench reports of several nodes into one",
		ArgsUsage:       "SHARD_FILE...",
		HideHelpCommand: true,
		Description:     mergeDescription,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`, all or nothing, instead of stdout (- is stdout)"},
			&cli.BoolFlag{Name: "verbose", Usage: "say on stderr which file holds which shard"},
		},
		Action: func(c *cli.Context) error {
			return quoteNames(mergeAction(c), append([]string{c.String("output")}, c.Args().Slice()...)...)
		},
	}
}

// The header of a shard file: see mergeDescription.
const (
	shardTextPrefix = "# corescale shard "
	shardJSONPrefix = `{"corescale_shard":"`
	shardJSONSuffix = "}\n"
)

var (
	// The expressions are compiled on first use, by merge, rather than at
	// the start of every command.
	shardTextHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^# corescale shard (\d+/\d+) job ([0-9a-f]{16}) print (primes|all|count) format (text|csv)\n`)
	})
	shardJSONHeader = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\{"corescale_shard":"(\d+/\d+)","job":"([0-9a-f]{16})","print":"(primes|all|count)","output":`)
	})
)

// shardHeader is what a shard file says of itself.
type shardHeader struct {
	spec   shard.Spec
	job    string
	mode   primeio.Mode
	format primeio.Format
}

// writeShardHeader writes the header that comes before the output.
func writeShardHeader(w io.Writer, h shardHeader) error {
	var err error
	if h.format == primeio.JSON {
		_, err = fmt.Fprintf(w, `%s%s","job":"%s","print":"%s","output":`, shardJSONPrefix, h.spec, h.job, h.mode)
	} else {
		_, err = fmt.Fprintf(w, "%s%s job %s print %s format %s\n", shardTextPrefix, h.spec, h.job, h.mode, h.format)
	}
	return err
}

// writeShardTrailer writes what closes the header, after the output.
func writeShardTrailer(w io.Writer, h shardHeader) error {
	if h.format != primeio.JSON {
		return nil
	}
	_, err := io.WriteString(w, shardJSONSuffix)
	return err
}

// parseShardHeader reads the header at the start of head, and returns it
// with its length.
func parseShardHeader(head []byte) (shardHeader, int, error) {
	var h shardHeader
	m := shardTextHeader().FindSubmatch(head)
	h.format = primeio.Format("")
	if m == nil {
		if m = shardJSONHeader().FindSubmatch(head); m == nil {
			return h, 0, fmt.Errorf("not a shard file of corescale prime --shard: it starts with neither %q nor %q", shardTextPrefix+"K/N job ...", shardJSONPrefix+`K/N",...`)
		}
		h.format = primeio.JSON
	} else {
		h.format = primeio.Format(m[4])
	}
	spec, err := shard.Parse(string(m[1]))
	if err != nil {
		return h, 0, fmt.Errorf("shard %w", err)
	}
	h.spec, h.job, h.mode = spec, string(m[2]), primeio.Mode(m[3])
	return h, len(m[0]), nil
}

// shardFile is one file to merge: its header, and where the output it
// holds lies in it.
type shardFile struct {
	name     string
	f        *os.File
	fi       os.FileInfo
	h        shardHeader
	off, len int64 // the output, between the header and its closing
}

func mergeAction(c *cli.Context) error {
	names := c.Args().Slice()
	if len(names) == 0 {
		return usageErrorf("no shard files to merge (see corescale merge --help)")
	}
	outPath := c.String("output")
	toStdout := outPath == "" || outPath == "-"
	if head, err := readHead(names[0]); err == nil && isBenchReport(head) {
		return mergeTo(c, names, func(w io.Writer) error { return mergeBench(names, w) })
	}
	files := make([]*shardFile, 0, len(names))
	defer func() {
		for _, sf := range files {
			sf.f.Close()
		}
	}()
	for _, name := range names {
		sf, err := openShard(name)
		if err != nil {
			return err
		}
		files = append(files, sf)
	}
	byShard, err := wholeJob(files)
	if err != nil {
		return err
	}
	if !toStdout {
		if ofi, err := os.Stat(outPath); err == nil && ofi.Mode().IsRegular() {
			for _, sf := range files {
				if os.SameFile(ofi, sf.fi) {
					return usageErrorf("--output %s would overwrite the shard file %s: write to another file", outPath, sf.name)
				}
			}
		}
	}
	if c.Bool("verbose") {
		for _, sf := range byShard {
			fmt.Fprintf(c.App.ErrWriter, "corescale: %s: shard %s of job %s\n", quote.Name(sf.name), sf.h.spec, sf.h.job)
		}
	}
	// Counts are read, and every file's output checked for the form its
	// header promises, before anything is written.
	first := byShard[0].h
	var sum *big.Int
	if first.mode == primeio.Count {
		if sum, err = sumCounts(byShard); err != nil {
			return err
		}
	} else {
		for _, sf := range byShard {
			if err := sf.checkList(); err != nil {
				return err
			}
		}
	}
	var out io.Writer = namedWriter{c.App.Writer, "stdout"}
	var file *atomicfile.File
	if !toStdout {
		if file, err = createOutput("output", outPath); err != nil {
			return err
		}
		defer file.Abort()
		out = file
	}
	bw := bufio.NewWriterSize(out, 64<<10)
	if sum != nil {
		err = writeCount(bw, first.format, sum)
	} else {
		err = concatLists(bw, first.format, byShard)
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return err
	}
	if file != nil {
		return file.Commit()
	}
	return nil
}

// openShard opens a shard file and reads its header.
func openShard(name string) (*shardFile, error) {
	q := quote.Name(name)
	f, err := os.Open(name)
	if err != nil {
		return nil, &usageError{err}
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = usageErrorf("%s: not a regular file (merge reads shard files)", q)
	}
	var head []byte
	if err == nil {
		head = make([]byte, min(fi.Size(), 512))
		if _, err = f.ReadAt(head, 0); err != nil {
			err = fmt.Errorf("read %s: %w", q, err)
		}
	}
	var h shardHeader
	var n int
	if err == nil {
		if h, n, err = parseShardHeader(head); err != nil {
			err = usageErrorf("%s: %w", q, err)
		}
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	sf := &shardFile{name: name, f: f, fi: fi, h: h, off: int64(n), len: fi.Size() - int64(n)}
	if h.format == primeio.JSON {
		var tail [len(shardJSONSuffix)]byte
		if sf.len < int64(len(tail)) {
			f.Close()
			return nil, usageErrorf("%s: shard %s is cut short: no closing %q", q, h.spec, shardJSONSuffix)
		}
		if _, err := f.ReadAt(tail[:], fi.Size()-int64(len(tail))); err != nil || string(tail[:]) != shardJSONSuffix {
			f.Close()
			return nil, usageErrorf("%s: shard %s is cut short: no closing %q", q, h.spec, shardJSONSuffix)
		}
		sf.len -= int64(len(tail))
	}
	return sf, nil
}

// wholeJob checks that the files are the shards 0 to N-1 of one job, each
// once, and returns them in shard order.
func wholeJob(files []*shardFile) ([]*shardFile, error) {
	first := files[0]
	byShard := make([]*shardFile, first.h.spec.N)
	for _, sf := range files {
		h, q := sf.h, quote.Name(sf.name)
		switch {
		case h.job != first.h.job || h.spec.N != first.h.spec.N:
			return nil, usageErrorf("%s: shard %s of job %s, but %s is shard %s of job %s: not one job (another source of numbers, --print, --format or number of shards)",
				q, h.spec, h.job, quote.Name(first.name), first.h.spec, first.h.job)
		case h.mode != first.h.mode || h.format != first.h.format:
			return nil, usageErrorf("%s: --print %s --format %s, but %s is --print %s --format %s",
				q, h.mode, h.format, quote.Name(first.name), first.h.mode, first.h.format)
		case byShard[h.spec.K] != nil:
			return nil, usageErrorf("%s: shard %s again: %s holds it too", q, h.spec, quote.Name(byShard[h.spec.K].name))
		}
		byShard[h.spec.K] = sf
	}
	var missing []string
	for k, sf := range byShard {
		if sf == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", k, first.h.spec.N))
		}
	}
	if len(missing) > 0 {
		noun := "shard"
		if len(missing) > 1 {
			noun = "shards"
		}
		if len(missing) > 8 {
			missing = append(missing[:8], "...")
		}
		return nil, usageErrorf("%s %s of job %s missing: %d of %d files given (from %s)",
			noun, strings.Join(missing, ", "), first.h.job, len(files), first.h.spec.N, quote.Name(first.name))
	}
	return byShard, nil
}

var countBodies = sync.OnceValue(func() map[primeio.Format]*regexp.Regexp {
	return map[primeio.Format]*regexp.Regexp{
		primeio.Text: regexp.MustCompile(`^(\d+)\n$`),
		primeio.CSV:  regexp.MustCompile(`^count\n(\d+)\n$`),
		primeio.JSON: regexp.MustCompile(`^\{"count":(\d+)\}\n$`),
	}
})

// sumCounts adds the counts of the shards.
func sumCounts(files []*shardFile) (*big.Int, error) {
	sum := new(big.Int)
	for _, sf := range files {
		body := make([]byte, min(sf.len, 128))
		if _, err := sf.f.ReadAt(body, sf.off); err != nil && err != io.EOF {
			return nil, fmt.Errorf("read %s: %w", quote.Name(sf.name), err)
		}
		m := countBodies()[sf.h.format].FindSubmatch(body)
		if m == nil || sf.len > 128 {
			return nil, usageErrorf("%s: shard %s holds no count of --format %s after its header", quote.Name(sf.name), sf.h.spec, sf.h.format)
		}
		n, _ := new(big.Int).SetString(string(m[1]), 10)
		sum.Add(sum, n)
	}
	return sum, nil
}

func writeCount(w io.Writer, format primeio.Format, n *big.Int) error {
	var err error
	switch format {
	case primeio.Text:
		_, err = fmt.Fprintf(w, "%s\n", n)
	case primeio.CSV:
		_, err = fmt.Fprintf(w, "count\n%s\n", n)
	case primeio.JSON:
		_, err = fmt.Fprintf(w, "{\"count\":%s}\n", n)
	}
	return err
}

// The pieces of a list that merging takes apart.
const (
	csvHeader = "n,prime\n"
	jsonOpen  = "[\n"
	jsonClose = "\n]\n"
	jsonEmpty = "[]\n"
)

// checkList checks that the output holds a whole list of its format: it
// reads only its ends.
func (sf *shardFile) checkList() error {
	end := func(off, n int64) string {
		if n > sf.len || n < 0 {
			return ""
		}
		b := make([]byte, n)
		if _, err := sf.f.ReadAt(b, sf.off+off); err != nil {
			return ""
		}
		return string(b)
	}
	ok := false
	switch sf.h.format {
	case primeio.Text:
		ok = sf.len == 0 || end(sf.len-1, 1) == "\n"
	case primeio.CSV:
		ok = end(0, int64(len(csvHeader))) == csvHeader && (sf.len == int64(len(csvHeader)) || end(sf.len-1, 1) == "\n")
	case primeio.JSON:
		ok = sf.len == int64(len(jsonEmpty)) && end(0, sf.len) == jsonEmpty ||
			sf.len > int64(len(jsonOpen)+len(jsonClose)) && end(0, int64(len(jsonOpen))) == jsonOpen && end(sf.len-int64(len(jsonClose)), int64(len(jsonClose))) == jsonClose
	}
	if !ok {
		return usageErrorf("%s: shard %s does not hold a whole --print %s --format %s list after its header (cut short, or edited?)", quote.Name(sf.name), sf.h.spec, sf.h.mode, sf.h.format)
	}
	return nil
}

// concatLists writes the lists of the shards, in order, as one list.
func concatLists(w io.Writer, format primeio.Format, files []*shardFile) error {
	copyPart := func(sf *shardFile, off, n int64) error {
		got, err := io.Copy(w, io.NewSectionReader(sf.f, sf.off+off, n))
		switch {
		case err != nil:
			return err
		case got != n:
			return fmt.Errorf("%s changed while it was merged", quote.Name(sf.name))
		}
		return nil
	}
	rows := 0
	for _, sf := range files {
		var err error
		switch format {
		case primeio.Text:
			err = copyPart(sf, 0, sf.len)
		case primeio.CSV:
			if rows == 0 {
				_, err = io.WriteString(w, csvHeader)
			}
			rows++
			if err == nil {
				err = copyPart(sf, int64(len(csvHeader)), sf.len-int64(len(csvHeader)))
			}
		case primeio.JSON:
			if sf.len == int64(len(jsonEmpty)) {
				continue
			}
			sep := ",\n"
			if rows == 0 {
				sep = jsonOpen
			}
			rows++
			if _, err = io.WriteString(w, sep); err == nil {
				err = copyPart(sf, int64(len(jsonOpen)), sf.len-int64(len(jsonOpen)+len(jsonClose)))
			}
		}
		if err != nil {
			return err
		}
	}
	var err error
	switch {
	case format == primeio.JSON && rows == 0:
		_, err = io.WriteString(w, jsonEmpty)
	case format == primeio.JSON:
		_, err = io.WriteString(w, jsonClose)
	}
	return err
}

// readHead returns the first bytes of a file.
func readHead(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, err := io.ReadFull(f, head)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return head[:n], err
}

// mergeTo runs merge, which writes nothing until it has read and checked
// every input, into --output, all or nothing, or stdout.
func mergeTo(c *cli.Context, inputs []string, merge func(io.Writer) error) error {
	outPath := c.String("output")
	if outPath == "" || outPath == "-" {
		return merge(namedWriter{c.App.Writer, "stdout"})
	}
	if ofi, err := os.Stat(outPath); err == nil && ofi.Mode().IsRegular() {
		for _, in := range inputs {
			if ifi, err := os.Stat(in); err == nil && os.SameFile(ofi, ifi) {
				return usageErrorf("--output %s would overwrite the input %s: write to another file", outPath, in)
			}
		}
	}
	file, err := createOutput("output", outPath)
	if err != nil {
		return err
	}
	defer file.Abort()
	if err := merge(file); err != nil {
		return err
	}
	return file.Commit()
}
