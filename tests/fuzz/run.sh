#!/bin/sh
# tests/fuzz/run.sh [SECONDS] - build every tests/fuzz/fuzz_*.c as a
# libFuzzer target (clang, -fsanitize=fuzzer,address,undefined) against
# the sources of validator/ and probe/ (all but probe/cli/main.c), compiled
# here into build-fuzz/, and run each for SECONDS (default 60).
#
# Each target fuzz_X starts from the seeds in tests/fuzz/corpus/fuzz_X/
# (committed) and keeps what it finds in build-fuzz/corpus/fuzz_X/.
# Crashes go to build-fuzz/artifacts/.  A fuzz_*.c defines
# LLVMFuzzerTestOneInput only.  FUZZ_ONLY=fuzz_config (a shell pattern)
# runs only the targets it matches.  Exit status: 0 if every target ran
# clean, 1 if one found a problem or did not build.
set -u

SECS=${1:-60}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${FUZZ_BUILD:-$TOP/build-fuzz}
CC=${FUZZ_CC:-clang}
PKGS="ldns libssl libcrypto libcurl yaml-0.1 jansson expat"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
# Graphviz: headers only, as in the Makefile (probe/report/svg.c dlopens libgvc).
CFLAGS="-g -O1 -std=c11 -D_GNU_SOURCE -pthread $SAN -I$TOP $(pkg-config --cflags $PKGS libgvc 2>/dev/null)"
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -pthread -lm"

command -v "$CC" >/dev/null 2>&1 || { echo "run.sh: $CC not found" >&2; exit 1; }
mkdir -p "$OUT/obj" "$OUT/corpus" "$OUT/artifacts"

# The library objects, rebuilt when the source is newer.  A source that
# does not compile is reported and left out; a target that needs it
# will then fail to link, and is reported too.
objs=
for src in "$TOP"/validator/*.c "$TOP"/probe/*/*.c; do
	[ -e "$src" ] || continue
	case $src in */probe/cli/main.c) continue ;; esac
	rel=${src#"$TOP"/}
	obj=$OUT/obj/$(echo "$rel" | tr / _ | sed 's/\.c$/.o/')
	if [ ! -e "$obj" ] || [ "$src" -nt "$obj" ] || [ -n "$(find "$TOP/validator" "$TOP/probe" -name '*.h' -newer "$obj" 2>/dev/null | head -1)" ]; then
		if ! $CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$obj" "$src" 2>"$obj.log"; then
			echo "run.sh: $rel does not compile (see $obj.log), left out" >&2
			rm -f "$obj"
			continue
		fi
	fi
	objs="$objs $obj"
done
# The data compiled into the program (probe/util/builtin.h), as the
# Makefile generates it.
mkdir -p "$OUT/gen"
if (cd "$TOP" && sh probe/util/embed.sh "$OUT/gen/builtin_data.c" \
	dp_builtin_root_ds=configs/root-anchors.ds dp_builtin_icann_ca=configs/icann-root-ca.pem \
	dp_builtin_probe_names=configs/probe-internet.yaml) &&
   $CC $CFLAGS -fsanitize=fuzzer-no-link -c -o "$OUT/obj/builtin_data.o" "$OUT/gen/builtin_data.c"; then
	objs="$objs $OUT/obj/builtin_data.o"
else
	echo "run.sh: the built-in data does not build" >&2
fi

status=0
summary=
for tsrc in "$TOP"/tests/fuzz/fuzz_*.c; do
	[ -e "$tsrc" ] || continue
	name=$(basename "$tsrc" .c)
	# shellcheck disable=SC2254
	case $name in ${FUZZ_ONLY:-*}) ;; *) continue ;; esac
	bin=$OUT/$name
	if ! $CC $CFLAGS -fsanitize=fuzzer -o "$bin" "$tsrc" $objs $LIBS 2>"$bin.log"; then
		echo "run.sh: $name does not build (see $bin.log)" >&2
		summary="$summary$name: BUILD FAILED
"
		status=1
		continue
	fi
	corpus=$OUT/corpus/$name
	seeds=$TOP/tests/fuzz/corpus/$name
	mkdir -p "$corpus"
	set -- "$corpus"
	[ -d "$seeds" ] && set -- "$corpus" "$seeds"
	echo "== $name for ${SECS}s"
	log=$OUT/$name.fuzz.log
	"$bin" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
		-print_final_stats=1 -artifact_prefix="$OUT/artifacts/$name-" "$@" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		summary="$summary$name: ok, ${execs:-?} runs in ${SECS}s, $cov, corpus $(ls "$corpus" | wc -l) files
"
	else
		summary="$summary$name: FAILED (exit $rc), see $log and $OUT/artifacts/
"
		grep -m 5 -E 'ERROR|SUMMARY' "$log" >&2
		status=1
	fi
done
echo
printf '%s' "$summary"
exit $status
