/* funccount: every function of the pattern's multi-probe link; its attach
 * cookie is the function's slot */
int {{NAME}}(struct pt_regs *ctx)
{
	cbcc_count(bpf_get_attach_cookie(ctx));
	return 0;
}
