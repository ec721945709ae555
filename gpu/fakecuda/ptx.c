/* ptx.c — a reader of PTX text, as much as a driver needs before it compiles
 * a module: the header, and each .entry's parameters, which fix the layout
 * of the argument buffer a launch must fill. */
#include "ptx.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each PTX ISA version and the CUDA release that introduced it: a driver
 * older than that release refuses the module with
 * CUDA_ERROR_UNSUPPORTED_PTX_VERSION. From NVIDIA's PTX ISA release notes. */
static const struct {
	int major, minor, cuda;
} isa_table[] = {
	{6, 0, 9000},  {6, 1, 9010},  {6, 2, 9020},  {6, 3, 10000}, {6, 4, 10010}, {6, 5, 10020},
	{7, 0, 11000}, {7, 1, 11010}, {7, 2, 11020}, {7, 3, 11030}, {7, 4, 11040}, {7, 5, 11050},
	{7, 6, 11060}, {7, 7, 11070}, {7, 8, 11080}, {8, 0, 12000}, {8, 1, 12010}, {8, 2, 12020},
	{8, 3, 12030}, {8, 4, 12040}, {8, 5, 12050}, {8, 6, 12070}, {8, 7, 12080}, {8, 8, 12090},
	{9, 0, 13000},
};

int ptx_isa_driver(int major, int minor) {
	if (major < 6) return 8000; /* CUDA 8 and older: any driver fakecuda claims to be */
	for (size_t i = 0; i < sizeof isa_table / sizeof isa_table[0]; i++) {
		if (isa_table[i].major == major && isa_table[i].minor == minor) return isa_table[i].cuda;
	}
	return 0;
}

/* The Linux driver branch that shipped with each CUDA release. */
static const struct {
	int cuda, branch;
} branch_table[] = {
	{11000, 450}, {11010, 455}, {11020, 460}, {11030, 465}, {11040, 470}, {11050, 495},
	{11060, 510}, {11070, 515}, {11080, 520}, {12000, 525}, {12010, 530}, {12020, 535},
	{12030, 545}, {12040, 550}, {12050, 555}, {12060, 560}, {12080, 570}, {12090, 575},
	{13000, 580},
};

int ptx_driver_branch(int v) {
	for (size_t i = 0; i < sizeof branch_table / sizeof branch_table[0]; i++) {
		if (branch_table[i].cuda == v) return branch_table[i].branch;
	}
	return 0;
}

static int fail(char *why, size_t n, const char *format, ...) {
	va_list ap;
	va_start(ap, format);
	vsnprintf(why, n, format, ap);
	va_end(ap);
	return -1;
}

/* strip_comments returns a copy of text with // and block comments turned
 * into spaces (newlines kept, for line numbers). */
static char *strip_comments(const char *text) {
	size_t n = strlen(text);
	char *s = malloc(n + 1);
	if (s == NULL) return NULL;
	size_t i = 0;
	while (i < n) {
		if (text[i] == '/' && text[i + 1] == '/') {
			while (i < n && text[i] != '\n') s[i] = ' ', i++;
		} else if (text[i] == '/' && text[i + 1] == '*') {
			s[i] = s[i + 1] = ' ';
			i += 2;
			while (i < n && !(text[i] == '*' && text[i + 1] == '/')) {
				s[i] = text[i] == '\n' ? '\n' : ' ';
				i++;
			}
			if (i < n) s[i] = s[i + 1] = ' ', i += 2;
		} else if (text[i] == '"') {
			/* a string (in .file directives) may hold "//" */
			s[i] = text[i];
			i++;
			while (i < n && text[i] != '"' && text[i] != '\n') s[i] = text[i], i++;
			if (i < n) s[i] = text[i], i++;
		} else {
			s[i] = text[i];
			i++;
		}
	}
	s[n] = 0;
	return s;
}

static const char *skip_space(const char *p) {
	while (*p && isspace((unsigned char)*p)) p++;
	return p;
}

static int ident_char(char c) { return isalnum((unsigned char)c) || c == '_' || c == '$' || c == '%'; }

/* word copies the identifier or directive at p (with its leading dot) into
 * out and returns what follows it. */
static const char *word(const char *p, char *out, size_t n) {
	size_t k = 0;
	if (*p == '.') out[k++] = *p++;
	while (*p && ident_char(*p)) {
		if (k + 1 < n) out[k++] = *p;
		p++;
	}
	out[k] = 0;
	return p;
}

static int type_size(const char *t) {
	static const struct {
		const char *name;
		int size;
	} types[] = {
		{".u8", 1},  {".s8", 1},  {".b8", 1},  {".u16", 2}, {".s16", 2}, {".b16", 2}, {".f16", 2},
		{".u32", 4}, {".s32", 4}, {".b32", 4}, {".f32", 4}, {".u64", 8}, {".s64", 8}, {".b64", 8},
		{".f64", 8},
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		if (strcmp(t, types[i].name) == 0) return types[i].size;
	}
	return 0;
}

/* parse_params reads "( .param … , … )" at p into e. */
static const char *parse_params(const char *p, ptx_entry *e, char *why, size_t n) {
	p = skip_space(p);
	if (*p != '(') {
		fail(why, n, ".entry %s: no parameter list", e->name);
		return NULL;
	}
	p++;
	int end = 0;
	for (;;) {
		p = skip_space(p);
		if (*p == ')') {
			p++;
			break;
		}
		if (e->nparams == PTX_MAX_PARAMS) {
			fail(why, n, ".entry %s: more than %d parameters", e->name, PTX_MAX_PARAMS);
			return NULL;
		}
		char w[64];
		p = word(p, w, sizeof w);
		if (strcmp(w, ".param") != 0) {
			fail(why, n, ".entry %s: parameter %d: want .param, found \"%s\"", e->name, e->nparams, w);
			return NULL;
		}
		int size = 0, align = 0, count = 1;
		for (;;) {
			p = skip_space(p);
			if (*p != '.') break;
			p = word(p, w, sizeof w);
			if (strcmp(w, ".align") == 0) {
				p = skip_space(p);
				int a = (int)strtol(p, (char **)&p, 10);
				/* .param .align N .b8 name[M] aligns the parameter; an
				 * .align after the type (.ptr .global .align N) is the
				 * pointee's and leaves the layout alone */
				if (size == 0) align = a;
			} else if (strcmp(w, ".ptr") == 0 || strcmp(w, ".global") == 0 || strcmp(w, ".const") == 0 ||
			           strcmp(w, ".local") == 0 || strcmp(w, ".shared") == 0) {
				/* the pointee's state space: no effect on the layout */
			} else if (type_size(w) > 0 && size == 0) {
				size = type_size(w);
			} else {
				fail(why, n, ".entry %s: parameter %d: unknown \"%s\"", e->name, e->nparams, w);
				return NULL;
			}
		}
		if (size == 0) {
			fail(why, n, ".entry %s: parameter %d has no type", e->name, e->nparams);
			return NULL;
		}
		char name[PTX_NAME];
		p = word(p, name, sizeof name);
		if (name[0] == 0) {
			fail(why, n, ".entry %s: parameter %d has no name", e->name, e->nparams);
			return NULL;
		}
		p = skip_space(p);
		if (*p == '[') {
			count = (int)strtol(p + 1, (char **)&p, 10);
			p = skip_space(p);
			if (*p != ']' || count <= 0) {
				fail(why, n, ".entry %s: parameter %s: bad array size", e->name, name);
				return NULL;
			}
			p++;
		}
		if (align == 0) align = size;
		int bytes = size * count;
		int off = (end + align - 1) / align * align;
		e->size[e->nparams] = bytes;
		e->align[e->nparams] = align;
		e->offset[e->nparams] = off;
		e->nparams++;
		end = off + bytes;
		p = skip_space(p);
		if (*p == ',') p++;
		else if (*p != ')') {
			fail(why, n, ".entry %s: parameter %s: want , or )", e->name, name);
			return NULL;
		}
	}
	e->total = end;
	return p;
}

/* What fakecuda cannot run faithfully, even cooperatively (kernels/host_grid.h
 * runs a block's threads as fibers that switch only at bar.sync 0): warp-level
 * operations, which need threads in lockstep; barriers that only some threads
 * or a named subset meet, or that also reduce; clusters; and dynamic shared
 * memory, whose size the host build cannot know. Whole words only. */
static const char *const unsupported[] = {
	"bar.arrive", "bar.red",    "barrier.arrive", "barrier.red", "barrier.cluster", "bar.warp.sync",
	"shfl.",      "vote.",      "match.",         "activemask",  "redux.",          "elect.",
	"mbarrier.",  "cp.async.",
};

/* barrier_ok returns whether the bar.sync or barrier.sync at q (of len
 * chars) is the block-wide barrier 0 that __syncthreads emits, with no
 * thread count. */
static int barrier_ok(const char *q, size_t len) {
	const char *p = q + len;
	if (strncmp(p, ".aligned", 8) == 0) p += 8;
	p = skip_space(p);
	if (*p != '0') return 0;
	p = skip_space(p + 1);
	return *p == ';';
}

/* shared_decl adds the size of the .shared declaration at q
 * (".shared [.align N] .type name[[count]];") to e, or records why it
 * cannot. */
static void shared_decl(const char *q, ptx_entry *e) {
	const char *p = q + 7;
	char w[64];
	int size = 0;
	for (;;) {
		p = skip_space(p);
		if (*p != '.') break;
		p = word(p, w, sizeof w);
		if (strcmp(w, ".align") == 0) {
			p = skip_space(p);
			strtol(p, (char **)&p, 10);
		} else if (type_size(w) > 0) {
			size = type_size(w);
		}
	}
	char name[PTX_NAME];
	p = word(skip_space(p), name, sizeof name);
	p = skip_space(p);
	long count = 1;
	if (*p == '[') {
		p = skip_space(p + 1);
		if (*p == ']') {
			snprintf(e->unsupported, sizeof e->unsupported, "shared %.30s[] of no size", name);
			return;
		}
		count = strtol(p, (char **)&p, 10);
	}
	if (size == 0 || count <= 0) {
		snprintf(e->unsupported, sizeof e->unsupported, "an unreadable .shared %.30s", name);
		return;
	}
	e->shared_bytes += size * count;
}

/* scan_body reads the body at p: its shared-memory declarations, whether
 * it needs a cooperative launch, the first thing fakecuda cannot run, and
 * returns what follows the body. */
static const char *scan_body(const char *p, ptx_entry *e, char *why, size_t n) {
	p = skip_space(p);
	/* performance directives (.maxntid, .reqntid, .minnctapersm, .maxnreg) may come first */
	while (*p == '.') {
		char w[64];
		p = word(p, w, sizeof w);
		while (*p && *p != '{' && *p != '.' && *p != ';') p++;
		p = skip_space(p);
	}
	if (*p == ';') return p + 1; /* a declaration without a body */
	if (*p != '{') {
		fail(why, n, ".entry %s: no body", e->name);
		return NULL;
	}
	const char *start = p;
	int depth = 0;
	for (; *p; p++) {
		if (*p == '{') depth++;
		else if (*p == '}' && --depth == 0) break;
	}
	if (*p != '}') {
		fail(why, n, ".entry %s: the body does not end", e->name);
		return NULL;
	}
	for (const char *q = start; q < p; q++) {
		if (strncmp(q, ".shared", 7) == 0) e->cooperative = 1; /* ld.shared, atom.shared, … */
		/* a whole word, not part of a register, label or longer opcode */
		if (q > start && (ident_char(q[-1]) || q[-1] == '.')) continue;
		if (strncmp(q, ".extern", 7) == 0 && strncmp(skip_space(q + 7), ".shared", 7) == 0) {
			if (!e->unsupported[0]) snprintf(e->unsupported, sizeof e->unsupported, "dynamic shared memory (.extern .shared)");
			q += 7;
			continue;
		}
		if (strncmp(q, ".shared", 7) == 0 && !ident_char(q[7])) {
			shared_decl(q, e);
			continue;
		}
		size_t len = strncmp(q, "bar.sync", 8) == 0 ? 8 : strncmp(q, "barrier.sync", 12) == 0 ? 12 : 0;
		if (len) {
			e->cooperative = 1;
			if (!barrier_ok(q, len) && !e->unsupported[0]) {
				const char *end = q;
				while (end < p && *end != ';' && *end != '\n') end++;
				snprintf(e->unsupported, sizeof e->unsupported, "%.*s (only bar.sync 0, __syncthreads)", (int)(end - q), q);
			}
			continue;
		}
		for (size_t i = 0; i < sizeof unsupported / sizeof unsupported[0] && !e->unsupported[0]; i++) {
			size_t k = strlen(unsupported[i]);
			if (strncmp(q, unsupported[i], k) == 0 && (unsupported[i][k - 1] == '.' || !ident_char(q[k])))
				snprintf(e->unsupported, sizeof e->unsupported, "%s", unsupported[i]);
		}
	}
	return p + 1;
}

int ptx_parse(const char *text, ptx_module *m, char *why, size_t n) {
	memset(m, 0, sizeof *m);
	char *s = strip_comments(text);
	if (s == NULL) return fail(why, n, "out of host memory");
	const char *p = skip_space(s);
	char w[PTX_NAME];
	int cap = 0;
	int rc = -1;

	p = word(p, w, sizeof w);
	if (strcmp(w, ".version") != 0) {
		fail(why, n, "the module does not start with .version (found \"%.40s\")", w);
		goto out;
	}
	p = skip_space(p);
	if (sscanf(p, "%d.%d", &m->isa_major, &m->isa_minor) != 2) {
		fail(why, n, ".version is not MAJOR.MINOR");
		goto out;
	}
	while (*p && !isspace((unsigned char)*p)) p++;

	p = skip_space(p);
	p = word(p, w, sizeof w);
	if (strcmp(w, ".target") != 0) {
		fail(why, n, "no .target after .version");
		goto out;
	}
	p = skip_space(p);
	p = word(p, m->target, sizeof m->target);
	if (sscanf(m->target, "sm_%d", &m->sm) != 1) {
		fail(why, n, ".target %s is not sm_NN", m->target);
		goto out;
	}
	/* the other targets of the list (texmode_*, debug, map_f64_to_f32) do not matter here */
	while (*p && *p != '\n') p++;

	p = skip_space(p);
	if (strncmp(p, ".address_size", 13) == 0) {
		p = word(p, w, sizeof w);
		m->address_size = (int)strtol(p, (char **)&p, 10);
	} else {
		m->address_size = 32; /* the PTX default */
	}
	if (m->address_size != 64) {
		fail(why, n, ".address_size %d: a 64-bit driver needs .address_size 64", m->address_size);
		goto out;
	}

	for (const char *q = p; (q = strstr(q, ".entry")) != NULL;) {
		if ((q > s && ident_char(q[-1])) || ident_char(q[6])) {
			q += 6;
			continue;
		}
		if (m->nentries == cap) {
			cap = cap ? 2 * cap : 8;
			ptx_entry *grown = realloc(m->entries, cap * sizeof *grown);
			if (grown == NULL) {
				fail(why, n, "out of host memory");
				goto out;
			}
			m->entries = grown;
		}
		ptx_entry *e = &m->entries[m->nentries];
		memset(e, 0, sizeof *e);
		q = skip_space(q + 6);
		q = word(q, e->name, sizeof e->name);
		if (e->name[0] == 0) {
			fail(why, n, ".entry without a name");
			goto out;
		}
		for (int i = 0; i < m->nentries; i++) {
			if (strcmp(m->entries[i].name, e->name) == 0) {
				fail(why, n, ".entry %s is defined twice", e->name);
				goto out;
			}
		}
		if ((q = parse_params(q, e, why, n)) == NULL) goto out;
		if ((q = scan_body(q, e, why, n)) == NULL) goto out;
		m->nentries++;
	}
	rc = 0;
out:
	free(s);
	if (rc != 0) {
		free(m->entries);
		m->entries = NULL;
		m->nentries = 0;
	}
	return rc;
}

void ptx_free(ptx_module *m) {
	free(m->entries);
	m->entries = NULL;
	m->nentries = 0;
}
