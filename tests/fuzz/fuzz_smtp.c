/*
 * fuzz_smtp.c - libFuzzer target for the SMTP reply parser
 * (probe/smtp.c smtp_reply_parse): any bytes, consumed reply by reply as
 * the client does, must never crash, read out of bounds or loop.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "probe/dane/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data;
	size_t left = size;
	char detail[256];

	while (left > 0) {
		smtp_reply r;
		size_t used = 0;
		int rc = smtp_reply_parse(p, left, &r, &used, detail, sizeof detail);

		if (rc != DP_OK)
			break;
		/* A complete reply always consumes something and ends inside
		 * the input; its text is NUL-terminated. */
		if (used == 0 || used > left || strlen(r.text) >= SMTP_TEXT_MAX ||
		    r.code < 200 || r.code > 559)
			__builtin_trap();
		p += used;
		left -= used;
	}
	return 0;
}
