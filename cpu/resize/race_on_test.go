//go:build race

package resize

// raceEnabled: the race detector changes what some code allocates, so
// allocation counts are not compared under it.
const raceEnabled = true
