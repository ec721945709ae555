//go:build !amd64 || purego

package resize

// setSIMD reports whether the loops could be set as asked: without the
// assembly they are the Go loops only.
func setSIMD(on bool) bool { return !on }
