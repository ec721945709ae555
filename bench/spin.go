package bench

import "sync"

// The spin workload probes the host rather than corescale: a fixed set of
// independent chains of multiplications, split over the workers, with no
// memory traffic and nothing shared between them. Its speedup is what the
// machine gives the process at that moment — the worker count on whole,
// idle cores — and so the ceiling to read every other row's speedup
// against. On a shared virtual machine it is often less: virtual CPUs that
// are hyperthreads of one core, or cores that other guests keep busy.

// spinChains is how many independent chains a run computes; the workers
// take them in equal blocks.
const spinChains = 64

// spinChain runs steps of a 64-bit linear congruential generator from seed:
// a multiply and an add, each depending on the last.
func spinChain(seed uint64, steps int) uint64 {
	x := seed
	for range steps {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

// spin sets out[i] to chain i after steps steps, on workers goroutines.
func spin(out []uint64, steps, workers int) {
	per := (len(out) + workers - 1) / workers
	var wg sync.WaitGroup
	for start := 0; start < len(out); start += per {
		block := out[start:min(start+per, len(out))]
		wg.Go(func() {
			for i := range block {
				block[i] = spinChain(uint64(start+i), steps)
			}
		})
	}
	wg.Wait()
}
