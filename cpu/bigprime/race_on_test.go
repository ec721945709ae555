//go:build race

package bigprime

// raceEnabled: under the race detector sync.Pool drops a quarter of what
// is put in it, so what a batch allocates is not compared.
const raceEnabled = true
