//go:build race

package sieve

// raceEnabled: the race detector slows the sieve ~10x, so the long checks
// stay to the ordinary run.
const raceEnabled = true
