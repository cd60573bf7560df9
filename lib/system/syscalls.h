/* System call numbers of the syscalls:sys_enter_NAME / sys_exit_NAME
 * tracepoints, so that one program on raw_syscalls:sys_enter/sys_exit,
 * keyed by number, can stand in for many of them.
 *
 * The kernel fires syscalls:sys_enter_NAME for the number whose entry in
 * its system call table is sys_NAME (the highest such number, should two
 * share an entry point), and not at all for a 32-bit system call. The
 * table comes from the kernel build tree (syscalls_64.h, generated from
 * syscall_64.tbl): syscall numbers never change meaning, so a tree of an
 * older kernel is right for every syscall it has; the x86-64 syscalls added
 * since Linux 6.1 come from cbcc's own list (sys_table_add_later). A
 * tracepoint whose name neither has gets no number. */
#ifndef CBCC_SYSCALLS_H
#define CBCC_SYSCALLS_H

#include <stddef.h>

#include "util.h"

/* The largest syscall number a table may hold (raw_syscalls programs index
 * arrays with it). */
#define SYS_NR_MAX 1024

struct sys_table {
	char **name; /* by number: NAME of its entry point sys_NAME, or NULL */
	int n;
	char *source; /* the file read */
};

/* Reads the running kernel's table (x86-64 only); on failure why says why. */
int sys_table_load(struct sys_table *t, char *why, size_t size);
/* Reads a table in syscalls_64.h's format from path. */
int sys_table_read(struct sys_table *t, const char *path, char *why, size_t size);
/* Adds the x86-64 system calls newer than Linux 6.1 (uprobe, mseal, ...)
 * at the numbers t leaves empty; returns how many. sys_table_load does it. */
int sys_table_add_later(struct sys_table *t);
void sys_table_free(struct sys_table *t);
/* The number syscalls:sys_{enter,exit}_NAME fires for, or -1 when the table
 * does not establish it. */
int sys_table_nr(const struct sys_table *t, const char *name);

/* Byte offset in task_struct of thread_info.status, whose TS_COMPAT bit
 * (SYS_TS_COMPAT) marks a 32-bit system call in progress, from the running
 * kernel's BTF; -1 (why filled) when unknown. */
long sys_compat_status_offset(char *why, size_t size);
#define SYS_TS_COMPAT 0x0002

#endif
