/* cbcc: include/linux/kconfig.h of the kernel tree cbcc gives libbcc when the
 * kernel's types come from its BTF (lib/ktypes.c). clang reads this file
 * first, before libbcc's own headers; every other header of the tree is
 * empty. Generated for one compile: the kernel types the program names, from
 * /sys/kernel/btf/vmlinux, and the few kernel macros it uses. */
#ifndef __CBCC_KERNEL_BTF_H
#define __CBCC_KERNEL_BTF_H

#define CONFIG_BPF_SYSCALL 1
/* libbcc's own copy of uapi/linux/bpf.h is left out: the kernel's BTF
 * describes the same types, as this kernel has them */
#define _UAPI__LINUX_BPF_H__

#define LINUX_VERSION_CODE {{VERSION}}
#define KERNEL_VERSION(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

#define NULL ((void *)0)
#define __always_inline inline __attribute__((always_inline))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define offsetof(type, member) __builtin_offsetof(type, member)
/* linux/log2.h, for libbcc's BPF_STACK_TRACE (n is a constant there) */
#define roundup_pow_of_two(n) ((n) <= 1 ? 1UL : 1UL << (64 - __builtin_clzl((unsigned long)(n) - 1)))
#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/* structs that libbcc's helper prototypes name: declared here, at file
 * scope, so that the prototypes and the program mean the same types */
struct __sk_buff;
struct bpf_dynptr;
struct bpf_perf_event_data;
struct bpf_perf_event_value;
struct bpf_pidns_info;
struct bpf_raw_tracepoint_args;
struct bpf_redir_neigh;
struct bpf_sock;
struct bpf_sock_ops;
struct bpf_sock_tuple;
struct bpf_spin_lock;
struct bpf_sysctl;
struct bpf_tcp_sock;
struct bpf_timer;
struct btf_ptr;
struct cgroup;
struct file;
struct inode;
struct ipv6hdr;
struct iphdr;
struct linux_binprm;
struct mptcp_sock;
struct path;
struct pt_regs;
struct seq_file;
struct sk_buff;
struct socket;
struct task_struct;
struct tcp6_sock;
struct tcp_request_sock;
struct tcp_sock;
struct tcp_timewait_sock;
struct tcphdr;
struct udp6_sock;
struct unix_sock;
struct xdp_md;

/* the kernel types the program uses, from BTF (libbpf's btf_dump) */
{{TYPES}}
/* kernel macros the program uses (cbcc's templates/kernel_macros.h) */
{{MACROS}}
#endif
