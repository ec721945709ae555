package bench

import (
	"encoding/csv"
	"fmt"
	"github.com/corescale/corescale"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
)

// Columns of the table, Markdown and CSV.
var tableHeader = []string{"workload", "backend", "workers", "median", "±95%", "min", "max", "sd",
	"cpu/wall", "throughput", "speedup", "efficiency", "karp-flatt", "status"}

// rows formats the results for the table and Markdown.
func (r *Report) rows() [][]string {
	var rows [][]string
	for _, res := range r.Results {
		row := []string{res.Workload, res.Label, workersCell(res)}
		if res.Wall == nil {
			row = append(row, "", "", "", "", "", "", "", "", "", "", statusCell(res))
			rows = append(rows, row)
			continue
		}
		w := res.Wall
		cpu := "n/a"
		if res.CPU != nil && w.Median > 0 {
			cpu = fmt.Sprintf("%.2f", res.CPU.Median/w.Median)
		}
		row = append(row, dur(w.Median), dur((w.CIHigh-w.CILow)/2), dur(w.Min), dur(w.Max), dur(w.SD), cpu,
			throughput(res.Throughput, res.Unit), opt(res.Speedup, "%.2f×"), opt(res.Efficiency, "%.0f%%", 100),
			opt(res.KarpFlatt, "%.3f"), statusCell(res))
		rows = append(rows, row)
	}
	return rows
}

func workersCell(res Result) string {
	if res.Workers == 0 {
		return "-"
	}
	return strconv.Itoa(res.Workers)
}

func statusCell(res Result) string {
	if res.Status == StatusOK {
		return "ok"
	}
	return res.Status
}

// dur formats seconds with a unit that keeps three or four digits.
func dur(s float64) string {
	switch {
	case s >= 1:
		return fmt.Sprintf("%.3fs", s)
	case s >= 1e-3:
		return fmt.Sprintf("%.2fms", s*1e3)
	default:
		return fmt.Sprintf("%.1fµs", s*1e6)
	}
}

func throughput(v float64, unit string) string {
	switch unit {
	case "megapixels":
		return fmt.Sprintf("%.1f MP/s", v)
	case "numbers":
		return fmt.Sprintf("%.2f M/s", v/1e6)
	case "steps":
		return fmt.Sprintf("%.2f G steps/s", v/1e9)
	}
	return fmt.Sprintf("%.3g %s/s", v, unit)
}

// opt formats an optional value, scaled by the optional factor.
func opt(v *float64, format string, scale ...float64) string {
	if v == nil {
		return "-"
	}
	x := *v
	for _, s := range scale {
		x *= s
	}
	return fmt.Sprintf(format, x)
}

// header describes the machine and the method.
func (r *Report) header() []string {
	m := r.Machine
	lines := []string{
		fmt.Sprintf("corescale bench: %s, %d cores, GOMAXPROCS %d, %s %s/%s", m.CPU, m.Cores, m.GOMAXPROCS, m.Go, m.OS, m.Arch),
	}
	if m.GPU != "" {
		lines = append(lines, "GPU: "+m.GPU)
	} else {
		lines = append(lines, "GPU: none: "+m.GPUReason)
	}
	lines = append(lines, fmt.Sprintf("size %s, seed %d, at least %d timed runs and %gs per row, interleaved in rounds, after a check and a warm-up run; times are wall clock per run",
		r.Config.Size, r.Config.Seed, r.Config.Repeat, r.Config.MinTime))
	return lines
}

// WriteTable writes the aligned table: header, results, scaling, failures.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	for _, l := range r.header() {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.ToUpper(strings.Join(tableHeader, "\t")))
	for _, row := range r.rows() {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	tw.Flush()
	if probe := r.hostCeiling(); probe != "" {
		b.WriteString("\nHost probe: spin, pure computation with nothing shared, ran " + probe +
			":\nwhat this machine gives now, the ceiling for the other speedups.\n")
	}
	if len(r.Scaling) > 0 {
		b.WriteString("\nScaling over the parallel sweep (Amdahl's law fitted by least squares; Karp–Flatt per worker count):\n\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "WORKLOAD\tBASELINE\tSERIAL FRACTION\tRESIDUAL\tPOINTS\tMAX SPEEDUP (1/f)\tKARP-FLATT")
		for _, s := range r.Scaling {
			fmt.Fprintf(tw, "%s\t%s\t%.3f\t%.3g\t%d\t%s\t%s\n", s.Workload, s.Baseline, s.SerialFraction, s.Residual,
				s.Points, opt(s.MaxSpeedup, "%.1f×"), r.karpFlatt(s.Workload))
		}
		tw.Flush()
	}
	if dev := r.deviceRows(); len(dev) > 0 {
		b.WriteString("\nGPU devices (each device's share of a run; kernel-only and with-copies from its own events, end to end over the run's wall time):\n\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(deviceHeader, "\t")))
		for _, row := range dev {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	if sweep := r.gpuSweepRows(); len(sweep) > 0 {
		b.WriteString("\nScaling over GPUs 1…N (speedup over one GPU; none where the driver is emulated):\n\n")
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(gpuSweepHeader, "\t")))
		for _, row := range sweep {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		tw.Flush()
	}
	var fails []string
	for _, res := range r.Results {
		if res.Status != StatusOK {
			fails = append(fails, fmt.Sprintf("  %s on %s: %s: %s", res.Workload, rowLabel(res), res.Status, res.Error))
		}
	}
	if len(fails) > 0 {
		b.WriteString("\nNot timed:\n" + strings.Join(fails, "\n") + "\n")
	}
	fmt.Fprintf(&b, "\nwall time of the whole run: %.1fs\n", r.Elapsed)
	_, err := io.WriteString(w, b.String())
	return err
}

// hostCeiling lists the spin probe's parallel speedups ("1.98× on 2
// workers"), or is empty when it did not run.
func (r *Report) hostCeiling() string {
	var parts []string
	for _, res := range r.Results {
		if res.Workload == Spin && res.Backend == corescale.Parallel && res.Workers > 1 && res.Status == StatusOK && res.Speedup != nil {
			parts = append(parts, fmt.Sprintf("%.2f× on %d workers", *res.Speedup, res.Workers))
		}
	}
	return strings.Join(parts, ", ")
}

func rowLabel(res Result) string {
	if res.Backend == corescale.Parallel {
		return fmt.Sprintf("parallel×%d", res.Workers)
	}
	return res.Label
}

// karpFlatt lists e(p) of the parallel rows of workload name.
func (r *Report) karpFlatt(name string) string {
	type kv struct {
		p int
		e float64
	}
	var l []kv
	for _, res := range r.Results {
		if res.Workload == name && res.Backend == corescale.Parallel && res.KarpFlatt != nil {
			l = append(l, kv{res.Workers, *res.KarpFlatt})
		}
	}
	sort.Slice(l, func(i, j int) bool { return l[i].p < l[j].p })
	var parts []string
	for _, x := range l {
		parts = append(parts, fmt.Sprintf("e(%d)=%.3f", x.p, x.e))
	}
	return strings.Join(parts, " ")
}

// WriteMarkdown writes the header, the results and the scaling as Markdown.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	b.WriteString("# corescale bench\n\n")
	for _, l := range r.header() {
		b.WriteString("- " + l + "\n")
	}
	b.WriteString("\n| " + strings.Join(tableHeader, " | ") + " |\n|")
	for i := range tableHeader {
		if i < 3 || i == len(tableHeader)-1 {
			b.WriteString("---|")
		} else {
			b.WriteString("---:|")
		}
	}
	b.WriteString("\n")
	for _, row := range r.rows() {
		for i := range row {
			row[i] = strings.ReplaceAll(row[i], "|", `\|`)
		}
		b.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	if len(r.Scaling) > 0 {
		b.WriteString("\n## Scaling\n\n| workload | baseline | serial fraction | residual | points | max speedup | Karp–Flatt |\n|---|---|---:|---:|---:|---:|---|\n")
		for _, s := range r.Scaling {
			fmt.Fprintf(&b, "| %s | %s | %.3f | %.3g | %d | %s | %s |\n", s.Workload, s.Baseline, s.SerialFraction,
				s.Residual, s.Points, opt(s.MaxSpeedup, "%.1f×"), r.karpFlatt(s.Workload))
		}
	}
	for _, part := range []struct {
		title  string
		header []string
		rows   [][]string
	}{{"GPU devices", deviceHeader, r.deviceRows()}, {"Scaling over GPUs", gpuSweepHeader, r.gpuSweepRows()}} {
		if len(part.rows) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s\n\n| %s |\n|%s\n", part.title, strings.Join(part.header, " | "), strings.Repeat("---|", len(part.header)))
		for _, row := range part.rows {
			for i := range row {
				row[i] = strings.ReplaceAll(row[i], "|", `\|`)
			}
			b.WriteString("| " + strings.Join(row, " | ") + " |\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// csvHeader is the CSV's first line; times are in seconds, throughput in
// units per second.
var csvHeader = []string{"workload", "kind", "unit", "units_per_run", "backend", "label", "workers", "emulated",
	"status", "repeats", "median_s", "min_s", "max_s", "mean_s", "sd_s", "ci_low_s", "ci_high_s", "cpu_median_s",
	"throughput", "speedup", "efficiency", "karp_flatt", "error"}

// WriteCSV writes one line per result.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	f := func(v float64) string { return strconv.FormatFloat(v, 'g', 6, 64) }
	p := func(v *float64) string {
		if v == nil || math.IsNaN(*v) {
			return ""
		}
		return f(*v)
	}
	for _, res := range r.Results {
		row := []string{res.Workload, res.Kind, res.Unit, f(res.UnitsPerRun), string(res.Backend), res.Label,
			strconv.Itoa(res.Workers), strconv.FormatBool(res.Emulated), res.Status, strconv.Itoa(res.Repeats)}
		if s := res.Wall; s != nil {
			row = append(row, f(s.Median), f(s.Min), f(s.Max), f(s.Mean), f(s.SD), f(s.CILow), f(s.CIHigh))
		} else {
			row = append(row, "", "", "", "", "", "", "")
		}
		cpu := ""
		if res.CPU != nil {
			cpu = f(res.CPU.Median)
		}
		tp := ""
		if res.Wall != nil {
			tp = f(res.Throughput)
		}
		row = append(row, cpu, tp, p(res.Speedup), p(res.Efficiency), p(res.KarpFlatt), res.Error)
		cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

var deviceHeader = []string{"workload", "backend", "device", "share", "chunks/run", "kernel-only", "with copies", "end to end"}

// deviceRows lists each device of every GPU row that has them.
func (r *Report) deviceRows() [][]string {
	var rows [][]string
	for _, res := range r.Results {
		if res.Status != StatusOK || (res.Backend != corescale.GPU && res.Backend != corescale.GPUEmu) {
			continue
		}
		for _, d := range res.Devices {
			share := "-"
			if res.UnitsPerRun > 0 {
				share = fmt.Sprintf("%.0f%%", 100*d.Units/res.UnitsPerRun)
			}
			rows = append(rows, []string{res.Workload, res.Label, strconv.Itoa(d.Device), share, fmt.Sprintf("%.1f", d.Chunks),
				throughput(d.Kernel, res.Unit), throughput(d.WithCopies, res.Unit), throughput(d.EndToEnd, res.Unit)})
		}
	}
	return rows
}

var gpuSweepHeader = []string{"workload", "gpus", "backend", "throughput", "speedup"}

// gpuSweepRows lists the GPUs 1…N sweep of each workload.
func (r *Report) gpuSweepRows() [][]string {
	unit := map[string]string{}
	for _, res := range r.Results {
		unit[res.Workload] = res.Unit
	}
	var rows [][]string
	for _, g := range r.GPUScaling {
		for _, p := range g.Points {
			speedup := opt(p.Speedup, "%.2f×")
			if g.Emulated {
				speedup = "emulated"
			}
			rows = append(rows, []string{g.Workload, strconv.Itoa(p.GPUs), p.Label, throughput(p.Throughput, unit[g.Workload]), speedup})
		}
	}
	return rows
}
