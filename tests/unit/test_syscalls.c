/* lib/syscalls: system call numbers from a table in syscalls_64.h's formats
 * (old and new kernels), unused and x32 entries left out, and the highest
 * number for an entry point two numbers share (as the kernel maps it), and
 * the later syscalls cbcc adds where the table has nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "syscalls.h"

static const char table[] = "/* generated */\n"
			    "__SYSCALL(0, sys_read)\n"
			    "__SYSCALL(4, sys_newstat)\n"
			    "__SYSCALL(134, sys_ni_syscall)\n"
			    "__SYSCALL_64(257, __x64_sys_openat, )\n"
			    "__SYSCALL_COMMON(110, sys_getppid)\n"
			    "__SYSCALL_X32(512, __x32_compat_sys_rt_sigaction)\n"
			    "__SYSCALL(300, sys_shared)\n"
			    "__SYSCALL(301, sys_shared)\n"
			    "__SYSCALL(462, sys_kept)\n"
			    "__SYSCALL(5000, sys_too_big)\n";

int main(void)
{
	char path[] = "/tmp/cbcc-syscalls-test.XXXXXX", why[256];
	int fd = mkstemp(path);
	struct sys_table t;

	if (fd < 0 || write(fd, table, strlen(table)) != (ssize_t)strlen(table)) {
		perror("temp file");
		return 1;
	}
	close(fd);
	CHECK(sys_table_read(&t, path, why, sizeof(why)) == 0);
	CHECK(sys_table_nr(&t, "read") == 0);
	CHECK(sys_table_nr(&t, "newstat") == 4);
	CHECK(sys_table_nr(&t, "stat") == -1);
	CHECK(sys_table_nr(&t, "ni_syscall") == -1);
	CHECK(sys_table_nr(&t, "openat") == 257);
	CHECK(sys_table_nr(&t, "getppid") == 110);
	CHECK(sys_table_nr(&t, "rt_sigaction") == -1);
	CHECK(sys_table_nr(&t, "shared") == 301);
	CHECK(sys_table_nr(&t, "too_big") == -1);
	/* syscalls newer than the table's kernel come from cbcc's list, at
	 * numbers the table leaves empty only */
	CHECK(sys_table_nr(&t, "mseal") == -1);
	CHECK(sys_table_add_later(&t) == 21);
	CHECK(sys_table_nr(&t, "mseal") == -1);
	CHECK(sys_table_nr(&t, "kept") == 462);
	CHECK(sys_table_nr(&t, "uprobe") == 336);
	CHECK(sys_table_nr(&t, "file_setattr") == 469);
	CHECK(sys_table_nr(&t, "read") == 0);
	sys_table_free(&t);
	unlink(path);
	CHECK(sys_table_read(&t, "/nonexistent/syscalls_64.h", why, sizeof(why)) == -1);
	CHECK(strstr(why, "/nonexistent/syscalls_64.h") != NULL);
	return check_finish("syscall table");
}
