	if (__retry) { /* sent by the sys_exit program */
		u64 __key = ((u64){{INDEX}} << 32) | __pid;

		__data->hdr.pad = __retry;
		cbcc_retry.update(&__key, (union cbcc_scratch_t *)__data);
		return 0;
	}
