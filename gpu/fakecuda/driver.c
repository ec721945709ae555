/* driver.c — fakecuda: a CUDA driver library (libcuda.so.1) that runs
 * corescale's kernels on the host CPU, so that the real GPU plugin and
 * gorgonia.org/cu run, call for call, where there is no GPU.
 *
 * It keeps the real driver's rules and makes them strict, so that a caller's
 * mistake shows as an error or a wrong result instead of passing by:
 *   - a context is current per OS thread; a call that needs one and finds
 *     none answers CUDA_ERROR_INVALID_CONTEXT, and a handle of another
 *     context than the current one is refused;
 *   - cuModuleLoadData checks the PTX header against the driver version and
 *     the device it claims, and records each .entry's parameter layout;
 *   - cuLaunchKernel checks the grid, the block and the argument list
 *     against the .entry, copies the arguments, and the kernel runs later on
 *     the stream's own thread; a pointer argument must point into device
 *     memory of the context;
 *   - device memory lies apart from host memory, between guard areas that
 *     are checked after every kernel: an out-of-bounds write is
 *     CUDA_ERROR_ILLEGAL_ADDRESS at the next synchronisation, and the
 *     context is unusable from then on, as on a GPU;
 *   - asynchronous copies run when the stream reaches them, which by
 *     default (FAKECUDA_STREAMS=lazy) is only once the host waits for the
 *     stream or an event after them: a host buffer reused or read before
 *     that gives wrong results every time, not once in a while; copies from
 *     memory that is not page-locked are refused;
 *   - cuCtxDestroy reports what is still alive in the context.
 * Settings and injected faults come from FAKECUDA_* variables, read at the
 * first call (see settings below and the README).
 *
 * One mutex, G, guards all of the fake's state; each stream has a worker
 * thread and a condition variable on G. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "fakecuda.h"
#include "kernels.h"
#include "ptx.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define API __attribute__((visibility("default")))

extern char **environ;

/* ---- settings ---------------------------------------------------------- */

enum { MAX_DEVICES = 16, EVERY_DEVICE = -2 };

typedef struct device {
	char name[128];
	int major, minor, sms;
	size_t memory;
	size_t used;
} device_t;

/* A fault to inject: at the at-th call of its kind, answer code. */
typedef struct fault {
	long at;
	CUresult code;
	/* @DEV: count that device's own calls only; @all (EVERY_DEVICE): each
	 * device's own, so that every device fails at its Nth; -1: the
	 * process's calls, which land on whichever device the scheduling
	 * gives */
	int dev;
	char spec[64];
} fault_t;

static struct settings {
	int ndev;
	device_t dev[MAX_DEVICES];
	int driver_version;
	CUresult init_code;
	fault_t fail_alloc, fail_launch, lose_device;
	int strict, lazy, quiet;
	int lost_refuses_current; /* FAKECUDA_LOST_CURRENT=refuse */
	char log[1024];
	char trace[1024];
	char bad[512]; /* why a setting cannot be used, or "" */
} S;

static const char *const known_settings[] = {
	"FAKECUDA_DEVICES",    "FAKECUDA_NAME",       "FAKECUDA_CC",          "FAKECUDA_SMS",
	"FAKECUDA_MEMORY",     "FAKECUDA_DRIVER_VERSION", "FAKECUDA_INIT",     "FAKECUDA_FAIL_ALLOC",
	"FAKECUDA_FAIL_LAUNCH", "FAKECUDA_LOSE_DEVICE", "FAKECUDA_STRICT",     "FAKECUDA_STREAMS",
	"FAKECUDA_QUIET",      "FAKECUDA_LOG",         "FAKECUDA_TRACE",       "FAKECUDA_LOST_CURRENT",
};

static void bad_setting(const char *format, ...) {
	if (S.bad[0]) return;
	va_list ap;
	va_start(ap, format);
	vsnprintf(S.bad, sizeof S.bad, format, ap);
	va_end(ap);
}

/* list_item returns item i of a comma-separated list, the last one for i
 * past its end. */
static void list_item(const char *list, int i, char *out, size_t n) {
	const char *p = list;
	for (int k = 0; k < i; k++) {
		const char *c = strchr(p, ',');
		if (c == NULL) break;
		p = c + 1;
	}
	size_t len = strcspn(p, ",");
	if (len >= n) len = n - 1;
	memcpy(out, p, len);
	out[len] = 0;
}

static int parse_long(const char *s, long *out) {
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end) return -1;
	*out = v;
	return 0;
}

/* parse_size reads 1048576, 64K, 512M, 2G (binary units; KiB, MB … too). */
static int parse_size(const char *s, size_t *out) {
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s) return -1;
	unsigned shift = 0;
	switch (*end) {
	case 0: break;
	case 'k': case 'K': shift = 10, end++; break;
	case 'm': case 'M': shift = 20, end++; break;
	case 'g': case 'G': shift = 30, end++; break;
	case 't': case 'T': shift = 40, end++; break;
	default: return -1;
	}
	if (shift && (strcmp(end, "iB") == 0 || strcmp(end, "B") == 0)) end += strlen(end);
	if (*end || v == 0 || (shift && v > (~0ULL >> shift))) return -1;
	*out = (size_t)(v << shift);
	return 0;
}

static void parse_fault(const char *var, fault_t *f, CUresult code) {
	const char *v = getenv(var);
	memset(f, 0, sizeof *f);
	f->code = code;
	f->dev = -1;
	if (v == NULL || *v == 0) return;
	snprintf(f->spec, sizeof f->spec, "%s", v);
	char at[32] = "", body[64];
	snprintf(body, sizeof body, "%s", v);
	char *sign = strchr(body, '@');
	if (sign) {
		long d;
		if (strcmp(sign + 1, "all") == 0) {
			f->dev = EVERY_DEVICE;
		} else if (parse_long(sign + 1, &d) || d < 0 || d >= MAX_DEVICES) {
			bad_setting("%s=%s: after @, a device number or all", var, v);
			return;
		} else {
			f->dev = (int)d;
		}
		*sign = 0;
	}
	v = body;
	const char *colon = strchr(v, ':');
	snprintf(at, sizeof at, "%.*s", colon ? (int)(colon - v) : (int)strlen(v), v);
	long n, c;
	if (parse_long(at, &n) || n < 1) {
		bad_setting("%s=%s: want N or N:CODE, N a call count from 1", var, v);
		return;
	}
	f->at = n;
	if (colon) {
		if (parse_long(colon + 1, &c) || c <= 0) {
			bad_setting("%s=%s: CODE must be a CUresult number such as 2 or 999", var, v);
			return;
		}
		f->code = (CUresult)c;
	}
}

static void load_settings(void) {
	memset(&S, 0, sizeof S);
	for (char **e = environ; e && *e; e++) {
		if (strncmp(*e, "FAKECUDA_", 9) != 0) continue;
		size_t len = strcspn(*e, "=");
		int known = 0;
		for (size_t i = 0; i < sizeof known_settings / sizeof known_settings[0]; i++) {
			if (strlen(known_settings[i]) == len && strncmp(*e, known_settings[i], len) == 0) known = 1;
		}
		if (!known) bad_setting("unknown setting %.*s (see gpu/fakecuda/doc.go for the FAKECUDA_* settings)", (int)len, *e);
	}
	const char *v;
	long n;
	S.ndev = 1;
	if ((v = getenv("FAKECUDA_DEVICES")) && *v) {
		if (parse_long(v, &n) || n < 0 || n > MAX_DEVICES) bad_setting("FAKECUDA_DEVICES=%s: want 0 to %d", v, MAX_DEVICES);
		else S.ndev = (int)n;
	}
	S.driver_version = 11080;
	if ((v = getenv("FAKECUDA_DRIVER_VERSION")) && *v) {
		int major, minor;
		char tail;
		if (strchr(v, '.') && sscanf(v, "%d.%d%c", &major, &minor, &tail) == 2 && major > 0 && minor >= 0 && minor < 100)
			S.driver_version = major * 1000 + minor * 10;
		else if (!strchr(v, '.') && parse_long(v, &n) == 0 && n >= 1000)
			S.driver_version = (int)n;
		else
			bad_setting("FAKECUDA_DRIVER_VERSION=%s: want 11080 or 11.8", v);
	}
	for (int i = 0; i < S.ndev; i++) {
		device_t *d = &S.dev[i];
		char item[64];
		if ((v = getenv("FAKECUDA_NAME")) && *v) {
			list_item(v, i, item, sizeof item);
			snprintf(d->name, sizeof d->name, "%s", item);
		} else {
			snprintf(d->name, sizeof d->name, "fakecuda %d (CPU-backed test driver)", i);
		}
		d->major = 7, d->minor = 0;
		if ((v = getenv("FAKECUDA_CC")) && *v) {
			list_item(v, i, item, sizeof item);
			char tail;
			if (sscanf(item, "%d.%d%c", &d->major, &d->minor, &tail) != 2 || d->major < 1 || d->minor < 0 || d->minor > 9)
				bad_setting("FAKECUDA_CC=%s: want a compute capability such as 7.0 (a comma list for several devices)", v);
		}
		d->sms = 80;
		if ((v = getenv("FAKECUDA_SMS")) && *v) {
			list_item(v, i, item, sizeof item);
			if (parse_long(item, &n) || n < 1 || n > 100000) bad_setting("FAKECUDA_SMS=%s: want a positive count", v);
			else d->sms = (int)n;
		}
		d->memory = (size_t)2 << 30;
		if ((v = getenv("FAKECUDA_MEMORY")) && *v) {
			list_item(v, i, item, sizeof item);
			if (parse_size(item, &d->memory)) bad_setting("FAKECUDA_MEMORY=%s: want a size such as 64K, 512M or 2G", v);
		}
	}
	if ((v = getenv("FAKECUDA_INIT")) && *v) {
		if (parse_long(v, &n) || n < 0) bad_setting("FAKECUDA_INIT=%s: want a CUresult number such as 100 or 803", v);
		else S.init_code = (CUresult)n;
	}
	parse_fault("FAKECUDA_FAIL_ALLOC", &S.fail_alloc, CUDA_ERROR_OUT_OF_MEMORY);
	parse_fault("FAKECUDA_FAIL_LAUNCH", &S.fail_launch, CUDA_ERROR_LAUNCH_FAILED);
	parse_fault("FAKECUDA_LOSE_DEVICE", &S.lose_device, CUDA_ERROR_UNKNOWN);
	S.lazy = 1;
	if ((v = getenv("FAKECUDA_STREAMS")) && *v) {
		if (strcmp(v, "eager") == 0) S.lazy = 0;
		else if (strcmp(v, "lazy") != 0) bad_setting("FAKECUDA_STREAMS=%s: want lazy or eager", v);
	}
	if ((v = getenv("FAKECUDA_LOST_CURRENT")) && *v) {
		if (strcmp(v, "refuse") == 0) S.lost_refuses_current = 1;
		else if (strcmp(v, "allow") != 0) bad_setting("FAKECUDA_LOST_CURRENT=%s: want allow or refuse", v);
	}
	S.strict = (v = getenv("FAKECUDA_STRICT")) && strcmp(v, "1") == 0;
	S.quiet = (v = getenv("FAKECUDA_QUIET")) && strcmp(v, "1") == 0;
	if ((v = getenv("FAKECUDA_LOG")) && *v) snprintf(S.log, sizeof S.log, "%s", v);
	if ((v = getenv("FAKECUDA_TRACE")) && *v) snprintf(S.trace, sizeof S.trace, "%s", v);
	const struct {
		const char *var;
		const fault_t *f;
	} faults[] = {{"FAKECUDA_FAIL_ALLOC", &S.fail_alloc}, {"FAKECUDA_FAIL_LAUNCH", &S.fail_launch}, {"FAKECUDA_LOSE_DEVICE", &S.lose_device}};
	for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		if (faults[i].f->dev >= S.ndev && S.ndev > 0)
			bad_setting("%s=%s: there are %d device(s)", faults[i].var, faults[i].f->spec, S.ndev);
	}
}

/* ---- messages ---------------------------------------------------------- */

#define NAME(x) {x, #x}
static const struct {
	CUresult code;
	const char *name;
} result_names[] = {
#include "results.inc"
};

static const char *result_name(CUresult r) {
	for (size_t i = 0; i < sizeof result_names / sizeof result_names[0]; i++) {
		if (result_names[i].code == r) return result_names[i].name;
	}
	return NULL;
}

static void log_line(const char *format, ...) {
	if (S.log[0] == 0) return;
	char line[1024];
	int k = snprintf(line, sizeof line, "%d ", (int)getpid());
	va_list ap;
	va_start(ap, format);
	k += vsnprintf(line + k, sizeof line - k, format, ap);
	va_end(ap);
	if (k >= (int)sizeof line - 1) k = sizeof line - 2;
	line[k++] = '\n';
	int fd = open(S.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) return;
	ssize_t w = write(fd, line, k);
	(void)w;
	close(fd);
}

/* say writes one line to stderr (unless FAKECUDA_QUIET=1) and to the log. */
static void say(const char *format, ...) {
	char line[1024];
	va_list ap;
	va_start(ap, format);
	vsnprintf(line, sizeof line, format, ap);
	va_end(ap);
	if (!S.quiet) fprintf(stderr, "fakecuda: %s\n", line);
	log_line("%s", line);
}

/* The detail of the error the current call is about to return. */
static _Thread_local char detail[768];
static _Thread_local int detail_said; /* the detail was printed already */

static CUresult fail(CUresult r, const char *format, ...) {
	va_list ap;
	va_start(ap, format);
	vsnprintf(detail, sizeof detail, format, ap);
	va_end(ap);
	detail_said = 0;
	return r;
}

/* quietly returns r with nothing to say: the error was reported when it
 * arose (a sticky kernel fault, a lost device). */
static CUresult quietly(CUresult r) {
	detail_said = 1;
	return r;
}

/* ---- state ------------------------------------------------------------- */

static pthread_mutex_t G = PTHREAD_MUTEX_INITIALIZER;
static int loaded, initialised, live_contexts, context_serial;
static long alloc_calls, launch_calls, dev_allocs[MAX_DEVICES], dev_launches[MAX_DEVICES], trace_calls;

/* hits reports whether f fires at the process's call-th call of its kind,
 * device dev's on_dev-th. */
static int hits(const fault_t *f, long call, int dev, long on_dev) {
	if (f->at == 0) return 0;
	if (f->dev == -1) return f->at == call;
	return (f->dev == EVERY_DEVICE || f->dev == dev) && f->at == on_dev;
}
/* A device that is gone: every call on it answers this; calls that name no
 * device fail only once every device is gone. */
static CUresult lost_dev[MAX_DEVICES];

static CUresult all_lost(void) {
	for (int i = 0; i < S.ndev; i++) {
		if (!lost_dev[i]) return CUDA_SUCCESS;
	}
	return S.ndev > 0 ? lost_dev[0] : CUDA_SUCCESS;
}

enum kind { K_CTX = 1, K_MOD, K_FUNC, K_STREAM, K_EVENT };

/* obj heads every object a handle names. Handles are not pointers to
 * these: they are addresses in a reserved, inaccessible range, one slot per
 * object ever made, so a stale or made-up handle is recognised (never
 * dereferenced), and Go's garbage collector, which sees them in cgo
 * pointer types, finds nothing it owns there. */
typedef struct obj {
	int kind;
	unsigned id;
} obj;

static obj **objs;
static unsigned nobjs, capobjs;
static uintptr_t hbase;
enum { HSTEP = 64 };
static const size_t hspan = (size_t)1 << 30;

static int obj_register(obj *o, int kind) {
	if (hbase == 0) {
		void *p = mmap(NULL, hspan, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p == MAP_FAILED) return -1;
		hbase = (uintptr_t)p;
		nobjs = 1; /* id 0 is no handle */
	}
	if (nobjs >= capobjs) {
		unsigned cap = capobjs ? 2 * capobjs : 256;
		if ((size_t)cap >= hspan / HSTEP) return -1;
		obj **grown = realloc(objs, cap * sizeof *grown);
		if (grown == NULL) return -1;
		memset(grown + capobjs, 0, (cap - capobjs) * sizeof *grown);
		objs = grown, capobjs = cap;
	}
	o->kind = kind;
	o->id = nobjs++;
	objs[o->id] = o;
	return 0;
}

static void *handle(obj *o) { return (void *)(hbase + (uintptr_t)o->id * HSTEP); }

static obj *lookup(const void *h, int kind) {
	uintptr_t v = (uintptr_t)h;
	if (hbase == 0 || v < hbase || v >= hbase + hspan || (v - hbase) % HSTEP) return NULL;
	uintptr_t id = (v - hbase) / HSTEP;
	if (id == 0 || id >= nobjs || objs[id] == NULL || objs[id]->kind != kind) return NULL;
	return objs[id];
}

static void forget(obj *o) { objs[o->id] = NULL; }

/* Device memory: a mapping per allocation, laid out as
 *   [no access][guard][data … rounded up to a page][guard][no access]
 * The guards hold a pattern checked after every kernel; the inaccessible
 * pages stop a wild access from touching anything else. */
typedef struct alloc {
	struct alloc *next;
	unsigned char *map, *base;
	size_t maplen, size, charged;
} alloc_t;

/* Page-locked host memory from cuMemAllocHost. */
typedef struct pinned {
	struct pinned *next;
	unsigned char *base;
	size_t size, maplen;
} pinned_t;

struct stream;

/* A mark is one recording of an event: done once its stream reaches it. */
typedef struct mark {
	int refs, done;
	struct timespec at;
	struct stream *s;
	unsigned long long seq;
} mark_t;

typedef struct event {
	obj o;
	struct ctx *ctx;
	unsigned flags;
	mark_t *last;
	struct event *next;
} event_t;

typedef struct func {
	obj o;
	struct module *mod;
	const ptx_entry *entry;
	const fakecuda_kernel *kernel;
	struct func *next;
} func_t;

typedef struct module {
	obj o;
	struct ctx *ctx;
	ptx_module ptx;
	func_t *funcs;
	struct module *next;
} module_t;

enum opkind { OP_HTOD, OP_DTOH, OP_LAUNCH, OP_RECORD, OP_FAIL };

typedef struct op {
	struct op *next;
	int kind;
	unsigned long long seq;
	void *dst;
	const void *src;
	size_t n;
	func_t *f;
	unsigned grid[3], block[3];
	long launch; /* which launch of the process, for messages */
	unsigned char *params;
	mark_t *mark;
	CUresult code;
} op_t;

typedef struct stream {
	obj o;
	struct ctx *ctx;
	unsigned flags;
	int legacy; /* the context's NULL stream */
	struct stream *next;
	op_t *head, *tail;
	unsigned long long enq, released, done;
	int quit;
	pthread_t thread;
	pthread_cond_t cv;
} stream_t;

typedef struct ctx {
	obj o;
	int dev, serial, destroyed;
	int primary; /* the device's primary context, from cuDevicePrimaryCtxRetain */
	unsigned flags;
	CUresult sticky; /* a kernel fault: the context answers this from now on */
	alloc_t *allocs;
	pinned_t *pinned;
	stream_t *streams, *null_stream;
	event_t *events;
	module_t *modules;
} ctx_t;

/* Each OS thread's stack of current contexts, by object id. */
enum { CTX_STACK = 64 };
static _Thread_local unsigned ctx_stack[CTX_STACK];
static _Thread_local int ctx_depth;

/* What the call being made adds to its FAKECUDA_TRACE line. */
static _Thread_local struct trace_info {
	int dev, ctx;
	unsigned stream;
	long long bytes;
	const char *kernel;
	int busy; /* launches queued, not yet run, on the context's other streams */
	char grid[48];
} T;

/* ---- entry and exit of every call -------------------------------------- */

/* enter_named takes G and checks that the driver is initialised, for a
 * call that names a context: whether that context's device is lost is
 * for the call to judge, the same whether or not other devices remain,
 * so that a caller can still make a lost device's context current and
 * let go of what it holds. */
static CUresult enter_named(void) {
	pthread_mutex_lock(&G);
	detail[0] = 0;
	detail_said = 0;
	memset(&T, 0, sizeof T);
	T.dev = T.ctx = T.busy = -1;
	if (!loaded) {
		load_settings();
		loaded = 1;
	}
	if (!initialised) return fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not succeeded");
	return CUDA_SUCCESS;
}

/* enter is enter_named for a call that names no context, which fails once
 * every device is lost. */
static CUresult enter(void) {
	CUresult r = enter_named();
	if (r != CUDA_SUCCESS) return r;
	CUresult gone = all_lost();
	return gone ? quietly(gone) : CUDA_SUCCESS;
}

/* current returns the calling thread's current context, or why there is
 * none usable. */
static CUresult current(ctx_t **out) {
	*out = NULL;
	if (ctx_depth == 0)
		return fail(CUDA_ERROR_INVALID_CONTEXT, "no context is current on this thread (OS thread %ld): create one or make one current first", (long)gettid());
	ctx_t *c = (ctx_t *)lookup(handle(&(obj){K_CTX, ctx_stack[ctx_depth - 1]}), K_CTX);
	if (c == NULL || c->destroyed)
		return fail(CUDA_ERROR_CONTEXT_IS_DESTROYED, "the context current on this thread (OS thread %ld) has been destroyed", (long)gettid());
	T.dev = c->dev, T.ctx = c->serial;
	if (lost_dev[c->dev]) return quietly(lost_dev[c->dev]);
	if (c->sticky) return quietly(c->sticky);
	*out = c;
	return CUDA_SUCCESS;
}

static CUresult enter_ctx(ctx_t **c) {
	CUresult r = enter_named();
	return r ? r : current(c);
}

/* trace_line appends one line for the call to FAKECUDA_TRACE's file:
 * "N fn=NAME r=CODE dev=D ctx=C", then stream=S (its handle's serial),
 * bytes=B, kernel=K grid=X,Y,Z and busy=K (launches then queued and not
 * yet run on the context's other streams) where the call has them. */
static void trace_line(const char *fn, CUresult r) {
	char line[512];
	int k = snprintf(line, sizeof line, "%ld fn=%s r=%d dev=%d ctx=%d", ++trace_calls, fn, (int)r, T.dev, T.ctx);
	if (T.stream) k += snprintf(line + k, sizeof line - k, " stream=%u", T.stream);
	if (T.bytes) k += snprintf(line + k, sizeof line - k, " bytes=%lld", T.bytes);
	if (T.kernel) k += snprintf(line + k, sizeof line - k, " kernel=%s grid=%s", T.kernel, T.grid);
	if (T.busy >= 0) k += snprintf(line + k, sizeof line - k, " busy=%d", T.busy);
	if (k > (int)sizeof line - 2) k = sizeof line - 2;
	line[k++] = '\n';
	int fd = open(S.trace, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) return;
	ssize_t w = write(fd, line, k);
	(void)w;
	close(fd);
}

/* leave reports a failure on stderr, once, and releases G. */
static CUresult leave(const char *fn, CUresult r) {
	if (r != CUDA_SUCCESS && r != CUDA_ERROR_NOT_READY && !detail_said) {
		const char *name = result_name(r);
		char code[48];
		if (name == NULL) snprintf(code, sizeof code, "CUresult %d", (int)r);
		else snprintf(code, sizeof code, "%s (%d)", name, (int)r);
		if (detail[0]) say("%s: %s: %s", fn, detail, code);
		else say("%s: %s", fn, code);
	}
	if (S.trace[0]) trace_line(fn, r);
	pthread_mutex_unlock(&G);
	return r;
}

/* ---- streams ----------------------------------------------------------- */

static void mark_put(mark_t *m) {
	if (m && --m->refs == 0) free(m);
}

static void stream_release(stream_t *s, unsigned long long upto) {
	if (s->released < upto) {
		s->released = upto;
		pthread_cond_broadcast(&s->cv);
	}
}

/* stream_wait lets s run up to op seq and waits for it (G held). */
static void stream_wait(stream_t *s, unsigned long long seq) {
	stream_release(s, seq);
	while (s->done < seq) pthread_cond_wait(&s->cv, &G);
}

static void stream_drain(stream_t *s) { stream_wait(s, s->enq); }

static void ctx_drain(ctx_t *c) {
	for (stream_t *s = c->streams; s; s = s->next) stream_drain(s);
	if (c->null_stream) stream_drain(c->null_stream);
}

/* guard_byte is the pattern at address a: it varies along the guard, so
 * that a kernel's constant is unlikely to match it, and is never 0x00, 0x01
 * or 0xff, the values a kernel's stray write most often holds. */
static unsigned char guard_byte(uintptr_t a) {
	uint64_t x = a * 0x9e3779b97f4a7c15ULL;
	unsigned char b = (unsigned char)(x >> 56);
	return b < 2 || b == 0xff ? b ^ 0x5a : b;
}

static void guard_fill(unsigned char *p, size_t n) {
	for (size_t i = 0; i < n; i++) p[i] = guard_byte((uintptr_t)(p + i));
}

/* guard_damage returns the number of changed guard bytes in [p, p+n) and
 * the first one's address. */
static size_t guard_damage(const unsigned char *p, size_t n, const unsigned char **first) {
	size_t bad = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] != guard_byte((uintptr_t)(p + i))) {
			if (bad++ == 0) *first = p + i;
		}
	}
	return bad;
}

static size_t page(void) {
	static size_t p;
	if (p == 0) p = (size_t)sysconf(_SC_PAGESIZE);
	return p;
}

static alloc_t *alloc_at(ctx_t *c, uintptr_t p, size_t n) {
	for (alloc_t *a = c->allocs; a; a = a->next) {
		uintptr_t b = (uintptr_t)a->base;
		if (p >= b && p <= b + a->size && n <= b + a->size - p) return a;
	}
	return NULL;
}

static pinned_t *pinned_at(ctx_t *c, uintptr_t p, size_t n) {
	for (pinned_t *h = c->pinned; h; h = h->next) {
		uintptr_t b = (uintptr_t)h->base;
		if (p >= b && p <= b + h->size && n <= b + h->size - p) return h;
	}
	return NULL;
}

static void set_sticky(ctx_t *c, CUresult r, const char *format, ...) {
	char why[768];
	va_list ap;
	va_start(ap, format);
	vsnprintf(why, sizeof why, format, ap);
	va_end(ap);
	if (c->sticky) return;
	c->sticky = r;
	say("%s: %s (%d) at the next synchronisation; context %d is unusable from now on, as after a fault on a GPU", why,
	    result_name(r) ? result_name(r) : "CUresult", (int)r, c->serial);
}

/* run_launch runs a kernel on the stream's thread: its pointer arguments
 * checked against the context's device memory first, the guards after. */
static void run_launch(stream_t *s, op_t *op) {
	ctx_t *c = s->ctx;
	const ptx_entry *e = op->f->entry;
	const fakecuda_kernel *k = op->f->kernel;
	void *args[PTX_MAX_PARAMS];
	pthread_mutex_lock(&G);
	for (int i = 0; i < e->nparams; i++) {
		args[i] = op->params + e->offset[i];
		if (k->params[i] != 'p') continue;
		uint64_t v;
		memcpy(&v, args[i], 8);
		if (alloc_at(c, (uintptr_t)v, 0) == NULL) {
			set_sticky(c, CUDA_ERROR_ILLEGAL_ADDRESS,
			           "launch %ld of %s: parameter %d is %#llx, which is not in device memory of context %d (freed, "
			           "a host pointer, or a wrong argument size or order), so the kernel would fault",
			           op->launch, e->name, i, (unsigned long long)v, c->serial);
			pthread_mutex_unlock(&G);
			return;
		}
	}
	pthread_mutex_unlock(&G);

	if (e->cooperative) {
		if (fakecuda_kernel_launch_cooperative(k, op->grid, op->block, args) != 0) {
			pthread_mutex_lock(&G);
			set_sticky(c, CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES, "launch %ld of %s: no host memory for its threads' stacks",
			           op->launch, e->name);
			pthread_mutex_unlock(&G);
			return;
		}
	} else {
		fakecuda_kernel_launch(k, op->grid, op->block, args);
	}

	pthread_mutex_lock(&G);
	for (alloc_t *a = c->allocs; a; a = a->next) {
		size_t datalen = (a->size + page() - 1) / page() * page();
		const unsigned char *first = NULL;
		size_t before = guard_damage(a->base - page(), page(), &first);
		if (before) {
			set_sticky(c, CUDA_ERROR_ILLEGAL_ADDRESS,
			           "launch %ld of %s wrote %zu byte(s) before the %zu-byte allocation at %#llx, the first %td "
			           "byte(s) before its start",
			           op->launch, e->name, before, a->size, (unsigned long long)(uintptr_t)a->base, a->base - first);
			break;
		}
		size_t after = guard_damage(a->base + a->size, datalen - a->size + page(), &first);
		if (after) {
			set_sticky(c, CUDA_ERROR_ILLEGAL_ADDRESS,
			           "launch %ld of %s wrote %zu byte(s) past the end of the %zu-byte allocation at %#llx, the "
			           "first at offset %td (%td past the end)",
			           op->launch, e->name, after, a->size, (unsigned long long)(uintptr_t)a->base, first - a->base,
			           first - (a->base + a->size));
			break;
		}
	}
	pthread_mutex_unlock(&G);
}

static void run_op(stream_t *s, op_t *op) {
	switch (op->kind) {
	case OP_HTOD:
	case OP_DTOH:
		memcpy(op->dst, op->src, op->n);
		break;
	case OP_LAUNCH:
		run_launch(s, op);
		break;
	case OP_FAIL:
		pthread_mutex_lock(&G);
		set_sticky(s->ctx, op->code, "launch %ld of %s failed as FAKECUDA_FAIL_LAUNCH=%s asks", op->launch,
		           op->f->entry->name, S.fail_launch.spec);
		pthread_mutex_unlock(&G);
		break;
	case OP_RECORD:
		break;
	}
}

static void *worker(void *arg) {
	stream_t *s = arg;
	sigset_t all;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals are the Go runtime's business */
	pthread_mutex_lock(&G);
	for (;;) {
		while (s->head == NULL || s->head->seq > s->released) {
			if (s->quit && s->head == NULL) {
				pthread_mutex_unlock(&G);
				return NULL;
			}
			pthread_cond_wait(&s->cv, &G);
		}
		op_t *op = s->head;
		s->head = op->next;
		if (s->head == NULL) s->tail = NULL;
		int skip = lost_dev[s->ctx->dev] || s->ctx->sticky;
		pthread_mutex_unlock(&G);
		if (!skip) run_op(s, op);
		pthread_mutex_lock(&G);
		if (op->mark) {
			clock_gettime(CLOCK_MONOTONIC, &op->mark->at);
			op->mark->done = 1;
			mark_put(op->mark);
		}
		s->done = op->seq;
		free(op->params);
		free(op);
		pthread_cond_broadcast(&s->cv);
	}
}

static stream_t *stream_new(ctx_t *c, unsigned flags, int legacy) {
	stream_t *s = calloc(1, sizeof *s);
	if (s == NULL) return NULL;
	s->ctx = c, s->flags = flags, s->legacy = legacy;
	pthread_cond_init(&s->cv, NULL);
	if (obj_register(&s->o, K_STREAM) != 0) {
		free(s);
		return NULL;
	}
	if (pthread_create(&s->thread, NULL, worker, s) != 0) {
		forget(&s->o);
		free(s);
		return NULL;
	}
	return s;
}

/* stream_end drains s, stops its thread and frees it (G held). */
static void stream_end(stream_t *s) {
	stream_drain(s);
	s->quit = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&G);
	pthread_join(s->thread, NULL);
	pthread_mutex_lock(&G);
	forget(&s->o);
	pthread_cond_destroy(&s->cv);
	free(s);
}

/* resolve_stream turns a stream handle into the stream work goes to: 0 and
 * CU_STREAM_LEGACY are the context's NULL stream. */
static CUresult resolve_stream(ctx_t *c, CUstream h, stream_t **out) {
	if (h == NULL || h == CU_STREAM_LEGACY) {
		if (c->null_stream == NULL && (c->null_stream = stream_new(c, 0, 1)) == NULL)
			return fail(CUDA_ERROR_OUT_OF_MEMORY, "cannot start the NULL stream's thread");
		*out = c->null_stream;
		return CUDA_SUCCESS;
	}
	if (h == CU_STREAM_PER_THREAD) return fail(CUDA_ERROR_NOT_SUPPORTED, "fakecuda has no per-thread default stream");
	stream_t *s = (stream_t *)lookup(h, K_STREAM);
	if (s == NULL) return fail(CUDA_ERROR_INVALID_HANDLE, "%p is not a live stream", (void *)h);
	if (s->ctx != c)
		return fail(CUDA_ERROR_INVALID_CONTEXT, "the stream belongs to context %d, but context %d is current on this thread",
		            s->ctx->serial, c->serial);
	*out = s;
	return CUDA_SUCCESS;
}

/* enqueue adds op to s, after the legacy NULL stream's ordering: work on
 * the NULL stream waits for every blocking stream, and work on a blocking
 * stream waits for the NULL stream. (G held.) */
static void enqueue(stream_t *s, op_t *op) {
	ctx_t *c = s->ctx;
	if (s->legacy) {
		for (stream_t *o = c->streams; o; o = o->next) {
			if (!(o->flags & CU_STREAM_NON_BLOCKING)) stream_drain(o);
		}
	} else if (!(s->flags & CU_STREAM_NON_BLOCKING) && c->null_stream) {
		stream_drain(c->null_stream);
	}
	op->seq = ++s->enq;
	if (s->tail) s->tail->next = op;
	else s->head = op;
	s->tail = op;
	if (!S.lazy) s->released = s->enq;
	pthread_cond_broadcast(&s->cv);
}

/* trace_stream notes s, and the launches queued on the context's other
 * streams that have not run yet, for the call's trace line (G held). */
static void trace_stream(stream_t *s) {
	if (!S.trace[0]) return;
	T.stream = s->o.id;
	int busy = 0;
	ctx_t *c = s->ctx;
	for (stream_t *o = c->streams; o; o = o->next) {
		if (o == s) continue;
		for (op_t *op = o->head; op; op = op->next) busy += op->kind == OP_LAUNCH;
	}
	T.busy = busy;
}

/* ---- initialisation and devices ---------------------------------------- */

API CUresult cuGetErrorName(CUresult error, const char **pStr) {
	if (pStr == NULL) return CUDA_ERROR_INVALID_VALUE;
	*pStr = result_name(error);
	return *pStr ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

API CUresult cuGetErrorString(CUresult error, const char **pStr) { return cuGetErrorName(error, pStr); }

/* The probe looks this up (gpu/probe.go, cpuBackedSymbol) so that reports
 * label the plugin's runs on this library as emulated: results, not a
 * GPU's speed. */
API const char corescale_cpu_backed_driver[] = "fakecuda, a CPU-backed CUDA driver (results, not speed)";

API CUresult cuDriverGetVersion(int *driverVersion) {
	pthread_mutex_lock(&G);
	if (!loaded) {
		load_settings();
		loaded = 1;
	}
	CUresult r = CUDA_SUCCESS;
	if (driverVersion == NULL) r = CUDA_ERROR_INVALID_VALUE;
	else *driverVersion = S.driver_version;
	pthread_mutex_unlock(&G);
	return r;
}

static int init_said;

API CUresult cuInit(unsigned int Flags) {
	CUresult r = enter();
	if (r != CUDA_ERROR_NOT_INITIALIZED) return leave("cuInit", r); /* initialised already, or lost */
	if (Flags != 0) r = fail(CUDA_ERROR_INVALID_VALUE, "flags %#x: must be 0", Flags);
	else if (S.bad[0]) r = fail(CUDA_ERROR_INVALID_VALUE, "%s", S.bad);
	else if (S.init_code) {
		r = fail(S.init_code, "failing as FAKECUDA_INIT=%d asks", (int)S.init_code);
		if (init_said++) r = quietly(r);
	} else if (S.ndev == 0) {
		r = fail(CUDA_ERROR_NO_DEVICE, "FAKECUDA_DEVICES=0");
		if (init_said++) r = quietly(r);
	} else {
		initialised = 1;
		r = CUDA_SUCCESS;
		log_line("init %d device(s), driver %d", S.ndev, S.driver_version);
	}
	return leave("cuInit", r);
}

static CUresult device(CUdevice dev) {
	if (dev < 0 || dev >= S.ndev) return fail(CUDA_ERROR_INVALID_DEVICE, "device %d: there are %d", dev, S.ndev);
	return CUDA_SUCCESS;
}

API CUresult cuDeviceGetCount(int *count) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS) {
		if (count == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "count is NULL");
		else *count = S.ndev;
	}
	return leave("cuDeviceGetCount", r);
}

API CUresult cuDeviceGet(CUdevice *d, int ordinal) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && d == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "device is NULL");
	if (r == CUDA_SUCCESS && (r = device(ordinal)) == CUDA_SUCCESS) *d = ordinal;
	return leave("cuDeviceGet", r);
}

API CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && (name == NULL || len <= 0)) r = fail(CUDA_ERROR_INVALID_VALUE, "name buffer NULL or of length %d", len);
	if (r == CUDA_SUCCESS && (r = device(dev)) == CUDA_SUCCESS) snprintf(name, (size_t)len, "%s", S.dev[dev].name);
	return leave("cuDeviceGetName", r);
}

API CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && bytes == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "bytes is NULL");
	if (r == CUDA_SUCCESS && (r = device(dev)) == CUDA_SUCCESS) *bytes = S.dev[dev].memory;
	return leave("cuDeviceTotalMem_v2", r);
}

API CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && pi == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "pi is NULL");
	if (r == CUDA_SUCCESS) r = device(dev);
	if (r != CUDA_SUCCESS) return leave("cuDeviceGetAttribute", r);
	const device_t *d = &S.dev[dev];
	int v;
	switch ((int)attrib) {
	case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_BLOCK: v = 1024; break;
	case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_X: v = 1024; break;
	case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Y: v = 1024; break;
	case CU_DEVICE_ATTRIBUTE_MAX_BLOCK_DIM_Z: v = 64; break;
	case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_X: v = INT_MAX; break;
	case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Y: v = 65535; break;
	case CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_Z: v = 65535; break;
	case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK: v = 48 << 10; break;
	case CU_DEVICE_ATTRIBUTE_TOTAL_CONSTANT_MEMORY: v = 64 << 10; break;
	case CU_DEVICE_ATTRIBUTE_WARP_SIZE: v = 32; break;
	case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_BLOCK: v = 65536; break;
	case CU_DEVICE_ATTRIBUTE_CLOCK_RATE: v = 1500000; break;
	case CU_DEVICE_ATTRIBUTE_TEXTURE_ALIGNMENT: v = 512; break;
	case CU_DEVICE_ATTRIBUTE_GPU_OVERLAP: v = 1; break;
	case CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT: v = d->sms; break;
	case CU_DEVICE_ATTRIBUTE_KERNEL_EXEC_TIMEOUT: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_INTEGRATED: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_CAN_MAP_HOST_MEMORY: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_COMPUTE_MODE: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_CONCURRENT_KERNELS: v = 1; break;
	case CU_DEVICE_ATTRIBUTE_ECC_ENABLED: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_PCI_BUS_ID: v = dev + 1; break;
	case CU_DEVICE_ATTRIBUTE_PCI_DEVICE_ID: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_PCI_DOMAIN_ID: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_TCC_DRIVER: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE: v = 877000; break;
	case CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH: v = 4096; break;
	case CU_DEVICE_ATTRIBUTE_L2_CACHE_SIZE: v = 6 << 20; break;
	case CU_DEVICE_ATTRIBUTE_MAX_THREADS_PER_MULTIPROCESSOR: v = 2048; break;
	case CU_DEVICE_ATTRIBUTE_ASYNC_ENGINE_COUNT: v = 2; break;
	case CU_DEVICE_ATTRIBUTE_UNIFIED_ADDRESSING: v = 1; break;
	case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR: v = d->major; break;
	case CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR: v = d->minor; break;
	case CU_DEVICE_ATTRIBUTE_STREAM_PRIORITIES_SUPPORTED: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_MULTIPROCESSOR: v = 96 << 10; break;
	case CU_DEVICE_ATTRIBUTE_MAX_REGISTERS_PER_MULTIPROCESSOR: v = 65536; break;
	case CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_MULTI_GPU_BOARD: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_COOPERATIVE_LAUNCH: v = 0; break;
	case CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN: v = 96 << 10; break;
	case CU_DEVICE_ATTRIBUTE_MAX_BLOCKS_PER_MULTIPROCESSOR: v = 32; break;
	default:
		return leave("cuDeviceGetAttribute",
		             fail(CUDA_ERROR_INVALID_VALUE, "attribute %d is not modelled by fakecuda: add it to driver.c", (int)attrib));
	}
	*pi = v;
	return leave("cuDeviceGetAttribute", CUDA_SUCCESS);
}

/* ---- contexts ---------------------------------------------------------- */

static ctx_t *ctx_of(CUcontext h) { return (ctx_t *)lookup(h, K_CTX); }

API CUresult cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && pctx == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "pctx is NULL");
	if (r == CUDA_SUCCESS && (flags & ~(unsigned)CU_CTX_FLAGS_MASK)) r = fail(CUDA_ERROR_INVALID_VALUE, "flags %#x", flags);
	if (r == CUDA_SUCCESS) r = device(dev);
	if (r == CUDA_SUCCESS && ctx_depth == CTX_STACK) r = fail(CUDA_ERROR_INVALID_VALUE, "more than %d contexts pushed on this thread", CTX_STACK);
	if (r != CUDA_SUCCESS) return leave("cuCtxCreate_v2", r);
	ctx_t *c = calloc(1, sizeof *c);
	if (c == NULL || obj_register(&c->o, K_CTX) != 0) {
		free(c);
		return leave("cuCtxCreate_v2", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	}
	c->dev = dev, c->flags = flags, c->serial = ++context_serial;
	live_contexts++;
	ctx_stack[ctx_depth++] = c->o.id;
	*pctx = handle(&c->o);
	log_line("ctx-create %d device %d", c->serial, dev);
	return leave("cuCtxCreate_v2", CUDA_SUCCESS);
}

/* count_leaks describes what is still alive in c, or returns 0. */
static int count_leaks(ctx_t *c, char *out, size_t n) {
	size_t nalloc = 0, abytes = 0, npinned = 0, pbytes = 0, nstreams = 0, nevents = 0;
	for (alloc_t *a = c->allocs; a; a = a->next) nalloc++, abytes += a->size;
	for (pinned_t *p = c->pinned; p; p = p->next) npinned++, pbytes += p->size;
	for (stream_t *s = c->streams; s; s = s->next) nstreams++;
	for (event_t *e = c->events; e; e = e->next) nevents++;
	if (nalloc + npinned + nstreams + nevents == 0) return 0;
	snprintf(out, n,
	         "context %d destroyed with %zu device allocation(s) (%zu bytes), %zu page-locked host buffer(s) (%zu bytes), "
	         "%zu stream(s), %zu event(s) still alive",
	         c->serial, nalloc, abytes, npinned, pbytes, nstreams, nevents);
	return 1;
}

static void module_free(module_t *m) {
	for (func_t *f = m->funcs, *next; f; f = next) {
		next = f->next;
		forget(&f->o);
		free(f);
	}
	ptx_free(&m->ptx);
	forget(&m->o);
	free(m);
}

/* teardown waits for c's work, frees all it holds and marks it destroyed;
 * leaks describes what was still alive, unless the context had failed
 * (G held). The context object stays, so that threads it is still current
 * on get CUDA_ERROR_CONTEXT_IS_DESTROYED. */
static int teardown(ctx_t *c, char *leaks, size_t n) {
	ctx_drain(c);
	int leaked = !c->sticky && !lost_dev[c->dev] && count_leaks(c, leaks, n);
	c->destroyed = 1; /* calls from other threads now see a destroyed context */
	while (c->streams) {
		stream_t *s = c->streams;
		c->streams = s->next;
		stream_end(s);
	}
	if (c->null_stream) stream_end(c->null_stream), c->null_stream = NULL;
	for (event_t *e = c->events, *next; e; e = next) {
		next = e->next;
		mark_put(e->last);
		forget(&e->o);
		free(e);
	}
	c->events = NULL;
	for (module_t *m = c->modules, *next; m; m = next) next = m->next, module_free(m);
	c->modules = NULL;
	for (alloc_t *a = c->allocs, *next; a; a = next) {
		next = a->next;
		S.dev[c->dev].used -= a->charged;
		munmap(a->map, a->maplen);
		free(a);
	}
	c->allocs = NULL;
	for (pinned_t *p = c->pinned, *next; p; p = next) {
		next = p->next;
		munmap(p->base, p->maplen);
		free(p);
	}
	c->pinned = NULL;
	live_contexts--;
	return leaked;
}

API CUresult cuCtxDestroy_v2(CUcontext h) {
	CUresult r = enter();
	if (r != CUDA_SUCCESS) return leave("cuCtxDestroy_v2", r);
	ctx_t *c = ctx_of(h);
	if (c == NULL) return leave("cuCtxDestroy_v2", fail(CUDA_ERROR_INVALID_CONTEXT, "%p is not a context", (void *)h));
	if (c->destroyed) return leave("cuCtxDestroy_v2", fail(CUDA_ERROR_INVALID_CONTEXT, "context %d is destroyed already", c->serial));
	if (c->primary)
		return leave("cuCtxDestroy_v2", fail(CUDA_ERROR_INVALID_CONTEXT, "context %d is device %d's primary context: release it with cuDevicePrimaryCtxRelease", c->serial, c->dev));
	char leaks[512] = "";
	int leaked = teardown(c, leaks, sizeof leaks);
	if (ctx_depth > 0 && ctx_stack[ctx_depth - 1] == c->o.id) ctx_depth--;
	log_line("ctx-destroy %d%s%s", c->serial, leaked ? " leak: " : "", leaked ? leaks : "");
	if (leaked) {
		if (!S.quiet) fprintf(stderr, "fakecuda: leak: %s\n", leaks);
		if (S.strict) r = fail(CUDA_ERROR_ILLEGAL_STATE, "FAKECUDA_STRICT=1 makes a leak an error");
	}
	return leave("cuCtxDestroy_v2", r);
}

/* Each device's primary context (object id, 0 none) and its retain count:
 * retained, it is the same context for every caller; released as often as
 * retained, it is destroyed, reporting what was still alive in it. */
static unsigned primary_ctx[MAX_DEVICES];
static int primary_refs[MAX_DEVICES];

API CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && pctx == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "pctx is NULL");
	if (r == CUDA_SUCCESS) r = device(dev);
	if (r == CUDA_SUCCESS) T.dev = dev;
	if (r == CUDA_SUCCESS && lost_dev[dev]) r = quietly(lost_dev[dev]);
	if (r != CUDA_SUCCESS) return leave("cuDevicePrimaryCtxRetain", r);
	if (primary_refs[dev] == 0) {
		ctx_t *c = calloc(1, sizeof *c);
		if (c == NULL || obj_register(&c->o, K_CTX) != 0) {
			free(c);
			return leave("cuDevicePrimaryCtxRetain", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
		}
		c->dev = dev, c->primary = 1, c->serial = ++context_serial;
		live_contexts++;
		primary_ctx[dev] = c->o.id;
		log_line("ctx-create %d device %d primary", c->serial, dev);
	}
	primary_refs[dev]++;
	ctx_t *c = (ctx_t *)objs[primary_ctx[dev]];
	T.ctx = c->serial;
	*pctx = handle(&c->o);
	return leave("cuDevicePrimaryCtxRetain", CUDA_SUCCESS);
}

API CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev) {
	pthread_mutex_lock(&G);
	if (!loaded) load_settings(), loaded = 1;
	detail[0] = 0, detail_said = 0;
	memset(&T, 0, sizeof T);
	T.ctx = T.busy = -1;
	T.dev = dev;
	/* allowed on a lost device, so that a caller can let go of it */
	CUresult r = initialised ? device(dev) : fail(CUDA_ERROR_NOT_INITIALIZED, "cuInit has not succeeded");
	if (r == CUDA_SUCCESS && primary_refs[dev] == 0)
		r = fail(CUDA_ERROR_INVALID_CONTEXT, "device %d's primary context is not retained", dev);
	if (r != CUDA_SUCCESS) return leave("cuDevicePrimaryCtxRelease_v2", r);
	ctx_t *c = (ctx_t *)objs[primary_ctx[dev]];
	T.ctx = c->serial;
	if (--primary_refs[dev] > 0) return leave("cuDevicePrimaryCtxRelease_v2", CUDA_SUCCESS);
	char leaks[512] = "";
	int leaked = teardown(c, leaks, sizeof leaks);
	primary_ctx[dev] = 0;
	log_line("ctx-destroy %d%s%s", c->serial, leaked ? " leak: " : "", leaked ? leaks : "");
	if (leaked) {
		if (!S.quiet) fprintf(stderr, "fakecuda: leak: %s\n", leaks);
		if (S.strict) r = fail(CUDA_ERROR_ILLEGAL_STATE, "FAKECUDA_STRICT=1 makes a leak an error");
	}
	return leave("cuDevicePrimaryCtxRelease_v2", r);
}

API CUresult cuCtxPushCurrent_v2(CUcontext h) {
	CUresult r = enter_named();
	if (r != CUDA_SUCCESS) return leave("cuCtxPushCurrent_v2", r);
	ctx_t *c = ctx_of(h);
	if (c == NULL || c->destroyed) r = fail(CUDA_ERROR_INVALID_CONTEXT, "%p is not a live context", (void *)h);
	else if (ctx_depth == CTX_STACK) r = fail(CUDA_ERROR_INVALID_VALUE, "more than %d contexts pushed on this thread", CTX_STACK);
	else ctx_stack[ctx_depth++] = c->o.id;
	return leave("cuCtxPushCurrent_v2", r);
}

API CUresult cuCtxPopCurrent_v2(CUcontext *pctx) {
	CUresult r = enter();
	if (r != CUDA_SUCCESS) return leave("cuCtxPopCurrent_v2", r);
	if (ctx_depth == 0) return leave("cuCtxPopCurrent_v2", fail(CUDA_ERROR_INVALID_CONTEXT, "no context is current on this thread"));
	unsigned id = ctx_stack[--ctx_depth];
	if (pctx) *pctx = handle(&(obj){K_CTX, id});
	return leave("cuCtxPopCurrent_v2", CUDA_SUCCESS);
}

API CUresult cuCtxSetCurrent(CUcontext h) {
	CUresult r = enter_named();
	if (r != CUDA_SUCCESS) return leave("cuCtxSetCurrent", r);
	if (h == NULL) {
		if (ctx_depth > 0) ctx_depth--;
		return leave("cuCtxSetCurrent", CUDA_SUCCESS);
	}
	ctx_t *c = ctx_of(h);
	if (c == NULL || c->destroyed) return leave("cuCtxSetCurrent", fail(CUDA_ERROR_INVALID_CONTEXT, "%p is not a live context", (void *)h));
	/* NVIDIA leaves open whether a lost device's context can still be
	 * made current; a driver that refuses must not keep its primary
	 * context from being released. */
	if (S.lost_refuses_current && lost_dev[c->dev]) return leave("cuCtxSetCurrent", quietly(lost_dev[c->dev]));
	if (ctx_depth == 0) ctx_depth = 1;
	ctx_stack[ctx_depth - 1] = c->o.id;
	return leave("cuCtxSetCurrent", CUDA_SUCCESS);
}

API CUresult cuCtxGetCurrent(CUcontext *pctx) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS && pctx == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "pctx is NULL");
	if (r == CUDA_SUCCESS) *pctx = ctx_depth ? handle(&(obj){K_CTX, ctx_stack[ctx_depth - 1]}) : NULL;
	return leave("cuCtxGetCurrent", r);
}

API CUresult cuCtxGetDevice(CUdevice *d) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && d == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "device is NULL");
	if (r == CUDA_SUCCESS) *d = c->dev;
	return leave("cuCtxGetDevice", r);
}

API CUresult cuCtxSynchronize(void) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) {
		ctx_drain(c);
		if (lost_dev[c->dev]) r = quietly(lost_dev[c->dev]);
		else if (c->sticky) r = quietly(c->sticky);
	}
	return leave("cuCtxSynchronize", r);
}

/* ---- modules ----------------------------------------------------------- */

API CUresult cuModuleLoadData(CUmodule *module, const void *image) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && (module == NULL || image == NULL)) r = fail(CUDA_ERROR_INVALID_VALUE, "module or image is NULL");
	if (r != CUDA_SUCCESS) return leave("cuModuleLoadData", r);
	const unsigned char *b = image;
	if (memcmp(b, "\x7f" "ELF", 4) == 0 || memcmp(b, "\x50\xed\x55\xba", 4) == 0)
		return leave("cuModuleLoadData", fail(CUDA_ERROR_NOT_SUPPORTED, "a cubin or fatbin image: fakecuda runs PTX text only"));
	module_t *m = calloc(1, sizeof *m);
	if (m == NULL) return leave("cuModuleLoadData", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	char why[256];
	if (ptx_parse(image, &m->ptx, why, sizeof why) != 0) {
		free(m);
		return leave("cuModuleLoadData", fail(CUDA_ERROR_INVALID_PTX, "the PTX does not parse: %s", why));
	}
	const ptx_module *p = &m->ptx;
	const device_t *d = &S.dev[c->dev];
	int need = ptx_isa_driver(p->isa_major, p->isa_minor);
	if (need == 0 || need > S.driver_version) {
		int nb = ptx_driver_branch(need), hb = ptx_driver_branch(S.driver_version);
		char needs[64], has[64];
		if (need == 0) snprintf(needs, sizeof needs, "a driver newer than any fakecuda knows");
		else if (nb) snprintf(needs, sizeof needs, "a driver for CUDA %d.%d (R%d or newer)", need / 1000, need % 1000 / 10, nb);
		else snprintf(needs, sizeof needs, "a driver for CUDA %d.%d", need / 1000, need % 1000 / 10);
		if (hb) snprintf(has, sizeof has, "CUDA %d.%d (R%d)", S.driver_version / 1000, S.driver_version % 1000 / 10, hb);
		else snprintf(has, sizeof has, "CUDA %d.%d", S.driver_version / 1000, S.driver_version % 1000 / 10);
		int major = p->isa_major, minor = p->isa_minor;
		ptx_free(&m->ptx);
		free(m);
		return leave("cuModuleLoadData", fail(CUDA_ERROR_UNSUPPORTED_PTX_VERSION, "PTX ISA %d.%d needs %s; this driver is %s",
		                                      major, minor, needs, has));
	}
	int cc = d->major * 10 + d->minor;
	size_t tl = strlen(p->target);
	int exact = tl > 0 && (p->target[tl - 1] == 'a' || p->target[tl - 1] == 'f');
	if (p->sm > cc || (exact && p->sm != cc)) {
		/* the JIT's ptxas refuses a .target above the device, which the
		 * driver reports as CUDA_ERROR_INVALID_PTX */
		char t[32];
		snprintf(t, sizeof t, "%s", p->target);
		ptx_free(&m->ptx);
		free(m);
		return leave("cuModuleLoadData", fail(CUDA_ERROR_INVALID_PTX, ".target %s is above device %d's compute capability %d.%d",
		                                      t, c->dev, d->major, d->minor));
	}
	for (int i = 0; i < p->nentries; i++) {
		if (p->entries[i].shared_bytes > 48 << 10) {
			/* what ptxas says of it when the real driver compiles the module */
			char name[PTX_NAME];
			snprintf(name, sizeof name, "%s", p->entries[i].name);
			long bytes = p->entries[i].shared_bytes;
			ptx_free(&m->ptx);
			free(m);
			return leave("cuModuleLoadData", fail(CUDA_ERROR_INVALID_PTX,
			                                      ".entry %s uses too much shared data: %ld bytes, over the 48 KiB of static "
			                                      "shared memory a block may have",
			                                      name, bytes));
		}
		if (p->entries[i].total > 4096) {
			char name[PTX_NAME];
			snprintf(name, sizeof name, "%s", p->entries[i].name);
			int total = p->entries[i].total;
			ptx_free(&m->ptx);
			free(m);
			return leave("cuModuleLoadData", fail(CUDA_ERROR_INVALID_PTX, ".entry %s takes %d bytes of parameters, over 4096", name, total));
		}
	}
	if (obj_register(&m->o, K_MOD) != 0) {
		ptx_free(&m->ptx);
		free(m);
		return leave("cuModuleLoadData", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of handles"));
	}
	m->ctx = c;
	m->next = c->modules;
	c->modules = m;
	*module = handle(&m->o);
	return leave("cuModuleLoadData", CUDA_SUCCESS);
}

static CUresult module_of(ctx_t *c, CUmodule h, module_t **out) {
	module_t *m = (module_t *)lookup(h, K_MOD);
	if (m == NULL) return fail(CUDA_ERROR_INVALID_HANDLE, "%p is not a loaded module", (void *)h);
	if (m->ctx != c)
		return fail(CUDA_ERROR_INVALID_CONTEXT, "the module belongs to context %d, but context %d is current on this thread",
		            m->ctx->serial, c->serial);
	*out = m;
	return CUDA_SUCCESS;
}

API CUresult cuModuleUnload(CUmodule h) {
	ctx_t *c;
	module_t *m;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = module_of(c, h, &m);
	if (r != CUDA_SUCCESS) return leave("cuModuleUnload", r);
	ctx_drain(c); /* no queued launch may outlive its code */
	for (module_t **p = &c->modules; *p; p = &(*p)->next) {
		if (*p == m) {
			*p = m->next;
			break;
		}
	}
	module_free(m);
	return leave("cuModuleUnload", CUDA_SUCCESS);
}

static int param_size(char letter) { return letter == '4' ? 4 : 8; }

API CUresult cuModuleGetFunction(CUfunction *hfunc, CUmodule hmod, const char *name) {
	ctx_t *c;
	module_t *m;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && (hfunc == NULL || name == NULL)) r = fail(CUDA_ERROR_INVALID_VALUE, "hfunc or name is NULL");
	if (r == CUDA_SUCCESS) r = module_of(c, hmod, &m);
	if (r != CUDA_SUCCESS) return leave("cuModuleGetFunction", r);
	for (func_t *f = m->funcs; f; f = f->next) {
		if (strcmp(f->entry->name, name) == 0) {
			*hfunc = handle(&f->o);
			return leave("cuModuleGetFunction", CUDA_SUCCESS);
		}
	}
	const ptx_entry *e = NULL;
	char names[512] = "";
	for (int i = 0; i < m->ptx.nentries; i++) {
		if (strcmp(m->ptx.entries[i].name, name) == 0) e = &m->ptx.entries[i];
		size_t k = strlen(names);
		snprintf(names + k, sizeof names - k, "%s%s", k ? ", " : "", m->ptx.entries[i].name);
	}
	if (e == NULL) return leave("cuModuleGetFunction", fail(CUDA_ERROR_NOT_FOUND, "the module has no .entry %s (it has: %s)", name, names));
	if (e->unsupported[0])
		return leave("cuModuleGetFunction",
		             fail(CUDA_ERROR_NOT_SUPPORTED,
		                  "kernel %s uses %s: fakecuda runs a block's threads as fibers that switch only at "
		                  "__syncthreads, so it cannot run that faithfully (see kernels/host_grid.h)",
		                  name, e->unsupported));
	const fakecuda_kernel *k = fakecuda_kernel_find(name);
	if (k == NULL)
		return leave("cuModuleGetFunction",
		             fail(CUDA_ERROR_NOT_SUPPORTED, "kernel %s has no host build in fakecuda: add it to gpu/fakecuda/kernels.cc", name));
	int same = (int)strlen(k->params) == e->nparams;
	for (int i = 0; same && i < e->nparams; i++) same = param_size(k->params[i]) == e->size[i];
	if (!same) {
		char ptxs[256] = "", hosts[256] = "";
		for (int i = 0; i < e->nparams; i++) {
			size_t n = strlen(ptxs);
			snprintf(ptxs + n, sizeof ptxs - n, "%s%d", i ? "," : "", e->size[i]);
		}
		for (int i = 0; k->params[i]; i++) {
			size_t n = strlen(hosts);
			snprintf(hosts + n, sizeof hosts - n, "%s%d", i ? "," : "", param_size(k->params[i]));
		}
		return leave("cuModuleGetFunction",
		             fail(CUDA_ERROR_NOT_SUPPORTED,
		                  "kernel %s: the PTX .entry takes parameters of (%s) bytes, fakecuda's host build (%s): "
		                  "rebuild the fake, or update gpu/fakecuda/kernels.cc",
		                  name, ptxs, hosts));
	}
	func_t *f = calloc(1, sizeof *f);
	if (f == NULL || obj_register(&f->o, K_FUNC) != 0) {
		free(f);
		return leave("cuModuleGetFunction", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	}
	f->mod = m, f->entry = e, f->kernel = k;
	f->next = m->funcs;
	m->funcs = f;
	*hfunc = handle(&f->o);
	return leave("cuModuleGetFunction", CUDA_SUCCESS);
}

/* ---- memory ------------------------------------------------------------ */

API CUresult cuMemGetInfo_v2(size_t *free_, size_t *total) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && (free_ == NULL || total == NULL)) r = fail(CUDA_ERROR_INVALID_VALUE, "free or total is NULL");
	if (r == CUDA_SUCCESS) {
		const device_t *d = &S.dev[c->dev];
		*free_ = d->memory - d->used;
		*total = d->memory;
	}
	return leave("cuMemGetInfo_v2", r);
}

API CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && dptr == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "dptr is NULL");
	if (r == CUDA_SUCCESS && bytesize == 0) r = fail(CUDA_ERROR_INVALID_VALUE, "an allocation of 0 bytes");
	if (r != CUDA_SUCCESS) return leave("cuMemAlloc_v2", r);
	T.bytes = (long long)bytesize;
	long call = ++alloc_calls, on_dev = ++dev_allocs[c->dev];
	if (hits(&S.fail_alloc, call, c->dev, on_dev))
		return leave("cuMemAlloc_v2", fail(S.fail_alloc.code, "allocation %ld of %zu bytes fails as FAKECUDA_FAIL_ALLOC=%s asks",
		                                   call, bytesize, S.fail_alloc.spec));
	device_t *d = &S.dev[c->dev];
	size_t charged = (bytesize + 511) / 512 * 512;
	if (charged < bytesize || charged > d->memory - d->used)
		return leave("cuMemAlloc_v2", fail(CUDA_ERROR_OUT_OF_MEMORY, "%zu bytes asked, %zu of %zu free on device %d", bytesize,
		                                   d->memory - d->used, d->memory, c->dev));
	size_t datalen = (bytesize + page() - 1) / page() * page();
	size_t maplen = datalen + 4 * page();
	unsigned char *map = mmap(NULL, maplen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	alloc_t *a = malloc(sizeof *a);
	if (map == MAP_FAILED || a == NULL || mprotect(map + page(), datalen + 2 * page(), PROT_READ | PROT_WRITE) != 0) {
		if (map != MAP_FAILED) munmap(map, maplen);
		free(a);
		return leave("cuMemAlloc_v2", fail(CUDA_ERROR_OUT_OF_MEMORY, "the host cannot map %zu bytes", maplen));
	}
	a->map = map, a->maplen = maplen, a->base = map + 2 * page(), a->size = bytesize, a->charged = charged;
	/* a GPU's memory is not zeroed: neither is this */
	memset(a->base, 0xcb, bytesize);
	guard_fill(a->base - page(), page());
	guard_fill(a->base + bytesize, datalen - bytesize + page());
	a->next = c->allocs;
	c->allocs = a;
	d->used += charged;
	*dptr = (CUdeviceptr)(uintptr_t)a->base;
	return leave("cuMemAlloc_v2", CUDA_SUCCESS);
}

API CUresult cuMemFree_v2(CUdeviceptr dptr) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r != CUDA_SUCCESS) return leave("cuMemFree_v2", r);
	alloc_t **p = &c->allocs;
	while (*p && (uintptr_t)(*p)->base != (uintptr_t)dptr) p = &(*p)->next;
	if (*p == NULL) {
		alloc_t *in = alloc_at(c, (uintptr_t)dptr, 0);
		if (in) r = fail(CUDA_ERROR_INVALID_VALUE, "%#llx is inside the allocation at %#llx, not its start", dptr, (unsigned long long)(uintptr_t)in->base);
		else r = fail(CUDA_ERROR_INVALID_VALUE, "%#llx is not an allocation of context %d (freed twice?)", dptr, c->serial);
		return leave("cuMemFree_v2", r);
	}
	/* as on a GPU, freeing waits for the work that may still use it */
	ctx_drain(c);
	for (p = &c->allocs; *p && (uintptr_t)(*p)->base != (uintptr_t)dptr; p = &(*p)->next) {
	}
	if (*p == NULL) return leave("cuMemFree_v2", fail(CUDA_ERROR_INVALID_VALUE, "%#llx was freed by another thread meanwhile", dptr));
	alloc_t *a = *p;
	*p = a->next;
	S.dev[c->dev].used -= a->charged;
	munmap(a->map, a->maplen);
	free(a);
	return leave("cuMemFree_v2", lost_dev[c->dev] ? quietly(lost_dev[c->dev]) : c->sticky ? quietly(c->sticky) : CUDA_SUCCESS);
}

API CUresult cuMemAllocHost_v2(void **pp, size_t bytesize) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && pp == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "pp is NULL");
	if (r == CUDA_SUCCESS && bytesize == 0) r = fail(CUDA_ERROR_INVALID_VALUE, "an allocation of 0 bytes");
	T.bytes = (long long)bytesize;
	if (r != CUDA_SUCCESS) return leave("cuMemAllocHost_v2", r);
	size_t maplen = (bytesize + page() - 1) / page() * page();
	unsigned char *b = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pinned_t *h = malloc(sizeof *h);
	if (b == MAP_FAILED || h == NULL) {
		if (b != MAP_FAILED) munmap(b, maplen);
		free(h);
		return leave("cuMemAllocHost_v2", fail(CUDA_ERROR_OUT_OF_MEMORY, "the host cannot map %zu bytes", bytesize));
	}
	memset(b, 0xcd, bytesize);
	h->base = b, h->size = bytesize, h->maplen = maplen;
	h->next = c->pinned;
	c->pinned = h;
	*pp = b;
	return leave("cuMemAllocHost_v2", CUDA_SUCCESS);
}

API CUresult cuMemFreeHost(void *p) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r != CUDA_SUCCESS) return leave("cuMemFreeHost", r);
	pinned_t **q = &c->pinned;
	while (*q && (*q)->base != p) q = &(*q)->next;
	if (*q == NULL) return leave("cuMemFreeHost", fail(CUDA_ERROR_INVALID_VALUE, "%p is not page-locked memory of context %d", p, c->serial));
	ctx_drain(c); /* as cuMemFreeHost does, wait for copies that use it */
	for (q = &c->pinned; *q && (*q)->base != p; q = &(*q)->next) {
	}
	if (*q == NULL) return leave("cuMemFreeHost", fail(CUDA_ERROR_INVALID_VALUE, "%p was freed by another thread meanwhile", p));
	pinned_t *h = *q;
	*q = h->next;
	munmap(h->base, h->maplen);
	free(h);
	return leave("cuMemFreeHost", CUDA_SUCCESS);
}

/* device_range checks that n bytes at p lie in one allocation of c. */
static CUresult device_range(ctx_t *c, CUdeviceptr p, size_t n, const char *what) {
	if (alloc_at(c, (uintptr_t)p, n)) return CUDA_SUCCESS;
	alloc_t *in = alloc_at(c, (uintptr_t)p, 0);
	if (in)
		return fail(CUDA_ERROR_INVALID_VALUE, "the %s, %zu bytes at %#llx, runs %zu bytes past the end of the %zu-byte allocation at %#llx", what,
		            n, p, (size_t)((uintptr_t)p + n - ((uintptr_t)in->base + in->size)), in->size,
		            (unsigned long long)(uintptr_t)in->base);
	return fail(CUDA_ERROR_INVALID_VALUE, "the %s, %#llx, is not device memory of context %d", what, p, c->serial);
}

static CUresult copy_sync(ctx_t *c) {
	/* the legacy NULL stream: after everything queued on blocking streams */
	if (c->null_stream) stream_drain(c->null_stream);
	for (stream_t *s = c->streams; s; s = s->next) {
		if (!(s->flags & CU_STREAM_NON_BLOCKING)) stream_drain(s);
	}
	return lost_dev[c->dev] ? quietly(lost_dev[c->dev]) : c->sticky ? quietly(c->sticky) : CUDA_SUCCESS;
}

API CUresult cuMemcpyHtoD_v2(CUdeviceptr dst, const void *src, size_t n) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && n > 0 && src == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "the source is NULL");
	if (r == CUDA_SUCCESS && n > 0) r = device_range(c, dst, n, "destination");
	if (r == CUDA_SUCCESS && n > 0 && (r = copy_sync(c)) == CUDA_SUCCESS)
		memcpy((void *)(uintptr_t)dst, src, n);
	return leave("cuMemcpyHtoD_v2", r);
}

API CUresult cuMemcpyDtoH_v2(void *dst, CUdeviceptr src, size_t n) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && n > 0 && dst == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "the destination is NULL");
	if (r == CUDA_SUCCESS && n > 0) r = device_range(c, src, n, "source");
	if (r == CUDA_SUCCESS && n > 0 && (r = copy_sync(c)) == CUDA_SUCCESS)
		memcpy(dst, (void *)(uintptr_t)src, n);
	return leave("cuMemcpyDtoH_v2", r);
}

/* host_pinned checks that n bytes at p lie in one page-locked buffer of c:
 * the real driver would quietly make the copy synchronous, which hides the
 * overlap the caller meant to have. */
static CUresult host_pinned(ctx_t *c, const void *p, size_t n, const char *what) {
	if (p == NULL) return fail(CUDA_ERROR_INVALID_VALUE, "the %s is NULL", what);
	if (pinned_at(c, (uintptr_t)p, n)) return CUDA_SUCCESS;
	pinned_t *in = pinned_at(c, (uintptr_t)p, 0);
	if (in) return fail(CUDA_ERROR_INVALID_VALUE, "the %s, %zu bytes at %p, runs past the end of the %zu-byte page-locked buffer at %p", what, n, p, in->size, (void *)in->base);
	return fail(CUDA_ERROR_INVALID_VALUE,
	            "the %s, %p, is not page-locked memory of context %d: asynchronous copies need memory from cuMemAllocHost "
	            "(the real driver would make this copy synchronous)",
	            what, p, c->serial);
}

static CUresult copy_async(const char *fn, int kind, void *dst, const void *src, size_t n, CUstream h) {
	ctx_t *c;
	stream_t *s;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = resolve_stream(c, h, &s);
	if (r == CUDA_SUCCESS && n > 0) {
		if (kind == OP_HTOD) {
			r = device_range(c, (CUdeviceptr)(uintptr_t)dst, n, "destination");
			if (r == CUDA_SUCCESS) r = host_pinned(c, src, n, "source");
		} else {
			r = device_range(c, (CUdeviceptr)(uintptr_t)src, n, "source");
			if (r == CUDA_SUCCESS) r = host_pinned(c, dst, n, "destination");
		}
	}
	if (r != CUDA_SUCCESS || n == 0) return leave(fn, r);
	op_t *op = calloc(1, sizeof *op);
	if (op == NULL) return leave(fn, fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	op->kind = kind, op->dst = dst, op->src = src, op->n = n;
	trace_stream(s);
	T.bytes = (long long)n;
	enqueue(s, op);
	return leave(fn, CUDA_SUCCESS);
}

API CUresult cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n, CUstream h) {
	return copy_async("cuMemcpyHtoDAsync_v2", OP_HTOD, (void *)(uintptr_t)dst, src, n, h);
}

API CUresult cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n, CUstream h) {
	return copy_async("cuMemcpyDtoHAsync_v2", OP_DTOH, dst, (const void *)(uintptr_t)src, n, h);
}

/* ---- streams and events ------------------------------------------------ */

API CUresult cuStreamCreate(CUstream *ph, unsigned int flags) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && ph == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "phStream is NULL");
	if (r == CUDA_SUCCESS && (flags & ~(unsigned)CU_STREAM_NON_BLOCKING)) r = fail(CUDA_ERROR_INVALID_VALUE, "flags %#x", flags);
	if (r != CUDA_SUCCESS) return leave("cuStreamCreate", r);
	stream_t *s = stream_new(c, flags, 0);
	if (s == NULL) return leave("cuStreamCreate", fail(CUDA_ERROR_OUT_OF_MEMORY, "cannot start a stream thread"));
	T.stream = s->o.id;
	s->next = c->streams;
	c->streams = s;
	*ph = handle(&s->o);
	return leave("cuStreamCreate", CUDA_SUCCESS);
}

API CUresult cuStreamQuery(CUstream h) {
	ctx_t *c;
	stream_t *s;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = resolve_stream(c, h, &s);
	if (r == CUDA_SUCCESS) {
		stream_release(s, s->enq);
		r = s->done == s->enq ? CUDA_SUCCESS : CUDA_ERROR_NOT_READY;
	}
	return leave("cuStreamQuery", r);
}

API CUresult cuStreamSynchronize(CUstream h) {
	ctx_t *c;
	stream_t *s;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = resolve_stream(c, h, &s);
	if (r == CUDA_SUCCESS) {
		T.stream = s->o.id;
		stream_drain(s);
		if (lost_dev[c->dev]) r = quietly(lost_dev[c->dev]);
		else if (c->sticky) r = quietly(c->sticky);
	}
	return leave("cuStreamSynchronize", r);
}

API CUresult cuStreamDestroy_v2(CUstream h) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	if (r != CUDA_SUCCESS) return leave("cuStreamDestroy_v2", r);
	stream_t *s = (stream_t *)lookup(h, K_STREAM);
	if (s == NULL || s->legacy) return leave("cuStreamDestroy_v2", fail(CUDA_ERROR_INVALID_HANDLE, "%p is not a live stream", (void *)h));
	if (s->ctx != c)
		return leave("cuStreamDestroy_v2", fail(CUDA_ERROR_INVALID_CONTEXT, "the stream belongs to context %d, but context %d is current", s->ctx->serial, c->serial));
	for (stream_t **p = &c->streams; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			break;
		}
	}
	/* the real driver returns at once and finishes the stream's work in the
	 * background; finishing it first is the same to a correct caller */
	stream_end(s);
	return leave("cuStreamDestroy_v2", CUDA_SUCCESS);
}

static CUresult event_of(ctx_t *c, CUevent h, event_t **out) {
	event_t *e = (event_t *)lookup(h, K_EVENT);
	if (e == NULL) return fail(CUDA_ERROR_INVALID_HANDLE, "%p is not a live event", (void *)h);
	if (e->ctx != c)
		return fail(CUDA_ERROR_INVALID_CONTEXT, "the event belongs to context %d, but context %d is current on this thread", e->ctx->serial, c->serial);
	*out = e;
	return CUDA_SUCCESS;
}

API CUresult cuEventCreate(CUevent *ph, unsigned int flags) {
	ctx_t *c;
	CUresult r = enter_ctx(&c);
	unsigned all = CU_EVENT_BLOCKING_SYNC | CU_EVENT_DISABLE_TIMING | CU_EVENT_INTERPROCESS;
	if (r == CUDA_SUCCESS && ph == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "phEvent is NULL");
	if (r == CUDA_SUCCESS && ((flags & ~all) || ((flags & CU_EVENT_INTERPROCESS) && !(flags & CU_EVENT_DISABLE_TIMING))))
		r = fail(CUDA_ERROR_INVALID_VALUE, "flags %#x", flags);
	if (r != CUDA_SUCCESS) return leave("cuEventCreate", r);
	event_t *e = calloc(1, sizeof *e);
	if (e == NULL || obj_register(&e->o, K_EVENT) != 0) {
		free(e);
		return leave("cuEventCreate", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	}
	e->ctx = c, e->flags = flags;
	e->next = c->events;
	c->events = e;
	*ph = handle(&e->o);
	return leave("cuEventCreate", CUDA_SUCCESS);
}

API CUresult cuEventRecord(CUevent h, CUstream hs) {
	ctx_t *c;
	event_t *e;
	stream_t *s;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = event_of(c, h, &e);
	if (r == CUDA_SUCCESS) r = resolve_stream(c, hs, &s);
	if (r != CUDA_SUCCESS) return leave("cuEventRecord", r);
	mark_t *m = calloc(1, sizeof *m);
	op_t *op = calloc(1, sizeof *op);
	if (m == NULL || op == NULL) {
		free(m), free(op);
		return leave("cuEventRecord", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	}
	m->refs = 2, m->s = s;
	op->kind = OP_RECORD, op->mark = m;
	T.stream = s->o.id;
	enqueue(s, op);
	m->seq = op->seq;
	mark_put(e->last);
	e->last = m;
	return leave("cuEventRecord", CUDA_SUCCESS);
}

API CUresult cuEventQuery(CUevent h) {
	ctx_t *c;
	event_t *e;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = event_of(c, h, &e);
	if (r == CUDA_SUCCESS && e->last && !e->last->done) {
		stream_release(e->last->s, e->last->seq);
		r = CUDA_ERROR_NOT_READY;
	}
	return leave("cuEventQuery", r);
}

API CUresult cuEventSynchronize(CUevent h) {
	ctx_t *c;
	event_t *e;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = event_of(c, h, &e);
	if (r == CUDA_SUCCESS && e->last) {
		mark_t *m = e->last;
		m->refs++;
		if (!m->done) stream_wait(m->s, m->seq);
		mark_put(m);
		if (lost_dev[c->dev]) r = quietly(lost_dev[c->dev]);
		else if (c->sticky) r = quietly(c->sticky);
	}
	return leave("cuEventSynchronize", r);
}

API CUresult cuEventElapsedTime(float *ms, CUevent hStart, CUevent hEnd) {
	ctx_t *c;
	event_t *a, *b;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS && ms == NULL) r = fail(CUDA_ERROR_INVALID_VALUE, "pMilliseconds is NULL");
	if (r == CUDA_SUCCESS) r = event_of(c, hStart, &a);
	if (r == CUDA_SUCCESS) r = event_of(c, hEnd, &b);
	if (r == CUDA_SUCCESS && ((a->flags | b->flags) & CU_EVENT_DISABLE_TIMING))
		r = fail(CUDA_ERROR_INVALID_HANDLE, "an event created with CU_EVENT_DISABLE_TIMING has no time");
	if (r == CUDA_SUCCESS && (a->last == NULL || b->last == NULL))
		r = fail(CUDA_ERROR_INVALID_HANDLE, "the %s event has never been recorded", a->last == NULL ? "start" : "end");
	if (r == CUDA_SUCCESS && (!a->last->done || !b->last->done)) {
		/* not waited for: the real driver answers NOT_READY, and so does this */
		if (!a->last->done) stream_release(a->last->s, a->last->seq);
		if (!b->last->done) stream_release(b->last->s, b->last->seq);
		r = CUDA_ERROR_NOT_READY;
	}
	if (r == CUDA_SUCCESS) {
		const struct timespec *t0 = &a->last->at, *t1 = &b->last->at;
		*ms = (float)((double)(t1->tv_sec - t0->tv_sec) * 1e3 + (double)(t1->tv_nsec - t0->tv_nsec) / 1e6);
	}
	return leave("cuEventElapsedTime", r);
}

API CUresult cuEventDestroy_v2(CUevent h) {
	ctx_t *c;
	event_t *e;
	CUresult r = enter_ctx(&c);
	if (r == CUDA_SUCCESS) r = event_of(c, h, &e);
	if (r != CUDA_SUCCESS) return leave("cuEventDestroy_v2", r);
	for (event_t **p = &c->events; *p; p = &(*p)->next) {
		if (*p == e) {
			*p = e->next;
			break;
		}
	}
	mark_put(e->last); /* a pending recording completes without it */
	forget(&e->o);
	free(e);
	return leave("cuEventDestroy_v2", CUDA_SUCCESS);
}

/* ---- launches ---------------------------------------------------------- */

/* safe_read copies n bytes from src, which the caller gave and which may
 * not be readable, without faulting. */
static int safe_read(void *dst, const void *src, size_t n) {
	if (n == 0) return 0;
	struct iovec local = {dst, n}, remote = {(void *)src, n};
	ssize_t got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	if (got == (ssize_t)n) return 0;
	if (got < 0 && (errno == ENOSYS || errno == EPERM)) {
		memcpy(dst, src, n); /* no way to check here: trust the caller */
		return 0;
	}
	return -1;
}

static CUresult check_dims(const unsigned g[3], const unsigned b[3], unsigned shared) {
	static const char axis[] = "xyz";
	for (int i = 0; i < 3; i++) {
		if (g[i] == 0) return fail(CUDA_ERROR_INVALID_VALUE, "grid (%u, %u, %u): %c is 0", g[0], g[1], g[2], axis[i]);
		if (b[i] == 0) return fail(CUDA_ERROR_INVALID_VALUE, "block (%u, %u, %u): %c is 0", b[0], b[1], b[2], axis[i]);
	}
	if (g[0] > (unsigned)INT_MAX) return fail(CUDA_ERROR_INVALID_VALUE, "grid (%u, %u, %u): x is over 2147483647 blocks", g[0], g[1], g[2]);
	for (int i = 1; i < 3; i++) {
		if (g[i] > 65535)
			return fail(CUDA_ERROR_INVALID_VALUE, "grid (%u, %u, %u): %c is over 65535 blocks (CU_DEVICE_ATTRIBUTE_MAX_GRID_DIM_%c)", g[0],
			            g[1], g[2], axis[i], axis[i] - 32);
	}
	if (b[0] > 1024 || b[1] > 1024 || b[2] > 64)
		return fail(CUDA_ERROR_INVALID_VALUE, "block (%u, %u, %u): over (1024, 1024, 64)", b[0], b[1], b[2]);
	if ((unsigned long long)b[0] * b[1] * b[2] > 1024)
		return fail(CUDA_ERROR_INVALID_VALUE, "block (%u, %u, %u): %llu threads, over 1024", b[0], b[1], b[2],
		            (unsigned long long)b[0] * b[1] * b[2]);
	if (shared > 48 << 10) return fail(CUDA_ERROR_INVALID_VALUE, "%u bytes of dynamic shared memory, over 48 KiB", shared);
	return CUDA_SUCCESS;
}

/* gather copies the arguments into a buffer laid out as the .entry's
 * parameters, from kernelParams (a pointer to each value) or from extra's
 * packed buffer, whose size must be the .entry's. */
static CUresult gather(const ptx_entry *e, void **kernelParams, void **extra, unsigned char *buf) {
	if (kernelParams && extra) return fail(CUDA_ERROR_INVALID_VALUE, "both kernelParams and extra are given");
	if (kernelParams) {
		for (int i = 0; i < e->nparams; i++) {
			void *p;
			if (safe_read(&p, &kernelParams[i], sizeof p) != 0)
				return fail(CUDA_ERROR_INVALID_VALUE, "%s takes %d parameters, but kernelParams[%d] cannot be read", e->name, e->nparams, i);
			if (safe_read(buf + e->offset[i], p, (size_t)e->size[i]) != 0)
				return fail(CUDA_ERROR_INVALID_VALUE,
				            "%s parameter %d: kernelParams[%d] = %p, and %d bytes cannot be read there (is the argument list "
				            "shorter than the kernel's %d parameters?)",
				            e->name, i, i, p, e->size[i], e->nparams);
		}
		return CUDA_SUCCESS;
	}
	if (extra) {
		void *ptr = NULL;
		size_t *size = NULL;
		for (int i = 0; i < 16; i += 2) {
			void *key;
			if (safe_read(&key, &extra[i], sizeof key) != 0) return fail(CUDA_ERROR_INVALID_VALUE, "extra[%d] cannot be read", i);
			if (key == CU_LAUNCH_PARAM_END) break;
			void *val;
			if (safe_read(&val, &extra[i + 1], sizeof val) != 0) return fail(CUDA_ERROR_INVALID_VALUE, "extra[%d] cannot be read", i + 1);
			if (key == CU_LAUNCH_PARAM_BUFFER_POINTER) ptr = val;
			else if (key == CU_LAUNCH_PARAM_BUFFER_SIZE) size = val;
			else return fail(CUDA_ERROR_INVALID_VALUE, "extra[%d] = %p is not a CU_LAUNCH_PARAM_* key", i, key);
		}
		size_t n;
		if (ptr == NULL || size == NULL || safe_read(&n, size, sizeof n) != 0)
			return fail(CUDA_ERROR_INVALID_VALUE, "extra needs both CU_LAUNCH_PARAM_BUFFER_POINTER and CU_LAUNCH_PARAM_BUFFER_SIZE");
		/* the parameters' bytes, or as a C struct of them lays them out
		 * (padded to its largest alignment) */
		int most = 1;
		for (int i = 0; i < e->nparams; i++) most = e->align[i] > most ? e->align[i] : most;
		size_t padded = ((size_t)e->total + most - 1) / most * most;
		if (n < (size_t)e->total || n > padded)
			return fail(CUDA_ERROR_INVALID_VALUE, "%s: an argument buffer of %zu bytes, but its .entry's %d parameters take %d%s", e->name,
			            n, e->nparams, e->total, padded != (size_t)e->total ? " (or padded, as a struct)" : "");
		if (safe_read(buf, ptr, (size_t)e->total) != 0) return fail(CUDA_ERROR_INVALID_VALUE, "the argument buffer at %p cannot be read", ptr);
		return CUDA_SUCCESS;
	}
	if (e->nparams > 0) return fail(CUDA_ERROR_INVALID_VALUE, "%s takes %d parameters, and neither kernelParams nor extra is given", e->name, e->nparams);
	return CUDA_SUCCESS;
}


API CUresult cuLaunchKernel(CUfunction hf, unsigned int gx, unsigned int gy, unsigned int gz, unsigned int bx, unsigned int by,
                            unsigned int bz, unsigned int shared, CUstream hs, void **kernelParams, void **extra) {
	ctx_t *c;
	stream_t *s;
	CUresult r = enter_ctx(&c);
	if (r != CUDA_SUCCESS) return leave("cuLaunchKernel", r);
	func_t *f = (func_t *)lookup(hf, K_FUNC);
	if (f == NULL) return leave("cuLaunchKernel", fail(CUDA_ERROR_INVALID_HANDLE, "%p is not a function of a loaded module", (void *)hf));
	if (f->mod->ctx != c)
		return leave("cuLaunchKernel", fail(CUDA_ERROR_INVALID_CONTEXT, "%s belongs to context %d, but context %d is current on this thread",
		                                    f->entry->name, f->mod->ctx->serial, c->serial));
	const unsigned grid[3] = {gx, gy, gz}, block[3] = {bx, by, bz};
	if ((r = check_dims(grid, block, shared)) != CUDA_SUCCESS) {
		char d[sizeof detail];
		snprintf(d, sizeof d, "%.200s: %.500s", f->entry->name, detail);
		return leave("cuLaunchKernel", fail(r, "%s", d));
	}
	if ((r = resolve_stream(c, hs, &s)) != CUDA_SUCCESS) return leave("cuLaunchKernel", r);
	unsigned char *buf = calloc(1, (size_t)f->entry->total + 8);
	op_t *op = calloc(1, sizeof *op);
	if (buf == NULL || op == NULL) {
		free(buf), free(op);
		return leave("cuLaunchKernel", fail(CUDA_ERROR_OUT_OF_MEMORY, "out of host memory"));
	}
	if ((r = gather(f->entry, kernelParams, extra, buf)) != CUDA_SUCCESS) {
		free(buf), free(op);
		return leave("cuLaunchKernel", r);
	}
	long call = ++launch_calls, on_dev = ++dev_launches[c->dev];
	op->kind = OP_LAUNCH, op->f = f, op->params = buf, op->launch = call;
	memcpy(op->grid, grid, sizeof grid);
	memcpy(op->block, block, sizeof block);
	if (hits(&S.fail_launch, call, c->dev, on_dev)) {
		CUresult code = S.fail_launch.code;
		int async = code == CUDA_ERROR_LAUNCH_FAILED || code == CUDA_ERROR_ILLEGAL_ADDRESS || code == CUDA_ERROR_LAUNCH_TIMEOUT ||
		            code == CUDA_ERROR_ASSERT || (code >= CUDA_ERROR_HARDWARE_STACK_ERROR && code <= CUDA_ERROR_INVALID_PC);
		if (!async) {
			free(buf), free(op);
			return leave("cuLaunchKernel", fail(code, "launch %ld of %s fails as FAKECUDA_FAIL_LAUNCH=%s asks", call, f->entry->name, S.fail_launch.spec));
		}
		op->kind = OP_FAIL, op->code = code; /* the kernel faults when it runs */
	}
	trace_stream(s);
	T.kernel = f->entry->name;
	snprintf(T.grid, sizeof T.grid, "%u,%u,%u", gx, gy, gz);
	enqueue(s, op);
	log_line("launch %ld %s grid %u,%u,%u block %u,%u,%u shared %ld", call, f->entry->name, gx, gy, gz, bx, by, bz,
	         f->entry->shared_bytes + (long)shared);
	if (hits(&S.lose_device, call, c->dev, on_dev)) {
		CUresult code = lost_dev[c->dev] = S.lose_device.code;
		/* once per device: a fault fires at one count of its calls */
		say("the device is lost after launch %ld (device %d), as FAKECUDA_LOSE_DEVICE=%s asks: every call on it answers %s (%d) from now on",
		    call, c->dev, S.lose_device.spec, result_name(code) ? result_name(code) : "CUresult", (int)code);
		/* wake the device's streams: their threads drop the work left */
		for (unsigned i = 1; i < nobjs; i++) {
			if (objs[i] && objs[i]->kind == K_STREAM && ((stream_t *)objs[i])->ctx->dev == c->dev)
				stream_release((stream_t *)objs[i], ~0ULL);
		}
	}
	return leave("cuLaunchKernel", CUDA_SUCCESS);
}

/* ---- the rest ---------------------------------------------------------- */

/* fakecuda_stub answers a call fakecuda does not implement (stubs.c). */
__attribute__((visibility("hidden"))) CUresult fakecuda_stub(const char *fn) {
	CUresult r = enter();
	if (r == CUDA_SUCCESS || r == CUDA_ERROR_NOT_INITIALIZED)
		r = fail(CUDA_ERROR_NOT_SUPPORTED, "not implemented by fakecuda (corescale does not call it; add it to driver.c if it now does)");
	return leave(fn, r);
}

CUresult fakecuda_reset(void) {
	pthread_mutex_lock(&G);
	/* a test that lost its device cannot destroy its contexts: do it here */
	CUresult was_lost[MAX_DEVICES];
	memcpy(was_lost, lost_dev, sizeof was_lost);
	memset(lost_dev, 0, sizeof lost_dev);
	char leaks[512];
	for (unsigned i = 1; i < nobjs; i++) {
		if (objs[i] && objs[i]->kind == K_CTX && !((ctx_t *)objs[i])->destroyed) {
			ctx_t *c = (ctx_t *)objs[i];
			if (was_lost[c->dev]) c->sticky = was_lost[c->dev]; /* skip the work left, as the lost device did */
			teardown(c, leaks, sizeof leaks);
		}
	}
	memset(primary_ctx, 0, sizeof primary_ctx);
	memset(primary_refs, 0, sizeof primary_refs);
	ctx_depth = 0;
	loaded = initialised = 0;
	alloc_calls = launch_calls = trace_calls = 0;
	memset(dev_launches, 0, sizeof dev_launches);
	memset(dev_allocs, 0, sizeof dev_allocs);
	init_said = 0;
	pthread_mutex_unlock(&G);
	return CUDA_SUCCESS;
}
