	__data->hdr.ustack = {{TABLE}}.get_stackid({{CTX}}, BPF_F_USER_STACK);
