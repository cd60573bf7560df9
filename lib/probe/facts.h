/* What resolving and planning a probe learn from the running system, behind
 * one interface, so that generation is a pure function of a spec and these
 * facts: the tools pass sys_facts_live() (tracefs, /proc/kallsyms, the
 * binaries and their USDT notes, kernel BTF and test fentry programs,
 * through lib/system and lib/runtime); the unit tests pass fixed facts and
 * need no root, BPF or tracefs. Every hook gets ctx first. */
#ifndef CBCC_FACTS_H
#define CBCC_FACTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "runtime.h"
#include "spec.h"
#include "sysenv.h"
#include "util.h"

struct kfunc_plan;
struct kfunc_choice;

struct sys_facts {
	void *ctx;
	/* The fields of tracepoint category:event (lib/system/sysenv.h tp_fields). */
	int (*tp_fields)(void *ctx, const char *category, const char *event,
			 struct tp_field **fields, int *n, struct cbcc_err *err);
	bool (*tracepoint_exists)(void *ctx, const char *category, const char *event);
	/* Whether kernel function name exists (kallsyms). */
	bool (*kernel_function_exists)(void *ctx, const char *name);
	/* The path of library or binary name (as seen by pid when not 0);
	 * NULL with err. Caller frees. */
	char *(*find_library)(void *ctx, const char *name, pid_t pid, struct cbcc_err *err);
	/* The file offset of func in path, for a uprobe. */
	int (*uprobe_offset)(void *ctx, const char *path, const char *func, pid_t pid,
			     uint64_t *offset, struct cbcc_err *err);
	/* Whether offset (into func at func_off) starts an instruction. */
	int (*check_insn)(void *ctx, const char *path, const char *func, uint64_t func_off,
			  uint64_t offset, struct cbcc_err *err);
	/* USDT probe provider:probe of path: registers it with b under fn_name
	 * (the live facts: libbcc's USDT context, whose argument readers
	 * rt_usdt_program puts before the program) and gives the C type of each
	 * argument (caller frees). */
	int (*usdt_add)(void *ctx, struct cbcc_bpf *b, const char *path, pid_t pid,
			const char *provider, const char *probe, const char *fn_name,
			char ***argtypes, int *nargs, struct cbcc_err *err);
	/* Whether a fentry (fexit for a return probe) program attaches to
	 * kernel function loc: its parameter count (BTF) into c->nargs, else
	 * c->why says why not. pl keeps what is found out once per program
	 * (lib/probe/kfunc.h). */
	bool (*fentry_attaches)(void *ctx, struct kfunc_plan *pl, const struct probe_loc *loc,
				struct kfunc_choice *c);
};

/* The running system's facts. */
const struct sys_facts *sys_facts_live(void);

#endif
