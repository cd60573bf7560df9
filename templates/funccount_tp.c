/* funccount tracepoint {{SLOT}}. The context is not read, so one
 * shape of function fits every tracepoint. */
int {{NAME}}(void *args)
{
	cbcc_count({{SLOT}});
	return 0;
}
