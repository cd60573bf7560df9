BPF_STACK_TRACE(cbcc_stacks, 1024);
