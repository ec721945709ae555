package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	shardBinOnce sync.Once
	shardBin     string
	shardBinErr  error
)

// shardBinary builds corescale once for the tests that run it as a
// cluster's tasks do, each shard its own process.
func shardBinary(t *testing.T) string {
	t.Helper()
	shardBinOnce.Do(func() {
		dir, err := os.MkdirTemp("", "corescale-shard-test-*")
		if err != nil {
			shardBinErr = err
			return
		}
		shardBin = filepath.Join(dir, "corescale")
		if out, err := exec.Command("go", "build", "-o", shardBin, ".").CombinedOutput(); err != nil {
			shardBinErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if shardBinErr != nil {
		t.Fatal(shardBinErr)
	}
	return shardBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shardBin != "" {
		os.RemoveAll(filepath.Dir(shardBin))
	}
	os.Exit(code)
}

// runBin runs the binary with env added to a clean environment (no
// Slurm or Kubernetes variables of the machine running the tests).
func runBin(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(shardBinary(t), args...)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SLURM_") && !strings.HasPrefix(kv, "JOB_COMPLETION_INDEX=") && !strings.HasPrefix(kv, "CORESCALE_SHARDS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		t.Fatalf("%v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}
