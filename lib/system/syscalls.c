#include "syscalls.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "btf.h"

/* The entry point named on a line "__SYSCALL(257, sys_openat)" (older
 * kernels: "__SYSCALL_64(257, __x64_sys_openat, )", "__SYSCALL_COMMON(...)")
 * without its prefix, and its number; NULL for other lines, x32 entries and
 * unused numbers. */
static const char *table_entry(char *line, int *nr)
{
	static const char *const prefixes[] = {"__x64_sys_", "sys_"};
	char *p = strstr(line, "__SYSCALL"), *name, *end;

	if (!p || strstr(p, "X32") || !(p = strchr(p, '(')))
		return NULL;
	*nr = (int)strtol(p + 1, &end, 10);
	if (end == p + 1 || *end != ',' || *nr < 0 || *nr >= SYS_NR_MAX)
		return NULL;
	name = end + 1 + strspn(end + 1, " \t");
	name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")] =
		'\0';
	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (starts_with(name, prefixes[i])) {
			name += strlen(prefixes[i]);
			return *name && strcmp(name, "ni_syscall") ? name : NULL;
		}
	return NULL;
}

int sys_table_read(struct sys_table *t, const char *path, char *why, size_t size)
{
	FILE *f = fopen(path, "r");
	char line[256];

	memset(t, 0, sizeof(*t));
	if (!f) {
		snprintf(why, size, "no system call table in the kernel headers (%s)", path);
		return -1;
	}
	t->source = xstrdup(path);
	t->name = xcalloc(SYS_NR_MAX, sizeof(char *));
	t->n = SYS_NR_MAX;
	while (fgets(line, sizeof(line), f)) {
		int nr;
		const char *name = table_entry(line, &nr);

		if (name) {
			free(t->name[nr]);
			t->name[nr] = xstrdup(name);
		}
	}
	fclose(f);
	return 0;
}

/* x86-64 system calls added after the oldest kernel trees cbcc is used
 * with (Debian's 6.1), from the kernel's syscall_64.tbl: a tree older than
 * the running kernel lacks them, and their tracepoints would each need one
 * of their own. A number never changes meaning, so these are certain. */
static const struct {
	int nr;
	const char *name;
} later_x86_64[] = {
	{335, "uretprobe"},	    {336, "uprobe"},
	{451, "cachestat"},	    {452, "fchmodat2"},
	{453, "map_shadow_stack"},  {454, "futex_wake"},
	{455, "futex_wait"},	    {456, "futex_requeue"},
	{457, "statmount"},	    {458, "listmount"},
	{459, "lsm_get_self_attr"}, {460, "lsm_set_self_attr"},
	{461, "lsm_list_modules"},  {462, "mseal"},
	{463, "setxattrat"},	    {464, "getxattrat"},
	{465, "listxattrat"},	    {466, "removexattrat"},
	{467, "open_tree_attr"},    {468, "file_getattr"},
	{469, "file_setattr"},	    {470, "listns"},
};

int sys_table_add_later(struct sys_table *t)
{
	int added = 0;

	for (size_t i = 0; i < ARRAY_SIZE(later_x86_64); i++) {
		int nr = later_x86_64[i].nr;

		if (nr < t->n && !t->name[nr]) {
			t->name[nr] = xstrdup(later_x86_64[i].name);
			added++;
		}
	}
	return added;
}

int sys_table_load(struct sys_table *t, char *why, size_t size)
{
#if defined(__x86_64__)
	struct utsname u;
	char *path;
	int rc;

	uname(&u);
	path = xasprintf("/lib/modules/%s/build/arch/x86/include/generated/asm/syscalls_64.h",
			 u.release);
	rc = sys_table_read(t, path, why, size);
	free(path);
	if (rc == 0 && sys_table_add_later(t) > 0) {
		char *source = xasprintf("%s and cbcc's list of later system calls", t->source);

		free(t->source);
		t->source = source;
	}
	return rc;
#else
	memset(t, 0, sizeof(*t));
	snprintf(why, size, "no system call table is known for this architecture");
	return -1;
#endif
}

void sys_table_free(struct sys_table *t)
{
	for (int i = 0; i < t->n; i++)
		free(t->name[i]);
	free(t->name);
	free(t->source);
	memset(t, 0, sizeof(*t));
}

int sys_table_nr(const struct sys_table *t, const char *name)
{
	for (int nr = t->n - 1; nr >= 0; nr--) /* the highest, as the kernel's mapping */
		if (t->name[nr] && !strcmp(t->name[nr], name))
			return nr;
	return -1;
}

long sys_compat_status_offset(char *why, size_t size)
{
	struct cbcc_err err;
	struct kbtf *btf = kbtf_load(NULL, &err);
	long ti = kbtf_member_offset(btf, "task_struct", "thread_info");
	long status = kbtf_member_offset(btf, "thread_info", "status");

	kbtf_free(btf);
	if (!btf) {
		snprintf(why, size, "%s", err.msg);
		return -1;
	}
	if (ti < 0 || status < 0) {
		snprintf(why, size, "the kernel BTF has no task_struct.thread_info.status");
		return -1;
	}
	return ti + status;
}
