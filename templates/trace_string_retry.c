	{
		u64 __p = (u64)({{EXPR}});

		__data->v{{SLOT}}[0] = 0;
		if (__p && cbcc_read_str(&__data->v{{SLOT}}, sizeof(__data->v{{SLOT}}), (const void *)__p) < 0) {
			__builtin_memcpy(&__data->v{{SLOT}}, &__p, 8);
			__retry |= 1U << {{SLOT}};
		}
	}
