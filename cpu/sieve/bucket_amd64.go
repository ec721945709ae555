//go:build amd64 && !purego

package sieve

// pushRoundAsm is pushRoundGo in assembly.
//
//go:noescape
func pushRoundAsm(r *pushArgs) (i, kept int, full uint32)

func pushRound(r *pushArgs) (int, int, uint32) { return pushRoundAsm(r) }
