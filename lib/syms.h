/* Address to symbol, as BCC's BPF.sym()/ksym() print them. */
#ifndef CBCC_SYMS_H
#define CBCC_SYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "strbuf.h"

struct syms;

struct syms *syms_new(void);
void syms_free(struct syms *s);
/* Appends "name[+0xoff][ [module]]" or "[unknown]"; pid < 0 means kernel. */
void syms_format(struct syms *s, int pid, uint64_t addr, bool show_module, bool show_offset,
		 struct strbuf *out);
/* Reads a live process's memory maps now, so its addresses still resolve
 * after it exits. */
void syms_prepare(struct syms *s, int pid);
/* Forgets the cached maps of a process (e.g. after it exec'd). */
void syms_forget(struct syms *s, int pid);

#endif
