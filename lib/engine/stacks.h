/* Reading what stackcount's program counted: the stacks of its
 * BPF_MAP_TYPE_STACK_TRACE table, symbolized as BCC's stackcount prints
 * them (lines, -f folded lines), and the folded lines kept between
 * Prometheus scrapes. */
#ifndef CBCC_STACKS_H
#define CBCC_STACKS_H

#include <stdbool.h>
#include <stdint.h>

#include "maps.h"
#include "runtime.h"
#include "strbuf.h"
#include "syms.h"

#include "stackcount.h" /* the program's contract: its key and tables */

#define STACKS_MAX_FRAMES 127

struct stack_reader {
	int stacks_fd;	  /* STACKCOUNT_STACKS_TABLE: the stacks by id */
	int stack_pid_fd; /* STACKCOUNT_PID_TABLE: a process of each user stack */
	struct syms *syms;
	bool offset;	/* -s: symbol+offset */
	bool verbose;	/* -v: raw addresses too */
	bool delimiter; /* -d: "--" between kernel and user frames */
};

/* Finds the tables of the loaded program and prepares pid's symbols (0:
 * none yet). */
int stacks_open(struct stack_reader *r, struct cbcc_bpf *b, pid_t pid, struct cbcc_err *err);
void stacks_close(struct stack_reader *r);

/* Frames of k's stacks, leaf first, into ips (STACKS_MAX_FRAMES + 1): the
 * kernel's without the BPF frames; the user's with the caller saved at
 * function entry right after the leaf. */
int stacks_kernel(const struct stack_reader *r, const struct cbcc_stack_key *k, uint64_t *ips);
int stacks_user(const struct stack_reader *r, const struct cbcc_stack_key *k, uint64_t *ips);
/* The process whose symbols k's user stack has, or -1. */
int stacks_pid(const struct stack_reader *r, const struct cbcc_stack_key *k);
/* A frame as a line of a stack shows it, without the indent. */
void stacks_frame_text(const struct stack_reader *r, int pid, uint64_t addr, struct strbuf *out);
/* k's stacks as -f shows them: "comm;outermost;...;innermost". */
void stacks_folded(const struct stack_reader *r, const struct cbcc_stack_key *k,
		   struct strbuf *line);

/* A stack and its count, from table cbcc_counts. */
struct stack_count {
	struct cbcc_stack_key key;
	uint64_t count;
};
/* The stacks of a snapshot of the counts (snap->n of them, at least one slot). */
struct stack_count *stacks_counts(const struct cbcc_map *counts, const struct map_snapshot *snap);
/* Least frequent first. */
void stacks_sort_by_count(struct stack_count *all, int n);
/* As BCC's stackcount prints a stack: its frames (two spaces in), the
 * process when show_process and known, the count. */
void stacks_print(const struct stack_reader *r, const struct stack_count *e, bool show_process);
/* As -f prints it: the folded line and the count. */
void stacks_print_folded(const struct stack_reader *r, const struct stack_count *e);
/* One stack of the --json line: count, pid and comm (-P), the kernel and
 * user frames (each when asked for). */
struct json;
void stacks_json(const struct stack_reader *r, struct json *j, const struct stack_count *e,
		 bool kernel, bool user);

/* The folded lines of the last scrape, by key: each stack is symbolized
 * once (libbcc stats files for every address). */
struct stack_folds {
	struct map_snapshot keys;
	char **lines;
};
/* The folded lines of snap's stacks (sorted by key, keys of key_size
 * bytes): those of the last call again, new ones (and any with an
 * [unknown] frame) symbolized; snap becomes the last call's. */
char **stacks_fold_all(const struct stack_reader *r, struct stack_folds *f,
		       struct map_snapshot *snap, size_t key_size);
void stacks_folds_free(struct stack_folds *f);

#endif
