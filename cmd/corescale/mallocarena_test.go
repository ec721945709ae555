//go:build cgo && linux

package main

import (
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// mallocFromThreads calls C's malloc from n OS threads at once, the way
// Go's cgo-started threads do, and returns malloc's arena count after.
func mallocFromThreads(n int) int {
	var ready, done sync.WaitGroup
	ready.Add(n)
	done.Add(n)
	release := make(chan struct{})
	for range n {
		go func() {
			defer done.Done()
			// Held to its own thread until all have allocated, so that
			// the n calls come from n threads.
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			mallocTouch()
			ready.Done()
			<-release
		}()
	}
	ready.Wait()
	close(release)
	done.Wait()
	return mallocArenas()
}

// TestOneMallocArena: threads share C malloc's one arena instead of each
// reserving and trimming one of its own at start; MALLOC_ARENA_MAX in the
// environment still sets the number.
func TestOneMallocArena(t *testing.T) {
	if want := os.Getenv("CORESCALE_TEST_ARENAS"); want != "" {
		// The child that the environment case runs.
		got := mallocFromThreads(4)
		if w, _ := strconv.Atoi(want); got < w {
			t.Fatalf("MALLOC_ARENA_MAX=%s: %d arenas after 4 threads allocated, want %s or more", os.Getenv("MALLOC_ARENA_MAX"), got, want)
		}
		return
	}
	if os.Getenv("MALLOC_ARENA_MAX") != "" {
		t.Skip("MALLOC_ARENA_MAX is set")
	}
	got := mallocFromThreads(4)
	if got < 0 {
		t.Skip("not glibc: malloc's arenas cannot be counted")
	}
	if got != 1 {
		t.Errorf("%d malloc arenas after 4 threads allocated, want 1", got)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestOneMallocArena$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MALLOC_ARENA_MAX=8", "CORESCALE_TEST_ARENAS=2")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("with MALLOC_ARENA_MAX=8: %v\n%s", err, out)
	}
}
