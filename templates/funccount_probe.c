/* funccount probe {{SLOT}}: {{WHAT}} */
int {{NAME}}({{PARAMS}})
{
	cbcc_count({{SLOT}});
	return 0;
}
