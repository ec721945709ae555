//go:build cgo && linux

package main

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#endif

// glibc gives each thread that first calls malloc an arena of its own, up to
// eight per core: a 64 MB reservation trimmed by two munmaps and an
// mprotect, each of which, once the process has threads on the other core,
// sends it a TLB shootdown. Go starts four or five threads in every run of
// corescale, and each one's cgo start calls malloc (pthread_getattr_np):
// 120 to 200 of --version's 650 page faults and about a quarter of its CPU
// time. The C code corescale calls (libjpeg-turbo, Little CMS) allocates a
// few buffers per image, so one arena's lock costs nothing measurable. A
// constructor runs before Go's runtime starts any thread; the environment's
// MALLOC_ARENA_MAX (glibc.malloc.arena_max) still wins.
__attribute__((constructor)) static void corescale_one_malloc_arena(void) {
#ifdef __GLIBC__
	if (getenv("MALLOC_ARENA_MAX") == NULL && (getenv("GLIBC_TUNABLES") == NULL || strstr(getenv("GLIBC_TUNABLES"), "arena_max") == NULL)) {
		mallopt(M_ARENA_MAX, 1);
	}
#endif
}

// corescale_malloc_arenas counts malloc's arenas (malloc_info's heaps), or
// returns -1 where that cannot be told.
static int corescale_malloc_arenas(void) {
#ifdef __GLIBC__
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f == NULL) {
		return -1;
	}
	int ok = malloc_info(0, f) == 0;
	fclose(f);
	int n = 0;
	for (char *p = buf; ok && (p = strstr(p, "<heap nr=")) != NULL; p++) {
		n++;
	}
	free(buf);
	return ok ? n : -1;
#else
	return -1;
#endif
}

static void corescale_malloc_touch(void) { free(malloc(64)); }
*/
import "C"

// mallocArenas returns how many arenas C's malloc has, or -1 where that
// cannot be told (not glibc).
func mallocArenas() int { return int(C.corescale_malloc_arenas()) }

// mallocTouch makes the calling thread allocate through C's malloc.
func mallocTouch() { C.corescale_malloc_touch() }
