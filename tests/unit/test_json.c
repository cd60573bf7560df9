/* lib/json: nesting, commas and escaping give valid JSON. */
#include "json.h"

#include "check.h"

int main(void)
{
	struct json j = {0};

	json_begin(&j);
	json_str(&j, "s", "a\"b\\c\n\t\001\x7f");
	json_u64(&j, "u", 18446744073709551615ULL);
	json_i64(&j, "i", -5);
	json_double(&j, "d", 0.5);
	json_fixed(&j, "f", 1795681560.25, 6);
	json_array(&j, "a");
	json_u64(&j, NULL, 1);
	json_object(&j, NULL);
	json_bool(&j, "t", true);
	json_close(&j);
	json_array(&j, NULL);
	json_close(&j);
	json_close(&j);
	json_object(&j, "empty");
	json_end(&j);
	CHECK_STR(j.sb.buf, "{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\",\"u\":18446744073709551615,"
			    "\"i\":-5,\"d\":0.5,\"f\":1795681560.250000,\"a\":[1,{\"t\":true},[]],"
			    "\"empty\":{}}\n");

	json_begin(&j);
	json_strn(&j, "utf8", "h\xc3\xa9 \xff\xe2\x82", 7);
	json_end(&j);
	CHECK_STR(j.sb.buf, "{\"utf8\":\"h\xc3\xa9 \\u00ff\\u00e2\\u0082\"}\n");
	json_free(&j);
	return check_finish("JSON");
}
