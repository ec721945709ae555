//go:build !amd64 || purego

package prime

// ifmaMethod reports that there is no IFMA path in this build.
func ifmaMethod() (method, bool) { return method{}, false }
