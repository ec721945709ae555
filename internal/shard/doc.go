// Package shard splits one job into N disjoint, deterministic shares, so
// that N tasks of a cluster engine (Slurm job arrays, Kubernetes Indexed
// Jobs) each take shard K of N and together do the whole job exactly once:
// a count into contiguous parts (Part), a range of integers of any size
// into contiguous sub-ranges of about equal expected work (Range), a file
// of lines into byte blocks that start at line starts (Lines), a sorted
// list of weighted items such as images by their pixels (Weighted). Every
// split is computed in integers, so every task on every machine and
// architecture computes the same boundaries. Skip jumps a PCG generator of
// math/rand/v2 ahead by any number of draws in O(log n) steps, so shard K of
// a seeded random batch draws its own part of the single run's sequence
// without drawing the part before it.
//
// It imports nothing of corescale (its layer would allow internal/numbers
// and the root, and it must not import anything above them): the command
// and the harness call it.
package shard
