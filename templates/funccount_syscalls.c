/* funccount: the syscalls:sys_enter_* or sys_exit_* tracepoints of this
 * program's raw_syscalls tracepoint, counted by number */
int {{NAME}}(struct tracepoint__raw_syscalls__sys_{{DIR}} *args)
{
	int slot = cbcc_syscall_slot({{EXIT}}, args->id);

	if (slot >= 0)
		cbcc_count(slot);
	return 0;
}
