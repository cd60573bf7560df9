	__data->hdr.kstack = cbcc_stacks.get_stackid({{CTX}}, 0);
