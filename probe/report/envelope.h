/*
 * envelope.h - the JSON contract every command's JSON output follows
 * (SPEC section 3, contrib/schema/): each document, and each line of a
 * JSON-lines stream, opens with "schema", "command", "version" and
 * "time"; a single document also carries "status" and "exit_code", which
 * equal the process's exit status.  The writers of each command build
 * only their own keys; these functions add the common ones and print.
 */
#ifndef DP_ENVELOPE_H
#define DP_ENVELOPE_H

#include <stdio.h>
#include <jansson.h>

/* The version of the JSON contract; raised when a key changes meaning or
 * type or goes away (adding keys does not raise it). */
#define DP_JSON_SCHEMA 1

/* The command and program version every document names.  main.c sets
 * them once, before the command runs; both strings are borrowed. */
void dp_envelope_init(const char *command, const char *version);

/* The program version given to dp_envelope_init. */
const char *dp_envelope_version(void);

/* "ok", "warning", "critical", "unknown" for exit codes 0..3 (Nagios);
 * "unknown" for anything else. */
const char *dp_status_word(int exit_code);

/* A new object holding the common keys (schema, command, version, time
 * from dp_now) followed by body's keys in their order; body keeps its
 * reference.  With exit_code >= 0 (a single document), "status" and
 * "exit_code" come right after "time" (a "status" in body is
 * overwritten).  NULL when out of memory. */
json_t *dp_envelope_wrap(const json_t *body, int exit_code);

/* Print body as one indented document with exit_code in the envelope.
 * Returns 0, or -1 when out of memory. */
int dp_json_emit(FILE *out, const json_t *body, int exit_code);

/* Print body as one compact line of a JSON-lines stream (no exit_code:
 * a line is not the process; status_word, when not NULL, is the line's
 * own status).  Returns 0, or -1 when out of memory. */
int dp_json_emit_line(FILE *out, const json_t *body, const char *status_word);

/* Whether a JSON document or line has been printed in this process (so
 * main.c knows whether a failing command still owes one). */
int dp_json_emitted(void);

/* The document a command prints with --format json when it failed
 * before it could print its own: the common keys, status and exit_code,
 * and "error" (the message, or null). */
int dp_json_emit_error(FILE *out, int exit_code, const char *message);

#endif
