//go:build race

package imagefile

// The race detector changes what some code allocates (bytes.Buffer's
// growth is not fused with its copy), so allocation counts are not
// compared under it.
func init() { raceEnabled = true }
