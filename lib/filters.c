#include "filters.h"

#include <bcc/libbpf.h>
#include <stdint.h>

#include "prelude.h"

int filters_configure(struct cbcc_bpf *b, const struct cbcc_filters *f, struct cbcc_err *err)
{
	struct cbcc_config cfg = {
		.self_tgid = (uint32_t)f->self_tgid,
		.tgid = (uint32_t)f->tgid,
		.tid = (uint32_t)f->tid,
		.has_uid = f->uid >= 0,
		.uid = f->uid >= 0 ? (uint32_t)f->uid : 0,
	};
	int zero = 0, fd = rt_table_fd(b, CBCC_CONFIG_TABLE, err);

	if (fd < 0 || bpf_update_elem(fd, &zero, &cfg, 0) < 0)
		return cbcc_errf(err, "cannot configure the BPF program's filters");
	return 0;
}
