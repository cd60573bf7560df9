/* The contract of templates/prelude.c with user space: the run-time filters
 * every generated program reads in cbcc_skip(), written by lib/gen/filters.c
 * after load into element 0 of the array named CBCC_CONFIG_TABLE. */
#ifndef CBCC_PRELUDE_H
#define CBCC_PRELUDE_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#define CBCC_CONFIG_TABLE "cbcc_config"

struct cbcc_config {
	__u32 self_tgid; /* the tool itself, skipped unless -S */
	__u32 tgid;      /* -p */
	__u32 tid;       /* -L */
	__u32 has_uid;
	__u32 uid;       /* --uid */
};

_Static_assert(sizeof(struct cbcc_config) == 20, "struct cbcc_config changed size");
_Static_assert(__builtin_offsetof(struct cbcc_config, uid) == 16, "struct cbcc_config moved");

#endif
