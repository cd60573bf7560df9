/* The kernel functions a pattern may match: those BCC's
 * get_kprobe_functions lists, without the symbols that are not functions. */
#ifndef CBCC_KALLSYMS_H
#define CBCC_KALLSYMS_H

#include <stdbool.h>

#include "util.h"

/* Calls fn(name, arg) once per traceable kernel function, in /proc/kallsyms
 * order; stops early when fn returns false. Traceable, as in BCC: a text
 * symbol (t, T, w, W) outside the init and irqentry sections, not marked
 * NOKPROBE (_kbl_addr_*), not perf's (__perf*, perf_*), a static call
 * trampoline (__SCT__*) or a .cold part, not in kprobes/blacklist and, where
 * available_filter_functions can be read, listed there. Never the __pfx_ and
 * __cfi_ symbols the compiler puts before functions (padding, not code BCC
 * could probe: its kallsyms fallback lists them). */
int kallsyms_foreach_function(bool (*fn)(const char *name, void *arg), void *arg,
			      struct cbcc_err *err);

#endif
