/* Address to symbol, as BCC's BPF.sym()/ksym() print them. */
#ifndef CBCC_SYMS_H
#define CBCC_SYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"
#include "util.h"

struct syms;
struct bpf_stack_build_id;

struct syms *syms_new(void);
void syms_free(struct syms *s);
/* Appends "name[+0xoff][ [module]]" or "[unknown]"; pid < 0 means kernel. */
void syms_format(struct syms *s, int pid, uint64_t addr, bool show_module, bool show_offset,
		 struct strbuf *out);
/* A kernel stack walked from a fentry/fexit program starts with the frames
 * of the BPF program and its trampoline, then the traced function at the
 * return address of its call to the trampoline. Drops those frames and moves
 * that address back to where a kprobe sees the function (its ftrace call
 * site + 1); after fexit (returned) the function's frame goes too, as a
 * kretprobe's stack starts at the caller. So stacks read the same whichever
 * attached; kprobe stacks are left alone. Returns the frames left in ips. */
/* Whether a kernel symbol names BPF code: "bpf_prog_<16 hex digit tag>_<name>"
 * or "bpf_trampoline_<key>", as the kernel lists them in kallsyms. */
bool syms_is_bpf_symbol(const char *name);
int syms_trim_bpf_frames(struct syms *s, uint64_t *ips, int n, bool returned);
/* trace -s: a binary or library whose build ID names it in build-ID stacks
 * (BPF_F_STACK_BUILD_ID); fails when it has none or cannot be read. */
int syms_add_build_id_file(struct syms *s, const char *path, struct cbcc_err *err);
/* Appends a frame of a build-ID stack as syms_format does: resolved by build
 * ID and file offset in the files added with syms_add_build_id_file (so the
 * process may have gone, and the binary too); a frame the kernel could only
 * give as an address is resolved in process pid. */
void syms_format_build_id(struct syms *s, int pid, const struct bpf_stack_build_id *f,
			  bool show_module, bool show_offset, struct strbuf *out);
/* Reads a live process's memory maps now, so its addresses still resolve
 * after it exits; pid < 0: the kernel's symbols, with those of the BPF
 * programs and trampolines loaded now, so kernel stacks printed after they
 * are detached (a drain after Ctrl-C) still lose their BPF frames. */
void syms_prepare(struct syms *s, int pid);
/* Forgets the cached maps of a process (e.g. after it exec'd). */
void syms_forget(struct syms *s, int pid);

#endif
