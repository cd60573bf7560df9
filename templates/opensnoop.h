/* The contract of templates/opensnoop.c with tools/opensnoop.c: the config
 * set after load and the records of the perf buffer. */
#ifndef CBCC_OPENSNOOP_H
#define CBCC_OPENSNOOP_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

#define PATH_SIZE 4096 /* bytes kept of each path */

/* Set from user space after load. */
struct snoop_config {
	__u32 flags_mask;  /* -f: only opens with one of these flags */
	__u32 failed_only; /* -x */
};

struct open_event {
	__u64 ts; /* at sys_enter */
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;
	__u32 flags;
	__s32 dfd;
	char comm[TASK_COMM_LEN];
#ifdef __BPF_TRACING__
	char path[PATH_SIZE];
#else
	char path[]; /* up to PATH_SIZE bytes (a record may be cut short) */
#endif
};

_Static_assert(sizeof(struct snoop_config) == 8, "opensnoop's struct snoop_config changed size");
_Static_assert(__builtin_offsetof(struct open_event, comm) == 32, "struct open_event moved comm");
_Static_assert(__builtin_offsetof(struct open_event, path) == 48, "struct open_event moved path");

#endif
