// Package workload makes the inputs that the benchmarks and the harness time:
// numbers and, later, images, all generated from a seed so that every run and
// every machine sees the same work.
package workload
