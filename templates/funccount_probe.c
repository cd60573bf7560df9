/* funccount probe {{SLOT}}: {{WHAT}} */
int {{NAME}}(struct pt_regs *ctx)
{
	cbcc_count({{SLOT}});
	return 0;
}
