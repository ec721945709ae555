//go:build cgo

package jpegturbo

import "os/exec"

var execCommand = exec.Command
