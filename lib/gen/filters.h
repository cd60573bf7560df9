/* The run-time filters of templates/prelude.c (struct cbcc_config): set from
 * user space after the program is loaded, read by cbcc_skip(). */
#ifndef CBCC_FILTERS_H
#define CBCC_FILTERS_H

#include "runtime.h"
#include "util.h"

struct cbcc_filters {
	long self_tgid; /* the tool's own process, skipped; 0 to trace it too */
	long tgid;	/* only this process, or 0 */
	long tid;	/* only this thread, or 0 */
	long uid;	/* only this user, or -1 */
};

int filters_configure(struct cbcc_bpf *b, const struct cbcc_filters *f, struct cbcc_err *err);
/* -c: only tasks in the cgroup v2 directory at path (the program's
 * cbcc_cgroup table, BPF_CGROUP_ARRAY). */
int filters_set_cgroup(struct cbcc_bpf *b, const char *path, struct cbcc_err *err);

#endif
