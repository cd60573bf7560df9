	if (bpf_get_smp_processor_id() != {{CPU}})
		return 0;
