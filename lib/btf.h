/* Kernel struct layouts from the running kernel's BTF
 * (/sys/kernel/btf/vmlinux): the installed kernel headers may describe
 * another kernel version, so fields read by address use these offsets. */
#ifndef CBCC_BTF_H
#define CBCC_BTF_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct kbtf;

/* Loads the BTF at path (NULL: /sys/kernel/btf/vmlinux). */
struct kbtf *kbtf_load(const char *path, struct cbcc_err *err);
void kbtf_free(struct kbtf *b);
/* Byte offset of member `field` of struct `name`, looking inside anonymous
 * struct and union members; -1 when either is unknown. */
long kbtf_member_offset(const struct kbtf *b, const char *name, const char *field);

/* The kernel functions b describes, indexed by name for many lookups (a
 * pattern's hundreds of matches). Refers to b, which must outlive it. */
struct kbtf_funcs;
struct kbtf_funcs *kbtf_funcs_index(const struct kbtf *b);
/* Number of parameters of function `name` and its BTF type id (*id); -1
 * when f (which may be NULL) does not describe it. */
int kbtf_funcs_find(const struct kbtf_funcs *f, const char *name, uint32_t *id);
void kbtf_funcs_free(struct kbtf_funcs *f);

#endif
