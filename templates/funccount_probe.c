/* funccount probe {{SLOT}} */
int {{NAME}}({{PARAMS}})
{
	cbcc_count({{SLOT}});
	return 0;
}
