// Package quote shows names (file paths, mostly) in messages so that they
// print as themselves: as they are when they can, quoted when they hold
// what a terminal would act on or reorder.
//
// It imports nothing of corescale: the command and the batch pipeline both
// print names through it.
package quote
