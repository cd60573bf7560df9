/* --cgroupmap / --mntnsmap (BCC's container filters): only processes whose
 * cgroup id / mount namespace id is a key of a pinned hash map. User space
 * puts the pinned map into slot 0 of the array of maps; the inner tables
 * declared here are templates for its layout (BCC's: u64 keys, u64 values
 * for cgroups, u32 values for mount namespaces). */
#define SNOOP_CGROUPMAP {{CGROUPMAP}}
#define SNOOP_MNTNSMAP {{MNTNSMAP}}

#if SNOOP_CGROUPMAP
BPF_TABLE("hash", u64, u64, snoop_cgroupset_layout, 1);
BPF_ARRAY_OF_MAPS(snoop_cgroupset, "snoop_cgroupset_layout", 1);
#endif

#if SNOOP_MNTNSMAP
/* Field offsets of the running kernel (BTF), set from user space. */
struct snoop_mntns_config {
	u64 nsproxy;  /* task_struct.nsproxy */
	u64 mnt_ns;   /* nsproxy.mnt_ns */
	u64 inum;     /* mnt_namespace.ns.inum */
};
BPF_ARRAY(snoop_mntns_config, struct snoop_mntns_config, 1);
BPF_TABLE("hash", u64, u32, snoop_mntnsset_layout, 1);
BPF_ARRAY_OF_MAPS(snoop_mntnsset, "snoop_mntnsset_layout", 1);

static __always_inline bool snoop_mntns_skip(void)
{
	u32 zero = 0;
	struct snoop_mntns_config *c = snoop_mntns_config.lookup(&zero);
	void *set = snoop_mntnsset.lookup(&zero);
	u64 task = bpf_get_current_task(), nsproxy = 0, mnt_ns = 0, id;
	u32 inum = 0;

	if (!c || !set)
		return true;
	bpf_probe_read_kernel(&nsproxy, sizeof(nsproxy), (void *)(task + c->nsproxy));
	if (nsproxy)
		bpf_probe_read_kernel(&mnt_ns, sizeof(mnt_ns), (void *)(nsproxy + c->mnt_ns));
	if (mnt_ns)
		bpf_probe_read_kernel(&inum, sizeof(inum), (void *)(mnt_ns + c->inum));
	id = inum;
	return !inum || !bpf_map_lookup_elem(set, &id);
}
#endif

static __always_inline bool snoop_container_skip(void)
{
#if SNOOP_CGROUPMAP
	u32 zero = 0;
	void *cgroups = snoop_cgroupset.lookup(&zero);
	u64 cgroup = bpf_get_current_cgroup_id();

	if (!cgroups || !bpf_map_lookup_elem(cgroups, &cgroup))
		return true;
#endif
#if SNOOP_MNTNSMAP
	if (snoop_mntns_skip())
		return true;
#endif
	return false;
}
