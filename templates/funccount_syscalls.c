/* funccount: the syscalls:sys_{{DIR}}_* tracepoints counted by number */
int {{NAME}}(struct tracepoint__raw_syscalls__sys_{{DIR}} *args)
{
	int slot = cbcc_syscall_slot({{EXIT}}, args->id);

	if (slot >= 0)
		cbcc_count(slot);
	return 0;
}
