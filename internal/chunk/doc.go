// Package chunk runs a loop over [0, n) on several goroutines, which take
// the next chunk of indices from a shared counter until none is left.
//
// Why chunks from a counter, written once for every engine: fixed shares
// (the first half to one goroutine, the second to another) make the whole
// job wait for its slowest share, and shares are rarely even — a prime
// costs far more than a composite, an image row with more taps more than
// one with fewer, and on a shared machine a goroutine the system wakes a
// millisecond late loses a millisecond. With a counter the others take the
// late one's share meanwhile. Chunks rather than single items keep the
// counter's cost (one atomic add, a cache line moving between cores)
// negligible next to the work of a chunk; many chunks per goroutine keep
// the goroutines finishing within one chunk of each other.
//
// It imports nothing of corescale, so that every engine may use it.
package chunk
