/* The contract of templates/trace_common.c with tools/trace.c: the header
 * every probe's record starts with (its values follow at 8-byte aligned
 * offsets, see trace_event_layout()) and the tables' names. */
#ifndef CBCC_TRACE_H
#define CBCC_TRACE_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif

#define TRACE_EVENTS_TABLE "cbcc_events"   /* perf buffer of the records */
#define TRACE_STACKS_TABLE "cbcc_stacks"   /* -K, -U: stack id -> addresses */
#define TRACE_USTACKS_TABLE "cbcc_ustacks" /* -U -s: build ID + file offset */
#define TRACE_EVENT_HDR_SIZE 56

struct cbcc_event_hdr {
	__u64 ts;
	__u32 tgid;
	__u32 pid;
	__u32 uid;
	__u32 cpu;
	__u32 probe;  /* index of the probe in the command line */
	__s32 kstack; /* stack ids, or negative */
	__s32 ustack;
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

_Static_assert(sizeof(struct cbcc_event_hdr) == TRACE_EVENT_HDR_SIZE,
	       "struct cbcc_event_hdr changed size");
_Static_assert(__builtin_offsetof(struct cbcc_event_hdr, probe) == 24,
	       "struct cbcc_event_hdr moved probe");
_Static_assert(__builtin_offsetof(struct cbcc_event_hdr, comm) == 40,
	       "struct cbcc_event_hdr moved comm");

#endif
