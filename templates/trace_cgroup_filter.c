	if (cbcc_cgroup.check_current_task(0) <= 0)
		return 0;
