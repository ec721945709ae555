//go:build !linux

package thumbnail

// memoryLimit is not read outside Linux: DefaultMaxMemory assumes
// fallbackMemory.
func memoryLimit() (int64, string) { return 0, "" }
