/* records waiting for their syscall's exit (trace_exit.c) */
BPF_TABLE("lru_hash", u64, union cbcc_scratch_t, cbcc_retry, 1024);
