/* The contract of templates/syscall_slots.c with lib/probe/wcplan.c: where a
 * raw_syscalls program finds the slot of a system call's tracepoint, and the
 * task_struct facts it needs, both written by user space after load. */
#ifndef CBCC_SYSCALL_SLOTS_H
#define CBCC_SYSCALL_SLOTS_H

#ifndef __BPF_TRACING__ /* user space (BCC defines it for BPF programs) */
#include <linux/types.h>
#endif

#define SYSCALL_SLOTS_TABLE "cbcc_sys_slots"   /* u32 key -> u32 slot + 1 */
#define SYSCALL_COMPAT_TABLE "cbcc_sys_compat" /* one struct cbcc_sys_compat */

/* Where the running kernel keeps thread_info.status in task_struct (from
 * its BTF) and its TS_COMPAT bit. */
struct cbcc_sys_compat {
	__u64 status_offset;
	__u32 compat_mask;
};

_Static_assert(sizeof(struct cbcc_sys_compat) == 16, "struct cbcc_sys_compat changed size");
_Static_assert(__builtin_offsetof(struct cbcc_sys_compat, compat_mask) == 8,
	       "struct cbcc_sys_compat moved compat_mask");

#endif
