	if (__retry & (1U << {{SLOT}})) {
		u64 __p;

		__builtin_memcpy(&__p, &__data->v{{SLOT}}, 8);
		__data->v{{SLOT}}[0] = 0;
		cbcc_read_str(&__data->v{{SLOT}}, sizeof(__data->v{{SLOT}}), (const void *)__p);
	}
