package bench

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/corescale/corescale"
)

// TestGPURows: a machine of several GPUs adds a row for each device alone
// and the 1…N sweep's middle rows, each with its own devices, labelled, and
// emulated where the driver is; one GPU adds nothing.
func TestGPURows(t *testing.T) {
	choice := func(d []int) Backend {
		return Backend{Name: corescale.GPU, Emulated: true, Devices: fmt.Sprint(d)}
	}
	if rows := GPURows(1, choice); rows != nil {
		t.Errorf("one GPU: %d rows", len(rows))
	}
	var labels []string
	for _, r := range GPURows(3, choice) {
		labels = append(labels, r.Label())
	}
	want := []string{
		"gpu device 0 (emulated; not a speed)", "gpu device 1 (emulated; not a speed)", "gpu device 2 (emulated; not a speed)",
		"gpu GPUs 0-1 (emulated; not a speed)",
	}
	if !reflect.DeepEqual(labels, want) {
		t.Errorf("rows %q, want %q", labels, want)
	}
	var asked [][]int
	GPURows(3, func(d []int) Backend { asked = append(asked, d); return Backend{} })
	if !reflect.DeepEqual(asked, [][]int{{0}, {1}, {2}, {0, 1}}) {
		t.Errorf("devices asked for: %v", asked)
	}
}
