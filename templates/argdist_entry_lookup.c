	u64 __now = bpf_ktime_get_ns();
	struct {{NAME}}_entry_t __e;
	{
		struct {{NAME}}_entry_t *__ep = {{NAME}}_entry.lookup(&__pid);

		if (!__ep)
			return 0;
		__e = *__ep;
		{{NAME}}_entry.delete(&__pid);
	}
