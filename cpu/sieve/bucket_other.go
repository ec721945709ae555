//go:build !amd64 || purego

package sieve

func pushRound(r *pushArgs) (int, int, uint32) { return pushRoundGo(r) }
