#include "syscall_slots.h"

/* System call tracepoints served by number: a program on raw_syscalls:sys_enter
 * or sys_exit finds the slot of the syscalls:sys_enter_X / sys_exit_X
 * tracepoint of a system call here (user space fills the table: 0 for a
 * number not traced, else slot + 1; exits from SYS_NR_MAX on). */
BPF_ARRAY(cbcc_sys_slots, u32, {{SLOTS}});

/* set by user space (struct cbcc_sys_compat) */
BPF_ARRAY(cbcc_sys_compat, struct cbcc_sys_compat, 1);

/* The slot of system call nr at its entry (exit 0) or exit (1), or -1;
 * also -1 for a 32-bit system call, which syscalls:* tracepoints ignore. */
static __always_inline int cbcc_syscall_slot(u32 exit, long nr)
{
	u32 zero = 0, key, status = 0;
	struct cbcc_sys_compat *c;
	u32 *slot;

	if ((unsigned long)nr >= {{NR_MAX}})
		return -1;
	key = exit * {{NR_MAX}} + (u32)nr;
	slot = cbcc_sys_slots.lookup(&key);
	c = cbcc_sys_compat.lookup(&zero);
	if (!slot || !*slot || !c)
		return -1;
	bpf_probe_read_kernel(&status, sizeof(status),
			      (char *)bpf_get_current_task() + c->status_offset);
	if (status & c->compat_mask)
		return -1;
	return (int)*slot - 1;
}
