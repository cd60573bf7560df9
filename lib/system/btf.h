/* The running kernel's types from its BTF (/sys/kernel/btf/vmlinux), read
 * with libbpf: field offsets, function parameter counts, and C declarations
 * of exactly the kernel types a BPF program names (lib/system/ktypes.h puts them
 * where libbcc's compile finds them). The installed kernel headers may
 * describe another kernel version; BTF describes this one. */
#ifndef CBCC_BTF_H
#define CBCC_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strbuf.h"
#include "util.h"

#define KBTF_VMLINUX "/sys/kernel/btf/vmlinux"

struct kbtf;

/* Loads the BTF at path (NULL: KBTF_VMLINUX). */
struct kbtf *kbtf_load(const char *path, struct cbcc_err *err);
void kbtf_free(struct kbtf *b);
/* Byte offset of member `field` of struct `name`, looking inside anonymous
 * struct and union members; -1 when either is unknown. */
long kbtf_member_offset(const struct kbtf *b, const char *name, const char *field);
/* Whether `name` is an enumerator of some enum of the kernel. */
bool kbtf_is_enumerator(const struct kbtf *b, const char *name);

/* Appends to out the C declarations (libbpf's btf_dump) of the kernel types
 * C source `text` uses, with everything they need: each struct/union/enum
 * named after its keyword, each typedef named, the enum of each enumerator
 * named, and each struct reached from those through a pointer member whose
 * name follows "->" or "." in text (so that a->b->c compiles). Tags that text
 * or `defined` (C that comes before out, e.g. a shipped enum) define are
 * left out, as types asked for and as dependencies, and so are the enums of
 * their enumerators. Every name written is checked to be a C identifier (or
 * a base type such as "long unsigned int"). *ntypes is the number of types
 * asked for, dependencies not counted. */
int kbtf_types_c(const struct kbtf *b, const char *text, const char *defined, struct strbuf *out,
		 int *ntypes, struct cbcc_err *err);

/* The kernel functions b describes, indexed by name for many lookups (a
 * pattern's hundreds of matches). Refers to b, which must outlive it. */
struct kbtf_funcs;
struct kbtf_funcs *kbtf_funcs_index(const struct kbtf *b);
/* Number of parameters of function `name` and its BTF type id (*id); -1
 * when f (which may be NULL) does not describe it. */
int kbtf_funcs_find(const struct kbtf_funcs *f, const char *name, uint32_t *id);
void kbtf_funcs_free(struct kbtf_funcs *f);

#endif
