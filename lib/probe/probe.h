/* Turning a parsed probe location into something attached: find the
 * library, symbol, tracepoint or USDT probe, then load and attach. */
#ifndef CBCC_PROBE_H
#define CBCC_PROBE_H

#include <sys/types.h>

#include "facts.h"
#include "runtime.h"
#include "spec.h"
#include "sysenv.h"

struct resolved_probe {
	char *path;	 /* library or binary, for uprobes and USDT */
	uint64_t offset; /* uprobe file offset */
	char **usdt_argtypes;
	int nusdt_args;
	struct tp_field *fields; /* tracepoint fields */
	int nfields;
};

/* Checks against facts f that the probe exists and records where it is.
 * USDT probes are registered with b under fn_name. An offset into a library
 * function must start one of its instructions (lib/system/insn.h) unless
 * unsafe. */
int probe_resolve(struct cbcc_bpf *b, const struct sys_facts *f, const struct probe_loc *loc,
		  pid_t pid, const char *fn_name, bool unsafe, struct resolved_probe *r,
		  struct cbcc_err *err);
/* Loads fn_name and attaches it (USDT probes are attached by rt_usdt_attach). */
int probe_attach(struct cbcc_bpf *b, const struct probe_loc *loc, const struct resolved_probe *r,
		 const char *fn_name, pid_t pid, struct cbcc_err *err);
void resolved_probe_free(struct resolved_probe *r);

#endif
