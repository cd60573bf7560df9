/* lib/syms: which kernel symbols are BPF programs and trampolines (the
 * frames dropped from stacks walked by fentry/fexit programs). */
#include "syms.h"

#include "check.h"

static void check(const char *name, bool want)
{
	CHECKF(syms_is_bpf_symbol(name) == want, "'%s' should %sbe a BPF symbol", name,
	       want ? "" : "not ");
}

int main(void)
{
	check("bpf_prog_6deef7357e7b4530_kfunc__vfs_read", true);
	check("bpf_prog_6deef7357e7b4530_", true);
	check("bpf_trampoline_6442491234", true);
	/* kernel functions with the same prefixes */
	check("bpf_prog_alloc", false);
	check("bpf_prog_load", false);
	check("bpf_prog_6deef7357e7b453_short_tag", false);
	check("bpf_prog_6deef7357e7b45301_long_tag", false);
	check("bpf_prog_6deef7357e7b4530", false);
	check("bpf_trampoline_link_prog", false);
	check("bpf_trampoline_", false);
	check("bpf_trampoline_12x", false);
	check("vfs_read", false);
	check("", false);
	return check_finish("BPF symbol");
}
