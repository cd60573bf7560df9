/* Where a BPF program's kernel types come from. Where the running kernel
 * has BTF, from it: each compile gets a private kernel tree whose
 * include/linux/kconfig.h (the first file libbcc's clang reads) declares
 * exactly the kernel types the program names (lib/system/btf.h) and the few kernel
 * macros it uses (templates/kernel_macros.h); every other header of the tree
 * is empty, so no kernel headers are needed. Otherwise from the installed
 * kernel headers, as libbcc finds them. CBCC_KERNEL_TYPES chooses: "auto"
 * (the default), "btf" or "headers". */
#ifndef CBCC_KTYPES_H
#define CBCC_KTYPES_H

#include <stdbool.h>

#include "util.h"

#define KTYPES_ENV "CBCC_KERNEL_TYPES"

enum ktypes_source { KTYPES_HEADERS, KTYPES_BTF };

/* The templates the BTF kernel tree is made of: part of what a compiled
 * program depends on besides its source (lib/runtime/cache.c's key). */
extern const char *const ktypes_templates[2];

/* Decides from CBCC_KERNEL_TYPES and whether the kernel has BTF. */
int ktypes_source(enum ktypes_source *out, struct cbcc_err *err);
/* "BTF (/sys/kernel/btf/vmlinux)" or "kernel headers (/lib/modules/R/build)". */
char *ktypes_describe(enum ktypes_source source);

/* Whether name may follow #include between < and >: [A-Za-z0-9_.+/-], not
 * absolute, no "..". */
bool ktypes_header_name_ok(const char *name);

/* One compile's kernel types. */
struct ktypes_compile {
	bool btf;      /* the types came from BTF */
	char *tree;    /* the private kernel tree (BTF), or NULL */
	char *old_env; /* BCC_KERNEL_SOURCE before, or NULL */
};

/* Before compiling src: with BTF, writes the tree and points libbcc at it
 * (BCC_KERNEL_SOURCE). With verbose, says what was generated. */
int ktypes_compile_begin(struct ktypes_compile *c, const char *src, bool verbose,
			 struct cbcc_err *err);
/* After the compile: restores the environment and removes the tree. */
void ktypes_compile_end(struct ktypes_compile *c);
/* For a failed compile whose first error was `error`: what to add to the
 * message ("" or a hint at CBCC_KERNEL_TYPES=headers when a header or an
 * identifier was missing with the types from BTF). */
const char *ktypes_hint(const struct ktypes_compile *c, const char *error);

#endif
