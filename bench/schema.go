package bench

import (
	"encoding/json"
	"github.com/corescale/corescale"
	"io"
	"time"

	"github.com/corescale/corescale/bench/stats"
)

// SchemaVersion names the layout of Report's JSON.
const SchemaVersion = "corescale-bench/1"

// Report is the outcome of a Run, and the JSON document --json writes.
type Report struct {
	Schema  string     `json:"schema"`
	Started time.Time  `json:"started"`
	Elapsed float64    `json:"elapsed_s"`
	Machine Machine    `json:"machine"`
	Config  ConfigInfo `json:"config"`
	Results []Result   `json:"results"`
	Scaling []Scaling  `json:"scaling"`
}

// Machine names what the run was measured on.
type Machine struct {
	CPU        string `json:"cpu"`
	Cores      int    `json:"cores"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	Go         string `json:"go"`
	OS         string `json:"os"`
	Arch       string `json:"arch"`
	// GPU describes the GPU (name, compute capability, driver); when
	// there is none, GPUReason says why.
	GPU       string `json:"gpu,omitempty"`
	GPUReason string `json:"gpu_reason,omitempty"`
}

// ConfigInfo is the configuration of a run as reported.
type ConfigInfo struct {
	Size      string   `json:"size"`
	Seed      uint64   `json:"seed"`
	Repeat    int      `json:"repeat"`
	MinTime   float64  `json:"min_time_s"`
	Workloads []string `json:"workloads"`
	Backends  []string `json:"backends"`
}

// Status of a result.
const (
	StatusOK       = "ok"
	StatusMismatch = "mismatch" // results differ from the serial engine's: not timed
	StatusError    = "error"    // the backend failed
	StatusSkipped  = "skipped"  // the backend cannot run this workload
)

// Result is one workload on one backend.
type Result struct {
	Workload    string            `json:"workload"`
	Kind        string            `json:"kind"`
	Unit        string            `json:"unit"`
	UnitsPerRun float64           `json:"units_per_run"`
	Backend     corescale.Backend `json:"backend"`
	Label       string            `json:"label"`
	Workers     int               `json:"workers"`
	Emulated    bool              `json:"emulated"`
	Status      string            `json:"status"`
	Error       string            `json:"error,omitempty"`

	Repeats    int                `json:"repeats"`
	Wall       *Stats             `json:"wall_s,omitempty"`
	CPU        *Stats             `json:"cpu_s,omitempty"`
	Throughput float64            `json:"throughput,omitempty"`
	Speedup    *float64           `json:"speedup,omitempty"`
	Efficiency *float64           `json:"efficiency,omitempty"`
	KarpFlatt  *float64           `json:"karp_flatt,omitempty"`
	Phases     map[string]float64 `json:"phases_s,omitempty"`
}

// Stats summarises a sample of times, in seconds.
type Stats struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	SD     float64 `json:"sd"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

func statsOf(s stats.Summary) *Stats {
	return &Stats{N: s.N, Median: s.Median, Min: s.Min, Max: s.Max, Mean: s.Mean, SD: s.SD, CILow: s.CILow, CIHigh: s.CIHigh}
}

// Scaling is the Amdahl fit of one workload over the parallel sweep.
type Scaling struct {
	Workload string `json:"workload"`
	// Baseline is the backend the speedups are against: serial, or
	// parallel at one worker when serial was not run.
	Baseline       string   `json:"baseline"`
	SerialFraction float64  `json:"serial_fraction"`
	Residual       float64  `json:"residual"`
	Points         int      `json:"points"`
	MaxSpeedup     *float64 `json:"max_speedup,omitempty"`
}

// WriteJSON writes r as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// Failed reports whether any backend failed or mismatched.
func (r *Report) Failed() bool {
	for _, res := range r.Results {
		if res.Status == StatusMismatch || res.Status == StatusError {
			return true
		}
	}
	return false
}
