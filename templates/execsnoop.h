/* The contract of templates/execsnoop.c with tools/execsnoop.c: the config
 * set after load and the records of the perf buffer. */
#ifndef CBCC_EXECSNOOP_H
#define CBCC_EXECSNOOP_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

#define ARGSIZE 128 /* bytes kept of each argument */

/* Set from user space after load. */
struct snoop_config {
	__u32 ppid;          /* -P: only children of this process */
	__u32 fails;         /* -x: also failed execs */
	__u32 exit_times;    /* --exit: remember exec times for sched_process_exit */
	__u32 pad;
	__u64 real_parent_off; /* task_struct layout of the running kernel (BTF) */
	__u64 tgid_off;
};

enum { EXEC_EVENT, EXIT_EVENT };

struct exec_event {
	__u64 ts;        /* exec: time of sys_exit; exit: run time in ns */
	__u32 type;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 ret;
	__u32 nargs;     /* slots used in args */
	__u32 truncated; /* more arguments than MAXARGS */
	__u32 pad;
	char comm[TASK_COMM_LEN];
#ifdef __BPF_TRACING__
	char args[MAXARGS][ARGSIZE];
#else
	char args[]; /* nargs slots of ARGSIZE bytes (a record may be cut short) */
#endif
};

_Static_assert(sizeof(struct snoop_config) == 32, "execsnoop's struct snoop_config changed size");
_Static_assert(__builtin_offsetof(struct snoop_config, real_parent_off) == 16,
	       "execsnoop's struct snoop_config moved real_parent_off");
_Static_assert(__builtin_offsetof(struct exec_event, comm) == 40,
	       "struct exec_event moved comm");
_Static_assert(__builtin_offsetof(struct exec_event, args) == 56,
	       "struct exec_event moved args");

#endif
