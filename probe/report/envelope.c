/*
 * envelope.c - the common keys of every JSON document (envelope.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include "probe/report/envelope.h"
#include "probe/util/clock.h"

static const char *env_command = "daneprobe";
static const char *env_version = "";
static int env_emitted;

void dp_envelope_init(const char *command, const char *version)
{
	if (command != NULL)
		env_command = command;
	if (version != NULL)
		env_version = version;
}

const char *dp_envelope_version(void)
{
	return env_version;
}

const char *dp_status_word(int exit_code)
{
	static const char *const words[] = { "ok", "warning", "critical", "unknown" };

	return exit_code >= 0 && exit_code <= 3 ? words[exit_code] : "unknown";
}

json_t *dp_envelope_wrap(const json_t *body, int exit_code)
{
	json_t *o = json_object(), *v;
	const char *k;
	char t[32];

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "schema", json_integer(DP_JSON_SCHEMA));
	json_object_set_new(o, "command", json_string(env_command));
	json_object_set_new(o, "version", json_string(env_version));
	/* dp_now honours --now: a document evaluated at another instant
	 * says which. */
	json_object_set_new(o, "time", json_string(dp_time_fmt(dp_now(), t, sizeof(t))));
	if (exit_code >= 0) {
		json_object_set_new(o, "status", json_string(dp_status_word(exit_code)));
		json_object_set_new(o, "exit_code", json_integer(exit_code));
	}
	json_object_foreach((json_t *)body, k, v) {
		if (json_object_get(o, k) != NULL && exit_code >= 0)
			continue;
		if (json_object_set(o, k, v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

static int emit(FILE *out, const json_t *body, int exit_code, size_t flags)
{
	json_t *o = dp_envelope_wrap(body, exit_code);
	int rc;

	if (o == NULL)
		return -1;
	rc = json_dumpf(o, out, flags | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (rc != 0)
		return -1;
	fputc('\n', out);
	env_emitted = 1;
	return 0;
}

int dp_json_emit(FILE *out, const json_t *body, int exit_code)
{
	return emit(out, body, exit_code < 0 ? 3 : exit_code, JSON_INDENT(2));
}

int dp_json_emit_line(FILE *out, const json_t *body, const char *status_word)
{
	json_t *b = json_deep_copy(body);
	int rc;

	if (b == NULL)
		return -1;
	if (status_word != NULL)
		json_object_set_new(b, "status", json_string(status_word));
	rc = emit(out, b, -1, JSON_COMPACT);
	json_decref(b);
	return rc;
}

int dp_json_emitted(void)
{
	return env_emitted;
}

int dp_json_emit_error(FILE *out, int exit_code, const char *message)
{
	json_t *b = json_object();
	int rc;

	if (b == NULL)
		return -1;
	json_object_set_new(b, "error", message != NULL ? json_string(message) : json_null());
	rc = dp_json_emit(out, b, exit_code);
	json_decref(b);
	return rc;
}
