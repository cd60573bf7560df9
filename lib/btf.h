/* Kernel struct layouts from the running kernel's BTF
 * (/sys/kernel/btf/vmlinux): the installed kernel headers may describe
 * another kernel version, so fields read by address use these offsets. */
#ifndef CBCC_BTF_H
#define CBCC_BTF_H

#include <stddef.h>

#include "util.h"

struct kbtf;

/* Loads the BTF at path (NULL: /sys/kernel/btf/vmlinux). */
struct kbtf *kbtf_load(const char *path, struct cbcc_err *err);
void kbtf_free(struct kbtf *b);
/* Byte offset of member `field` of struct `name`, looking inside anonymous
 * struct and union members; -1 when either is unknown. */
long kbtf_member_offset(const struct kbtf *b, const char *name, const char *field);
/* Number of parameters of kernel function `name`; -1 when unknown. */
int kbtf_func_nargs(const struct kbtf *b, const char *name);

#endif
