//go:build !unix

package thumbnail

import "errors"

func mkfifo(string) error { return errors.New("no FIFOs here") }
