	/* at entry the caller's frame is not linked yet: keep its return address */
	if (key.ustack >= 0)
		bpf_probe_read_user(&key.caller, sizeof(key.caller), (void *)PT_REGS_SP(ctx));
