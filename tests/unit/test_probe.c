/* Unit tests of the probe objects' shared base (lib/probe/probe_base.h) and of
 * what trace's and argdist's probes do before they touch the system: the
 * one "error in probe" prefix and the kernel-function plan's one
 * representation of the fentry choice. */
#include <stdlib.h>
#include <string.h>

#include "aprobe.h"
#include "cli.h"
#include "probe_base.h"
#include "tprobe.h"

#include "check.h"

static int count(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void test_prefixes(void)
{
	struct cbcc_err err;

	cbcc_errf(&err, "bad thing\n   ^ here");
	CHECK(probe_err(&err, "p:c:malloc") == -1);
	CHECK_STR(err.msg, "error in probe 'p:c:malloc': bad thing\n   ^ here");
	cbcc_errf(&err, "bad");
	probe_parse_err(&err, "x");
	CHECK_STR(err.msg, "error parsing probe 'x': bad");
	cbcc_errf(&err, "taken");
	probe_err_as(&err, "--prometheus: probe", "p::f()");
	CHECK_STR(err.msg, "--prometheus: probe 'p::f()': taken");
}

static void test_build_errors_named_once(void)
{
	struct probe_env e;
	struct cbcc_bpf bpf = {0};
	struct tprobe tp;
	struct aprobe ap;
	struct cbcc_err err;
	const char *bad_sig = "p:c:malloc(int a; int b) \"%d\", a";
	const char *wide = "p:c:malloc(char *s):char*,char*:s,s";

	probe_env_init(&e, &bpf, 0, false, true, KFUNC_AUTO, false);
	CHECK(tprobe_build(&tp, "p:c:malloc \"%d %d\", arg1", 1, &e, 80, &err) == -1);
	CHECK(starts_with(err.msg, "error in probe 'p:c:malloc \"%d %d\", arg1': format "));
	CHECK(count(err.msg, "error in probe") == 1);
	CHECK(tp.name == NULL && tp.offsets == NULL); /* left empty */
	/* found in libc, refused by the generator: named once too */
	CHECK(tprobe_build(&tp, bad_sig, 1, &e, 80, &err) == 0);
	CHECK(tprobes_generate(&tp, 1, &(struct gen_opts){.string_size = 80}, &bpf, &err) == NULL);
	CHECK(starts_with(err.msg, "error in probe 'p:c:malloc(int a; int b) \"%d\", a': "));
	CHECK(strstr(err.msg, "';' is not allowed in a signature") != NULL);
	CHECK(count(err.msg, "error in probe") == 1);
	tprobe_free(&tp);

	CHECK(aprobe_build(&ap, "p:c:malloc(char *s", ARGDIST_COUNT, 1, &e, 80, &err) == -1);
	CHECK(starts_with(err.msg, "error parsing probe 'p:c:malloc(char *s': "));
	CHECK(aprobe_build(&ap, wide, ARGDIST_COUNT, 1, &e, 400, &err) == -1);
	CHECK_STR(err.msg, "error in probe 'p:c:malloc(char *s):char*,char*:s,s': its key needs "
			   "816 bytes, more than the 400 the BPF stack allows; use a smaller -z");
	CHECK(ap.name == NULL && ap.display == NULL);
	probe_env_free(&e);
}

/* Where the kernel is not asked: --ebpf alone, --kprobe, not a kernel function. */
static void test_kfunc_plan(void)
{
	struct probe_loc kernel = {.type = PROBE_RETURN, .library = "", .function = "vfs_read"};
	struct probe_loc user = {.type = PROBE_ENTRY, .library = "c", .function = "malloc"};
	struct probe_env e;
	struct cbcc_bpf bpf = {0};
	struct probe_kfunc k = {0};
	struct cbcc_err err;

	probe_env_init(&e, &bpf, 0, false, true, KFUNC_AUTO, false);
	CHECK(e.portable);
	CHECK(probe_kfunc_plan(&e, &kernel, "r::vfs_read", &k, &err) == 0);
	CHECK(k.prog == NULL && k.why[0] == '\0');
	probe_env_free(&e);

	probe_env_init(&e, &bpf, 0, false, true, KFUNC_KPROBE, false);
	CHECK(!e.portable);
	CHECK(probe_kfunc_plan(&e, &kernel, "r::vfs_read", &k, &err) == 0);
	CHECK(k.prog == NULL);
	CHECK_STR(k.why, "forced by --kprobe");
	memset(&k, 0, sizeof(k));
	CHECK(probe_kfunc_plan(&e, &user, "c:malloc", &k, &err) == 0);
	CHECK(k.prog == NULL && k.why[0] == '\0');
	probe_kfunc_free(&k);
	probe_env_free(&e);
}

int main(void)
{
	cli_init("probetest", "", "");
	CHECK_STR(cli_tool_name(), "probetest");
	test_prefixes();
	test_build_errors_named_once();
	test_kfunc_plan();
	return failures ? 1 : 0;
}
