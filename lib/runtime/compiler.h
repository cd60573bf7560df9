/* libbcc's clang frontend. It lives in libbcc.so.0 together with clang and
 * LLVM (~65 ms and ~50 MB just to load), so cbcc links only libbcc_bpf and
 * opens libbcc.so.0 with dlopen when a program must really be compiled (a
 * cache miss or --no-cache): -h, --version, errors, tplist and cache hits
 * never load LLVM. */
#ifndef CBCC_COMPILER_H
#define CBCC_COMPILER_H

#include "prog.h"
#include "util.h"

/* Compiles src into *out (maps created). Returns 0, 1 when clang rejected
 * the source (its diagnostics went to stderr: the caller captures them), or
 * -1 with err (libbcc.so.0 missing or not compatible, ...). *deps (n in *ndeps, caller frees with
 * free_strv) are the absolute paths of the files the compile read, libbcc's
 * in-memory headers aside; files clang read by a relative path are the
 * kernel tree's (libbcc compiles from inside it). *deps is NULL when they
 * could not be recorded. Should clang abort (out of memory: std::bad_alloc,
 * "LLVM ERROR"), the tool prints one line on report_fd, naming the address
 * space limit, and exits 1: nothing is attached yet at compile time. */
int compiler_compile(const char *src, int report_fd, struct prog **out, char ***deps, int *ndeps,
		     struct cbcc_err *err);

#endif
