/* Instruction boundaries for uprobes at an offset into a function
 * ("p:c:malloc+0x4"): a breakpoint inside an instruction corrupts the
 * traced program (every process using the library, for a library), so the
 * function's machine code is decoded from the ELF file (capstone) and the
 * offset must start an instruction within the function. */
#ifndef CBCC_INSN_H
#define CBCC_INSN_H

#include <stdint.h>

#include "util.h"

/* Checks that offset bytes into function func, which starts at file offset
 * func_off of ELF file path, is the start of one of its instructions. The
 * error names the nearest instruction starts. */
int insn_check_offset(const char *path, const char *func, uint64_t func_off, uint64_t offset,
		      struct cbcc_err *err);

#endif
