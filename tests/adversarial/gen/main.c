/*
 * main.c - the scenario generator: builds, signs and records every
 * scenario of the corpus (gen/scen_*.c) into SCENARIO_DIR, and the ones
 * whose validator fix has not landed yet into PENDING_DIR.
 *
 *   gen SCENARIO_DIR PENDING_DIR      (tests/adversarial/gen/regen.sh)
 *
 * The keys are fixed (gen/keys/) and so is the time; RSA and Ed25519
 * signatures come out byte-identical on every run, ECDSA ones differ
 * (random k) but verify the same.
 */
#include <stdio.h>
#include <string.h>
#include "tests/adversarial/gen/gen.h"
#include "tests/adversarial/gen/scen.h"

/* Scenarios whose fix has not landed in main yet: written to pending/
 * and not run (README.md lists them with the verdict daneprobe gives). */
static const char *const pending[] = {
	NULL
};

static const char *out_dir, *pending_dir;
static int written;

void emit(gscn *s)
{
	const char *dir = out_dir;
	for (size_t i = 0; pending[i]; i++)
		if (strcmp(pending[i], s->name) == 0)
			dir = pending_dir;
	scn_write(s, dir);
	scn_free(s);
	written++;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen SCENARIO_DIR PENDING_DIR\n");
		return 2;
	}
	out_dir = argv[1];
	pending_dir = argv[2];
	scen_basic();
	scen_wildcard();
	scen_denial();
	scen_chain();
	scen_caps();
	printf("gen: %d scenarios written\n", written);
	return 0;
}
