/* The contract of templates/stackcount_common.c and stackcount_probe.c with
 * tools/stackcount.c: the key of the counts table and the tables' names. */
#ifndef CBCC_STACKCOUNT_H
#define CBCC_STACKCOUNT_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

#define STACKCOUNT_COUNTS_TABLE "cbcc_counts"	 /* struct cbcc_stack_key -> u64 */
#define STACKCOUNT_STACKS_TABLE "cbcc_stacks"	 /* stack id -> frames */
#define STACKCOUNT_PID_TABLE "cbcc_stack_pid"	 /* user stack id -> process */
#define STACKCOUNT_EVENTS_TABLE "cbcc_events"	 /* a new process seen: its u32 tgid */
#define STACKCOUNT_NO_PID 0xffffffffu

struct cbcc_stack_key {
	__u32 tgid;    /* STACKCOUNT_NO_PID unless stacks are split by process */
	__s32 kstack;
	__s32 ustack;
	char comm[TASK_COMM_LEN];
	__u64 caller;  /* return address at function entry, or 0 */
};

_Static_assert(sizeof(struct cbcc_stack_key) == 40, "struct cbcc_stack_key changed size");
_Static_assert(__builtin_offsetof(struct cbcc_stack_key, comm) == 12,
	       "struct cbcc_stack_key moved comm");
_Static_assert(__builtin_offsetof(struct cbcc_stack_key, caller) == 32,
	       "struct cbcc_stack_key moved caller");

#endif
