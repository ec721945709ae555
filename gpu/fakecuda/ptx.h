/* ptx.h — what fakecuda reads from a PTX module: its header (.version,
 * .target, .address_size) and each .entry's name, parameter layout, the
 * static shared memory it declares, whether it needs a cooperative launch
 * (barriers, shared memory) and what in it fakecuda cannot run. */
#ifndef FAKECUDA_PTX_H
#define FAKECUDA_PTX_H

#include <stddef.h>

enum { PTX_MAX_PARAMS = 128, PTX_NAME = 256 };

typedef struct ptx_entry {
	char name[PTX_NAME];
	int nparams;
	int size[PTX_MAX_PARAMS];   /* bytes */
	int align[PTX_MAX_PARAMS];  /* bytes */
	int offset[PTX_MAX_PARAMS]; /* in the parameter buffer */
	int total;                  /* the parameter buffer's size */
	char unsupported[64];       /* the first construct fakecuda cannot run faithfully, or "" */
	int cooperative;            /* it uses bar.sync 0 or shared memory: a block's threads run as fibers */
	long shared_bytes;          /* static shared memory it declares */
} ptx_entry;

typedef struct ptx_module {
	int isa_major, isa_minor; /* .version */
	int sm;                   /* .target sm_NN, as NN */
	char target[32];
	int address_size;
	int nentries;
	ptx_entry *entries;
} ptx_module;

/* ptx_parse reads text into m. On failure it returns -1 with the reason in
 * why; m->entries is then NULL. */
int ptx_parse(const char *text, ptx_module *m, char *why, size_t n);

void ptx_free(ptx_module *m);

/* ptx_isa_driver returns the oldest driver (as cuDriverGetVersion reports
 * it: 11080 is 11.8) that loads PTX ISA major.minor, or 0 for an ISA newer
 * than fakecuda knows. */
int ptx_isa_driver(int major, int minor);

/* ptx_driver_branch returns the NVIDIA driver branch (520 for 11.8) that
 * first came with CUDA version v, or 0 when unknown. */
int ptx_driver_branch(int v);

#endif
