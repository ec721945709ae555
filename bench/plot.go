package bench

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/corescale/corescale"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"

	"github.com/corescale/corescale/bench/chart"
	"github.com/corescale/corescale/bench/stats"
	"github.com/corescale/corescale/internal/atomicfile"
)

// WritePlots writes PNGs into dir (made if missing) and returns their paths:
// per workload, speedup-WORKLOAD.png (measured speedup against workers, the
// ideal line and the fitted Amdahl curve) and throughput-WORKLOAD.png (a bar
// per backend). Emulated backends are left out. A plot that fails does not
// stop the others: the error joins every failure, and the paths are those
// written.
func (r *Report) WritePlots(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("plots: %w", err)
	}
	var files []string
	var errs []error
	type chartFile struct {
		prefix string
		chart  interface{ Draw() (*image.RGBA, error) }
	}
	for _, name := range r.Config.Workloads {
		var charts []chartFile
		if c := r.speedupChart(name); c != nil {
			charts = append(charts, chartFile{"speedup-", c})
		}
		if c := r.throughputChart(name); c != nil {
			charts = append(charts, chartFile{"throughput-", c})
		}
		for _, c := range charts {
			img, err := c.chart.Draw()
			if err != nil {
				errs = append(errs, fmt.Errorf("plot of %s: %w", name, err))
				continue
			}
			f := filepath.Join(dir, c.prefix+name+".png")
			if err := savePNG(img, f); err != nil {
				errs = append(errs, err)
				continue
			}
			files = append(files, f)
		}
	}
	return files, errors.Join(errs...)
}

func savePNG(img image.Image, path string) error {
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	defer f.Abort()
	if err := png.Encode(f, img); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return f.Commit()
}

// Colours of the charts' lines.
var (
	idealColour    = color.RGBA{R: 128, G: 128, B: 128, A: 255}
	amdahlColour   = color.RGBA{R: 200, G: 60, B: 40, A: 255}
	measuredColour = color.RGBA{B: 200, A: 255}
	gpuColour      = color.RGBA{G: 150, A: 255}
	barColour      = color.RGBA{R: 70, G: 110, B: 180, A: 255}
)

// amdahlSamples is how many points draw the Amdahl curve: enough that its
// chords are shorter than a few pixels.
const amdahlSamples = 64

// speedupChart is nil when the workload has no parallel sweep.
func (r *Report) speedupChart(name string) *chart.Lines {
	var pts []chart.Point
	var gpu *Result
	for _, res := range r.Results {
		if res.Workload != name || res.Speedup == nil {
			continue
		}
		switch res.Backend {
		case corescale.Parallel:
			pts = append(pts, chart.Point{X: float64(res.Workers), Y: *res.Speedup})
		case corescale.GPU:
			// The row of every GPU is the headline; the rows of fewer
			// devices are in the tables.
			if gpu == nil || res.GPUs >= gpu.GPUs {
				gpu = &res
			}
		}
	}
	if len(pts) == 0 {
		return nil
	}
	slices.SortStableFunc(pts, func(a, b chart.Point) int { return cmp.Compare(a.X, b.X) })
	maxP, maxS := 2.0, 0.0
	for _, p := range pts {
		maxP, maxS = max(maxP, p.X), max(maxS, p.Y)
	}
	xMax := maxP + 0.5
	// Speedups above the workers' count (caches) and the GPU's get room
	// above them too, not to be cut off the top.
	yMax := max(xMax, 1.1*maxS)
	if gpu != nil {
		gpuSpeedup := *gpu.Speedup
		yMax = max(yMax, 1.1*gpuSpeedup)
	}
	c := chart.Lines{
		Title:  fmt.Sprintf("%s: speedup against workers (%s)", name, r.Machine.CPU),
		XLabel: "workers (goroutines)",
		YLabel: "speedup over serial",
		X:      chart.Range{Min: 0, Max: xMax, Whole: true},
		Y:      chart.Range{Min: 0, Max: yMax},
	}
	c.Series = append(c.Series, chart.Series{Label: "ideal (S = p)", Points: []chart.Point{{X: 0, Y: 0}, {X: xMax, Y: xMax}},
		Colour: idealColour, Width: 1, Dash: []float64{5, 5}})
	for _, s := range r.Scaling {
		if s.Workload != name {
			continue
		}
		f := s.SerialFraction
		end := xMax
		if f < 0 {
			// Faster than linear, the law's speedup grows without bound
			// to a pole at (1−f)/(−f) workers, and is negative past it:
			// the curve ends where it leaves the top of the axes (a
			// little above, for its end to be cut off), before the pole.
			above := 1.2 * yMax
			end = min(end, (1-f)/(1/above-f))
		}
		curve := make([]chart.Point, amdahlSamples+1)
		for i := range curve {
			x := 1 + (end-1)*float64(i)/amdahlSamples
			curve[i] = chart.Point{X: x, Y: stats.Amdahl(f, x)}
		}
		c.Series = append(c.Series, chart.Series{Label: fmt.Sprintf("Amdahl fit, f = %.3f", f), Points: curve,
			Colour: amdahlColour, Width: 2})
	}
	c.Series = append(c.Series, chart.Series{Label: "measured (parallel)", Points: pts, Colour: measuredColour, Width: 1.5, Dot: 4})
	if gpu != nil {
		g := *gpu.Speedup
		c.Series = append(c.Series, chart.Series{Label: fmt.Sprintf("%s (%.2f×)", rowLabel(*gpu), g),
			Points: []chart.Point{{X: 0, Y: g}, {X: xMax, Y: g}}, Colour: gpuColour, Width: 1.5, Dash: []float64{3, 3}})
	}
	return &c
}

// throughputChart is nil when no backend was timed on the workload.
func (r *Report) throughputChart(name string) *chart.Bars {
	c := chart.Bars{Title: name + ": throughput per backend", Colour: barColour}
	for _, res := range r.Results {
		if res.Workload != name || res.Wall == nil || res.Emulated {
			continue
		}
		v := res.Throughput
		if res.Unit == "numbers" {
			v /= 1e6
			c.YLabel = "million numbers/s"
		} else {
			c.YLabel = res.Unit + "/s"
		}
		c.Values = append(c.Values, v)
		c.Labels = append(c.Labels, rowLabel(res))
	}
	if len(c.Values) == 0 {
		return nil
	}
	return &c
}
