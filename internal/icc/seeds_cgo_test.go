//go:build cgo

package icc

import "testing"

// generatedSeeds are profiles Little CMS makes: RGB v2 and v4, gray, Lab.
func generatedSeeds(tb testing.TB) [][]byte {
	var seeds [][]byte
	for _, name := range []string{"p3", "p3v2", "adobe", "gray18", "lab", "srgb"} {
		seeds = append(seeds, testProfile(tb, name).Bytes())
	}
	return seeds
}
