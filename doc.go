// Package corescale holds the few types that every compute path shares: the
// names of the backends and the batch interfaces that the serial, parallel
// and GPU engines implement.
//
// The engines themselves live in the folders that name them: cpu/prime for
// primality on the CPU, gpu for the CUDA path, bench for the harness and
// cmd/corescale for the command-line tool.
package corescale
