package bench

import (
	"fmt"

	"github.com/corescale/corescale/internal/chunk"
)

// The spin workload probes the host rather than corescale: bundles of
// multiplication chains, taken by the workers one at a time from a shared
// counter, with no memory traffic and nothing shared between them but the
// counter. Its speedup is what the machine gives the process at that
// moment — the worker count on whole, idle cores — and so the ceiling to
// read every other row's speedup against. On a shared virtual machine it is
// often less: virtual CPUs that are hyperthreads of one core, or cores that
// other guests keep busy.
//
// A bundle advances spinWidth independent chains together, enough to keep
// the multiplier busy as the engines do: one chain at a time would leave
// room for a hyperthread sibling and hide the sharing the probe is for.

// spinBundles is how many bundles a run computes: many, so that the workers
// finish within one small bundle of each other for any worker count.
const spinBundles = 1024

// spinWidth is how many chains a bundle advances together.
const spinWidth = 8

// spinBundle advances spinWidth chains of a 64-bit linear congruential
// generator, seeded from seed, by steps steps and folds their states. The
// chains are spelled out so that they stay in registers.
func spinBundle(seed uint64, steps int) uint64 {
	const a, c = 6364136223846793005, 1442695040888963407
	s := seed * spinWidth
	x0, x1, x2, x3, x4, x5, x6, x7 := s, s+1, s+2, s+3, s+4, s+5, s+6, s+7
	for range steps {
		x0, x1, x2, x3 = x0*a+c, x1*a+c, x2*a+c, x3*a+c
		x4, x5, x6, x7 = x4*a+c, x5*a+c, x6*a+c, x7*a+c
	}
	return x0 ^ x1<<1 ^ x2<<2 ^ x3<<3 ^ x4<<4 ^ x5<<5 ^ x6<<6 ^ x7<<7
}

// spin sets out[i] to bundle i after steps steps, on workers goroutines.
func spin(out []uint64, steps, workers int) {
	chunk.Run(len(out), 1, workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = spinBundle(uint64(i), steps)
		}
	})
}

// spinWork is the probe as a workload: it runs on the CPU backends only.
type spinWork struct {
	steps int
	ref   []uint64
}

func (w *spinWork) name() string { return Spin }
func (w *spinWork) kind() string { return "spin" }

func (w *spinWork) prepare(sz Sizes, _ uint64, _ string) (string, float64, error) {
	if sz.SpinSteps <= 0 {
		return "", 0, fmt.Errorf("%d steps per chain: want at least 1", sz.SpinSteps)
	}
	w.steps = sz.SpinSteps
	w.ref = make([]uint64, spinBundles)
	spin(w.ref, w.steps, 1)
	return "steps", float64(spinBundles * spinWidth * w.steps), nil
}

func (w *spinWork) task(b Backend) (*task, error) {
	if b.Workers <= 0 {
		return nil, ErrUnsupported // a probe of the CPU cores
	}
	t := newTask()
	out := make([]uint64, spinBundles)
	t.run = func() error { spin(out, w.steps, b.Workers); return nil }
	t.check = func() error {
		clear(out)
		t.run()
		if bad, first := differences(out, w.ref); bad > 0 {
			return fmt.Errorf("%d of %d bundles differ, first at %d", bad, len(out), first)
		}
		return nil
	}
	return t, nil
}
