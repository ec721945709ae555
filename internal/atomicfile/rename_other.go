//go:build !linux

package atomicfile

// renameNoReplace gives tmp the name target unless target exists.
func renameNoReplace(tmp, target string) error {
	return linkNoReplace(tmp, target)
}
