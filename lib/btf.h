/* The running kernel's types from its BTF (/sys/kernel/btf/vmlinux), read
 * with libbpf: field offsets, function parameter counts, and C declarations
 * of exactly the kernel types a BPF program names (lib/ktypes.h puts them
 * where libbcc's compile finds them). The installed kernel headers may
 * describe another kernel version; BTF describes this one. */
#ifndef CBCC_BTF_H
#define CBCC_BTF_H

#include <stdbool.h>
#include <stddef.h>

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
/* Number of parameters of kernel function `name`; -1 when unknown. */
int kbtf_func_nargs(const struct kbtf *b, const char *name);
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

#endif
