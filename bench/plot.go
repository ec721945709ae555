package bench

import (
	"errors"
	"fmt"
	"github.com/corescale/corescale"
	"image/color"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

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
	for _, name := range r.Config.Workloads {
		for _, kind := range []struct {
			prefix string
			make   func(string) (*plot.Plot, error)
		}{{"speedup-", r.speedupPlot}, {"throughput-", r.throughputPlot}} {
			p, err := kind.make(name)
			if err != nil {
				errs = append(errs, fmt.Errorf("plot of %s: %w", name, err))
				continue
			}
			if p == nil {
				continue
			}
			f := filepath.Join(dir, kind.prefix+name+".png")
			if err := savePNG(p, f); err != nil {
				errs = append(errs, err)
				continue
			}
			files = append(files, f)
		}
	}
	return files, errors.Join(errs...)
}

func savePNG(p *plot.Plot, path string) error {
	wt, err := p.WriterTo(16*vg.Centimeter, 11*vg.Centimeter, "png")
	if err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("plot: %w", err)
	}
	defer f.Abort()
	if _, err := wt.WriteTo(f); err != nil {
		return fmt.Errorf("plot %s: %w", path, err)
	}
	return f.Commit()
}

// speedupPlot is nil when the workload has no parallel sweep.
func (r *Report) speedupPlot(name string) (*plot.Plot, error) {
	var pts plotter.XYs
	var gpu *float64
	for _, res := range r.Results {
		if res.Workload != name || res.Speedup == nil {
			continue
		}
		switch res.Backend {
		case corescale.Parallel:
			pts = append(pts, plotter.XY{X: float64(res.Workers), Y: *res.Speedup})
		case corescale.GPU:
			gpu = res.Speedup
		}
	}
	if len(pts) == 0 {
		return nil, nil
	}
	maxP := 1.0
	for _, p := range pts {
		maxP = max(maxP, p.X)
	}
	maxP = max(maxP, 2)
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: speedup against workers (%s)", name, r.Machine.CPU)
	p.X.Label.Text = "workers (goroutines)"
	p.Y.Label.Text = "speedup over serial"
	p.X.Min, p.X.Max, p.Y.Min = 0, maxP+0.5, 0
	p.Add(plotter.NewGrid())

	ideal := plotter.NewFunction(func(x float64) float64 { return x })
	ideal.Dashes = []vg.Length{vg.Points(4), vg.Points(4)}
	ideal.Color = color.Gray{128}
	ideal.XMin, ideal.XMax = 0, maxP+0.5
	p.Add(ideal)
	p.Legend.Add("ideal (S = p)", ideal)

	for _, s := range r.Scaling {
		if s.Workload != name {
			continue
		}
		f := s.SerialFraction
		curve := plotter.NewFunction(func(x float64) float64 { return stats.Amdahl(f, x) })
		curve.XMin, curve.XMax = 1, maxP+0.5
		curve.Color = color.RGBA{R: 200, G: 60, B: 40, A: 255}
		curve.Width = vg.Points(1.5)
		p.Add(curve)
		p.Legend.Add(fmt.Sprintf("Amdahl fit, f = %.3f", f), curve)
	}
	line, sc, err := plotter.NewLinePoints(pts)
	if err != nil {
		return nil, err
	}
	line.Color = color.RGBA{B: 200, A: 255}
	sc.Color = line.Color
	sc.Shape = draw.CircleGlyph{}
	sc.Radius = vg.Points(3)
	p.Add(line, sc)
	p.Legend.Add("measured (parallel)", line, sc)
	if gpu != nil {
		g := *gpu
		gl := plotter.NewFunction(func(float64) float64 { return g })
		gl.Color = color.RGBA{G: 150, A: 255}
		gl.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
		p.Add(gl)
		p.Legend.Add(fmt.Sprintf("gpu (%.2f×)", g), gl)
		p.Y.Max = max(p.Y.Max, g*1.1)
	}
	p.Y.Max = max(p.Y.Max, maxP+0.5)
	p.Legend.Top, p.Legend.Left = true, true
	return p, nil
}

// throughputPlot is nil when no backend was timed on the workload.
func (r *Report) throughputPlot(name string) (*plot.Plot, error) {
	var vals plotter.Values
	var labels []string
	unit := ""
	for _, res := range r.Results {
		if res.Workload != name || res.Wall == nil || res.Emulated {
			continue
		}
		v := res.Throughput
		if res.Unit == "numbers" {
			v /= 1e6
			unit = "million numbers/s"
		} else {
			unit = res.Unit + "/s"
		}
		vals = append(vals, v)
		labels = append(labels, rowLabel(res))
	}
	if len(vals) == 0 {
		return nil, nil
	}
	p := plot.New()
	p.Title.Text = name + ": throughput per backend"
	p.Y.Label.Text = unit
	p.Y.Min = 0
	top := 0.0
	for _, v := range vals {
		top = max(top, v)
	}
	p.Y.Max = top * 1.1
	bars, err := plotter.NewBarChart(vals, vg.Points(28))
	if err != nil {
		return nil, err
	}
	bars.Color = color.RGBA{R: 70, G: 110, B: 180, A: 255}
	bars.LineStyle.Width = 0
	p.Add(plotter.NewGrid(), bars)
	p.NominalX(labels...)
	return p, nil
}
