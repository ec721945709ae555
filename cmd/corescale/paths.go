package main

import (
	"errors"
	"fmt"
	"runtime"

	"github.com/corescale/corescale"
	"github.com/corescale/corescale/gpu"
	"github.com/corescale/corescale/internal/backend"
	"github.com/urfave/cli/v2"
)

// pathFlags are the flags that choose the compute path, the same on every
// command that computes: --backend, --workers and --verbose. workers and
// verbose say what those mean for the command.
func pathFlags(category, workers, verbose string) []cli.Flag {
	cores := runtime.GOMAXPROCS(0)
	return []cli.Flag{
		&cli.StringFlag{Name: "backend", Aliases: []string{"b"}, Category: category, Value: string(corescale.Auto), Usage: "compute `PATH`: auto, serial, parallel, gpu, or gpu-emu (the GPU code on the host, for development)"},
		&cli.IntFlag{Name: "workers", Aliases: []string{"w"}, Category: category, Value: cores, Usage: "`N` " + workers, DefaultText: fmt.Sprintf("all %d cores", cores)},
		&cli.BoolFlag{Name: "verbose", Category: category, Usage: verbose},
	}
}

// backendRequest reads --backend and --workers; bad ones are usage errors.
func backendRequest(c *cli.Context) (backend.Request, error) {
	name, err := corescale.ParseBackend(c.String("backend"))
	if err != nil {
		return backend.Request{}, &usageError{fmt.Errorf("--backend: %w", err)}
	}
	workers := c.Int("workers")
	if workers < 1 {
		return backend.Request{}, usageErrorf("--workers %d: want 1 or more", workers)
	}
	return backend.Request{Backend: name, Workers: workers}, nil
}

// choose chooses the path req asks for. A GPU backend for a job that
// needs the CPU is a usage error; no usable GPU for --backend gpu is a
// failure of the machine.
func choose(req backend.Request) (backend.Choice, error) {
	choice, err := backend.Choose(req)
	switch {
	case errors.Is(err, backend.ErrCPUOnly):
		return choice, usageErrorf("--backend %s: %w", req.Backend, err)
	case errors.Is(err, gpu.ErrUnavailable):
		return choice, fmt.Errorf("--backend %s: %w; use --backend parallel, or auto, which falls back to it", req.Backend, err)
	case err != nil:
		return choice, fmt.Errorf("--backend %s: %w", req.Backend, err)
	}
	return choice, nil
}

// chooseBackend reads --backend and --workers and chooses the path for
// job.
func chooseBackend(c *cli.Context, job backend.Job) (backend.Choice, error) {
	req, err := backendRequest(c)
	if err != nil {
		return backend.Choice{}, err
	}
	req.Job = job
	return choose(req)
}
