// Package bench is corescale's benchmark harness: it times the same batch
// work on the serial, parallel and GPU paths, checks every path's results
// against the serial engine's before timing it, and says how the work scales
// with workers.
//
// # Workloads
//
// Every workload is generated from a seed and held in memory, so parsing and
// decoding are not timed (except in the thumbnail batch, whose point is the
// whole pipeline):
//
//	spin               the host probe: chains of multiplications, no memory
//	                   traffic, nothing shared (spin.go); its speedup is what
//	                   the machine gives now, the ceiling for the others
//	prime-odd64        uniform odd 64-bit numbers (mostly composites)
//	prime-primes64     64-bit primes only (every number takes the full test)
//	prime-u32          uniform numbers below 2^32, even ones included
//	resize-large       a large photo-like chart to a tenth of its side, exact
//	resize-large-fast  the same in fast mode (box pre-reduce, then the filter)
//	resize-small       a small chart to a quarter of its side, exact
//	resize-small-fast  the same in fast mode
//	thumbnail          a folder of JPEGs to thumbnails: decode, resize, encode, write
//
// Sizes come from Small, Medium and Large (SizesFor); tests use their own.
//
// # Backends
//
// A Backend makes engines: serial (one goroutine), parallel at a given number
// of workers, gpu over a gpu.Driver. A backend whose driver is emulated is
// labelled so, timed only to prove it runs, and left out of every speedup and
// fit. Tests inject their own Backend (a wrong one must be caught).
//
// # Method
//
// For each workload and backend: one untimed run whose results are compared
// with the serial engine's (a mismatch is a failure and the backend is not
// timed). Then one untimed warm-up run of each, and the backends are timed
// in rounds until each has both Config.Repeat runs and Config.MinTime of
// timed work. In a round each backend runs back to back about as long as
// the slowest one's single run (its warm-up time sets how many runs), so
// all reach MinTime together; a backend that has its runs goes on with the
// others (up to Config.MaxRepeat), so every round holds each. Interleaved,
// the runs of all backends share whatever the host does meanwhile, so a busy
// minute on a shared machine does not land on one backend and skew the
// ratios. Emulated backends are timed after the rounds, on their own. Each repeat
// records wall time and the process's CPU time (user + system, getrusage).
// The report gives the median, min, max, standard deviation and 95%
// confidence interval of the mean (bench/stats), throughput at the median,
// speedup against the serial median, parallel efficiency and the Karp–Flatt
// metric per worker count, and per workload the Amdahl serial fraction
// fitted over the parallel sweep. On a machine of several GPUs, each GPU row
// gives each device's share and its kernel-only, with-copies and end-to-end
// throughput (from the engine's per-device events), and the rows of the
// first 1, 2, … N GPUs make the GPU sweep beside the core sweep.
//
// # JSON schema
//
// Report.WriteJSON writes a Report (schema "corescale-bench/1"):
//
//	{
//	  "schema": "corescale-bench/1",
//	  "started": RFC 3339 time, "elapsed_s": seconds,
//	  "machine": {"cpu", "cores", "gomaxprocs", "go", "os", "arch", "gpu", "gpu_reason"},
//	  "config": {"size", "seed", "repeat", "min_time_s", "workloads": [...], "backends": [...]},
//	  "results": [{
//	    "workload", "kind" (spin|prime|resize|thumbnail), "unit" (steps|numbers|megapixels),
//	    "units_per_run", "backend", "label", "workers", "emulated",
//	    "status" (ok|mismatch|error|skipped), "error",
//	    "repeats", "wall_s": Stats, "cpu_s": Stats,
//	    "throughput" (units per second at the median wall time),
//	    "speedup", "efficiency", "karp_flatt" (absent when undefined),
//	    "phases_s": {phase: seconds per run},
//	    "gpus" (the devices a GPU row used),
//	    "devices": [{"device", "units_per_run" (its share), "chunks_per_run",
//	                 "kernel_s", "copies_s" (its events' phases, per run),
//	                 "kernel_throughput", "with_copies_throughput",
//	                 "end_to_end_throughput"}]
//	  }],
//	  "scaling": [{"workload", "baseline", "serial_fraction", "residual",
//	               "points", "max_speedup" (absent when unbounded)}],
//	  "gpu_scaling": [{"workload", "emulated", "points": [{"gpus", "label",
//	                   "throughput", "speedup" (over one GPU; absent when emulated)}]}]
//	}
//
// Stats is {"n", "median", "min", "max", "mean", "sd", "ci_low", "ci_high"},
// in seconds. The Go types Report, Result, Stats and Scaling are the schema.
//
// It sits above the engines and internal/backend, which makes them for each
// backend: it must not import cmd/.
package bench
