//go:build cgo

package fakecuda

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/corescale/corescale/kernels"
)

// faultWorkload is one run of the CLI that TestPluginFaults breaks.
type faultWorkload struct {
	name string
	// args writes to out: a file for prime, a folder for resize.
	args   func(out string) []string
	resize bool
	// launchAt is the launch of the process, and allocAt device 0's
	// allocation, that a fault on one device hits: mid-batch, in the
	// engine the workload is about (the big numbers' launches come after
	// the 64-bit engine's three on their placeholders; the big engine
	// allocates after the 64-bit engine's set-up). A launch is counted
	// in the process, not on device 0, which may find every chunk taken
	// when it starts; device 0 allocates first, as the engines open in
	// order and resize's first images take its lanes.
	// The prime engines allocate everything as they open, so allocAt
	// fails a device's set-up there: the device is dropped and released
	// as one failing mid-batch is. Resize allocates as images need.
	launchAt, allocAt int
}

// deviceFault is an injected fault; every says it hits every device
// (a setting for the process, or @all), so that none survives.
type deviceFault struct {
	name    string
	setting func(w faultWorkload, dev string) string
	every   bool
	// says is what the message names instead of a CUresult, where the
	// fault is refused before any call fails.
	says string
}

// TestPluginFaults: through the real plugin on fakecuda, with 2 and 4
// devices of different sizes, each fault the fake injects (cuInit
// failing, a driver too old for the PTX, an allocation failing, a kernel
// faulting, a launch refused, a device lost with 999 or 46), on one device
// of several and on every one, under prime (a file, --random), big
// numbers and resize; the prime engines' allocations fail as they open.
// Where a device survives, the output is serial's, the
// failed device is named as dropped and the fault is seen to fire; where
// none does, exit 1, the CUresult named and no file (resize: only whole
// ones, serial's). Every run leaks nothing: every context retained is
// released, and every allocation, page-locked buffer, stream and event
// created on a device is destroyed, counted from the driver's call log
// (a module goes with its context); the driver's own log reports nothing
// alive at any context's end.
func TestPluginFaults(t *testing.T) {
	numbers := hardFile(t)
	// bigMix's numbers of 65 to about 330 bits, in a fraction of the
	// time its 4096-bit ones take on the host.
	raw, err := os.ReadFile(bigOnly(t))
	if err != nil {
		t.Fatal(err)
	}
	var small strings.Builder
	for _, line := range strings.Fields(string(raw)) {
		if len(line) <= 100 {
			small.WriteString(line + "\n")
		}
	}
	big := filepath.Join(t.TempDir(), "big.txt")
	if err := os.WriteFile(big, []byte(small.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	images := resizeInputs(t, 12, true)
	workloads := []faultWorkload{
		{name: "prime file", args: func(out string) []string {
			return []string{"prime", "--print", "all", "--input", numbers, "--output", out}
		}, launchAt: 2, allocAt: 3},
		{name: "prime random", args: func(out string) []string {
			return []string{"prime", "--print", "all", "--random", "150000", "--bits", "64", "--seed", "11", "--output", out}
		}, launchAt: 2, allocAt: 3},
		{name: "big numbers", args: func(out string) []string {
			return []string{"prime", "--print", "all", "--input", big, "--output", out}
		}, launchAt: 6, allocAt: 22},
		{name: "resize", args: func(out string) []string {
			return []string{"resize", "--size", "97x61", "--fit", "fill", "--quiet", "--workers", "8", "--out", out, images}
		}, resize: true, launchAt: 2, allocAt: 3},
	}
	serial := map[string]string{}
	for _, w := range workloads {
		out := filepath.Join(t.TempDir(), "serial")
		if _, stderr, code := runCLI(t, nil, append(w.args(out), "--backend", "serial")...); code != 0 {
			t.Fatalf("%s, serial: exit %d: %s", w.name, code, stderr)
		}
		serial[w.name] = out
	}
	ptxDriver := 0
	for _, ptx := range []string{kernels.PrimePTX, kernels.ResizePTX, kernels.BigPrimePTX} {
		m := versionRE.FindStringSubmatch(ptx)
		if m == nil {
			t.Fatal("a kernel's PTX declares no .version")
		}
		major, _ := strconv.Atoi(m[1])
		minor, _ := strconv.Atoi(m[2])
		ptxDriver = max(ptxDriver, isaDriver(major, minor))
	}
	fixed := func(s string) func(faultWorkload, string) string {
		return func(faultWorkload, string) string { return s }
	}
	// launch hits the workload's launchAt-th launch in the process, or
	// each device's own with dev "all".
	launch := func(format string) func(faultWorkload, string) string {
		return func(w faultWorkload, dev string) string {
			if dev == "all" {
				return fmt.Sprintf(format+"@all", w.launchAt)
			}
			return fmt.Sprintf(format, w.launchAt)
		}
	}
	faults := []deviceFault{
		{"cuInit 100", fixed("FAKECUDA_INIT=100"), true, ""},
		{"cuInit 803", fixed("FAKECUDA_INIT=803"), true, ""},
		{"driver older than the PTX", fixed(fmt.Sprintf("FAKECUDA_DRIVER_VERSION=%d", ptxDriver-10)), true, "too old"},
	}
	for _, dev := range []string{"0", "all"} {
		where := "on one device"
		if dev == "all" {
			where = "on every device"
		}
		faults = append(faults,
			deviceFault{"allocation fails " + where, func(w faultWorkload, dev string) string {
				return fmt.Sprintf("FAKECUDA_FAIL_ALLOC=%d@%s", w.allocAt, dev)
			}, dev == "all", ""},
			deviceFault{"kernel faults " + where, launch("FAKECUDA_FAIL_LAUNCH=%d"), dev == "all", ""},
			deviceFault{"launch refused " + where, launch("FAKECUDA_FAIL_LAUNCH=%d:701"), dev == "all", ""},
			deviceFault{"lost 999 " + where, launch("FAKECUDA_LOSE_DEVICE=%d"), dev == "all", ""},
		)
	}
	// 46 takes the path 999 takes: once, where nothing survives.
	faults = append(faults, deviceFault{"lost 46 on every device", launch("FAKECUDA_LOSE_DEVICE=%d:46"), true, ""})
	for _, devices := range []struct {
		name     string
		settings []string
	}{
		{"2 devices", []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=512K,1M", "FAKECUDA_SMS=20,80"}},
		{"4 devices", []string{"FAKECUDA_DEVICES=4", "FAKECUDA_MEMORY=512K,1M,256K,2M", "FAKECUDA_SMS=40,80,20,132"}},
	} {
		for _, f := range faults {
			for _, w := range workloads {
				t.Run(devices.name+"/"+f.name+"/"+w.name, func(t *testing.T) {
					dir := t.TempDir()
					out, trace, log := filepath.Join(dir, "out", "result"), filepath.Join(dir, "trace"), filepath.Join(dir, "log")
					if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
						t.Fatal(err)
					}
					setting := f.setting(w, "0")
					if f.every {
						setting = f.setting(w, "all")
					}
					settings := append([]string{setting, "FAKECUDA_TRACE=" + trace, "FAKECUDA_LOG=" + log}, devices.settings...)
					_, stderr, code := runCLI(t, settings, append(w.args(out), "--backend", "gpu")...)
					if !f.every {
						deviceSurvived(t, w, serial[w.name], out, log, stderr, code)
					} else {
						runFailed(t, w, f, serial[w.name], filepath.Dir(out), stderr, code)
					}
					noLeaks(t, trace, log)
				})
			}
		}
	}
}

// deviceSurvived checks a run in which one device failed and the others
// finished its work.
func deviceSurvived(t *testing.T, w faultWorkload, want, out, log, stderr string, code int) {
	t.Helper()
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	raw, _ := os.ReadFile(log)
	if !regexp.MustCompile(`(fails|failed) as FAKECUDA_|the device is lost`).Match(raw) {
		t.Fatalf("the fault did not fire; the driver's log:\n%s", raw)
	}
	if !droppedRE.MatchString(stderr) {
		t.Errorf("stderr %q: want the failed GPU named as dropped", stderr)
	}
	if w.resize {
		if differ, all := sameFiles(t, want, out); len(differ) > 0 || !all {
			t.Errorf("the GPU's files differ from serial's: %v (all written: %v)", differ, all)
		}
		return
	}
	a, errA := os.ReadFile(want)
	b, errB := os.ReadFile(out)
	if errA != nil || errB != nil || !bytes.Equal(a, b) {
		t.Errorf("the GPU's output differs from serial's (%v, %v)", errA, errB)
	}
}

var droppedRE = regexp.MustCompile(`GPU \d+ failed and is no longer used`)

var cuResultRE = regexp.MustCompile(`CUDA_ERROR_[A-Z_]+ \(\d+\)`)

// runFailed checks a run in which no device survived: exit 1, the
// CUresult (or f.says) in the message, and in outDir nothing but whole
// files serial also wrote.
func runFailed(t *testing.T, w faultWorkload, f deviceFault, want, outDir, stderr string, code int) {
	t.Helper()
	if code != 1 {
		t.Errorf("exit %d, want 1: %s", code, stderr)
	}
	var says []string
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, "corescale: ") {
			says = append(says, line)
		}
	}
	msg := strings.Join(says, "\n")
	if !cuResultRE.MatchString(msg) && (f.says == "" || !strings.Contains(msg, f.says)) {
		t.Errorf("the CLI's message names no CUresult: %q", msg)
	}
	entries, err := os.ReadDir(outDir)
	if err != nil {
		t.Fatal(err)
	}
	if !w.resize {
		for _, e := range entries {
			t.Errorf("%s left behind", e.Name())
		}
		return
	}
	result := filepath.Join(outDir, "result")
	if len(entries) == 0 {
		return
	}
	written, err := os.ReadDir(result)
	if len(entries) != 1 || err != nil {
		t.Fatalf("%d entries beside the output folder (%v)", len(entries), err)
	}
	for _, e := range written {
		a, errA := os.ReadFile(filepath.Join(want, e.Name()))
		b, errB := os.ReadFile(filepath.Join(result, e.Name()))
		if errA != nil || errB != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: not serial's file, whole (%v, %v)", e.Name(), errA, errB)
		}
	}
}

// noLeaks checks the driver's call log (FAKECUDA_TRACE) of a run: on each
// device, as many primary-context releases as retains and contexts
// destroyed as created, and every allocation, page-locked buffer, stream
// and event created destroyed by a call (which, on a failed device,
// answers its failure: the driver frees it with the context); and the
// driver's own log (FAKECUDA_LOG): every context created destroyed, with
// nothing alive in it.
func noLeaks(t *testing.T, trace, log string) {
	t.Helper()
	pairs := map[string]struct {
		kind    string
		destroy bool
	}{
		"cuDevicePrimaryCtxRetain": {"primary context retain", false}, "cuDevicePrimaryCtxRelease_v2": {"primary context retain", true},
		"cuCtxCreate_v2": {"context", false}, "cuCtxDestroy_v2": {"context", true},
		"cuMemAlloc_v2": {"device allocation", false}, "cuMemFree_v2": {"device allocation", true},
		"cuMemAllocHost_v2": {"page-locked buffer", false}, "cuMemFreeHost": {"page-locked buffer", true},
		"cuStreamCreate": {"stream", false}, "cuStreamDestroy_v2": {"stream", true},
		"cuEventCreate": {"event", false}, "cuEventDestroy_v2": {"event", true},
	}
	type key struct {
		dev  int
		kind string
	}
	alive := map[key]int{}
	raw, err := os.ReadFile(trace)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		var fn string
		r, dev := 0, -1
		for _, field := range strings.Fields(line) {
			k, v, _ := strings.Cut(field, "=")
			switch k {
			case "fn":
				fn = v
			case "r":
				r, _ = strconv.Atoi(v)
			case "dev":
				dev, _ = strconv.Atoi(v)
			}
		}
		p, ok := pairs[fn]
		if !ok {
			continue
		}
		switch {
		case p.destroy && (fn == "cuDevicePrimaryCtxRelease_v2" || fn == "cuCtxDestroy_v2"):
			// A context let go of only when the call succeeds.
			if r == 0 {
				alive[key{dev, p.kind}]--
			}
		case p.destroy:
			// The handle was given back; a refusal other than the
			// device's failure would be a bad handle.
			if r == 1 || r == 201 || r == 400 || r == 709 {
				t.Errorf("trace: %s: a destroy refused", line)
			}
			alive[key{dev, p.kind}]--
		case r == 0:
			alive[key{dev, p.kind}]++
		}
	}
	var left []string
	for k, n := range alive {
		if n != 0 {
			left = append(left, fmt.Sprintf("device %d: %d %s(s)", k.dev, n, k.kind))
		}
	}
	slices.Sort(left)
	for _, l := range left {
		t.Errorf("%s left (created less destroyed, from the call log)", l)
	}
	text, err := os.ReadFile(log)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if made, gone := strings.Count(string(text), " ctx-create "), strings.Count(string(text), " ctx-destroy "); made != gone {
		t.Errorf("the driver's log: %d context(s) created, %d destroyed", made, gone)
	}
	for _, line := range strings.Split(string(text), "\n") {
		if strings.Contains(line, " leak: ") {
			t.Errorf("the driver's log: %s", line)
		}
	}
}

// TestPluginLostContextReleased: a driver may refuse to make a lost
// device's context current (FAKECUDA_LOST_CURRENT=refuse); the plugin
// still releases the device's primary context, which needs no current
// context, so that it is not kept until the process ends. The run goes on
// on the other device.
func TestPluginLostContextReleased(t *testing.T) {
	file := hardFile(t)
	want, _, code := runCLI(t, nil, "prime", "--backend", "serial", "--print", "all", "--input", file)
	if code != 0 {
		t.Fatalf("serial: exit %d", code)
	}
	dir := t.TempDir()
	trace, log := filepath.Join(dir, "trace"), filepath.Join(dir, "log")
	got, stderr, code := runCLI(t, []string{"FAKECUDA_DEVICES=2", "FAKECUDA_MEMORY=1M,1M", "FAKECUDA_LOSE_DEVICE=2@1",
		"FAKECUDA_LOST_CURRENT=refuse", "FAKECUDA_TRACE=" + trace, "FAKECUDA_LOG=" + log},
		"prime", "--backend", "gpu", "--print", "all", "--input", file)
	if code != 0 || got != want {
		t.Fatalf("exit %d, output serial's: %v; stderr %q", code, got == want, stderr)
	}
	if !droppedRE.MatchString(stderr) {
		t.Errorf("stderr %q: want GPU 1 named as dropped", stderr)
	}
	raw, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	refused, retained, released := 0, map[string]int{}, map[string]int{}
	for _, line := range strings.Split(string(raw), "\n") {
		dev := regexp.MustCompile(` dev=(\d+)`).FindStringSubmatch(line)
		switch {
		case strings.Contains(line, " fn=cuCtxSetCurrent ") && !strings.Contains(line, " r=0 "):
			refused++
		case dev == nil:
		case strings.Contains(line, " fn=cuDevicePrimaryCtxRetain ") && strings.Contains(line, " r=0 "):
			retained[dev[1]]++
		case strings.Contains(line, " fn=cuDevicePrimaryCtxRelease_v2 ") && strings.Contains(line, " r=0 "):
			released[dev[1]]++
		}
	}
	if refused == 0 {
		t.Fatal("no cuCtxSetCurrent was refused: the setting did not take")
	}
	for _, d := range []string{"0", "1"} {
		if retained[d] == 0 || retained[d] != released[d] {
			t.Errorf("device %s: primary context retained %d times, released %d", d, retained[d], released[d])
		}
	}
	text, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	if made, gone := strings.Count(string(text), " ctx-create "), strings.Count(string(text), " ctx-destroy "); made != gone {
		t.Errorf("the driver's log: %d context(s) created, %d destroyed", made, gone)
	}
}
