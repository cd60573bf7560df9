	struct { u64 di, si, dx, cx, r8, r9, ax; } __fregs = {}, *ctx = &__fregs;

{{ARGS}}	(void)ctx;

