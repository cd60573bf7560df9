/* argdist's BPF program: templates/argdist_*.c filled from parsed specs. */
#ifndef CBCC_ARGCODEGEN_H
#define CBCC_ARGCODEGEN_H

#include "argspec.h"
#include "codegen.h"

#define ARGDIST_MAX_ENTRIES 10240 /* of each -C hash map, as BCC's BPF_HASH */
#define ARGDIST_MAX_KEY 400	  /* bytes of a -C key: it lives on the BPF stack */

struct argdist_gen_probe {
	const struct argdist_spec *spec;
	const char *fn_name;  /* the probe function; tables are named after it */
	char **usdt_argtypes; /* C type of each USDT argument */
	int nusdt_args;
	/* Kernel functions attached with fentry/fexit (lib/probe/kfunc.h): the BPF
	 * function is then named prog (entry: enter_prog) instead of fn_name
	 * (entry: fn_name_enter), and nargs is the function's argument count. */
	const char *prog, *enter_prog;
	int nargs;
	const struct tp_field *tp_fields; /* a tracepoint's fields (resolved) */
	int ntp_fields;
};

/* Byte size of a -C key and the offset of each value in it. */
size_t argdist_key_layout(const struct argdist_spec *s, int string_size, size_t *offsets);

/* The whole program (o->string_size is -z). */
char *codegen_argdist(const struct argdist_gen_probe *probes, int n, const struct gen_opts *o,
		      struct cbcc_err *err);

#endif
