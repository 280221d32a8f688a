#!/bin/sh
# Rebuild the generator and rewrite every scenario file of the corpus.
#   tests/adversarial/gen/regen.sh
set -eu
top=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$top"
out=${BUILD:-build}/adversarial
mkdir -p "$out"
cc -O1 -g -std=c11 -D_GNU_SOURCE -I. -Wall -Wextra -Wshadow -Werror \
	$(pkg-config --cflags ldns) -o "$out/gen" tests/adversarial/gen/*.c $(pkg-config --libs ldns)
rm -f tests/adversarial/scenarios/*.scn tests/adversarial/pending/*.scn
"$out/gen" tests/adversarial/scenarios tests/adversarial/pending
