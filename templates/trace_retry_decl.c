	u32 __retry = 0;
