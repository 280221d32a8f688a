#!/bin/bash
# test_differential.sh [DANEPROBE] - the CI-sized differential run (run with
# the lab up): tests/differential/run.sh over names-ci.txt, every mutation
# kind, ~330 mutated lookups, a fixed seed (DIFF_SEED, default 1).
#
# Checks: no verdict difference is left unexplained or matches a known
# daneprobe bug (`run.sh -S`: FINDINGS.md has none open since issue 10's
# fixes, so any difference no RFC rule of explain.py covers fails here);
# the honest ("none") rounds agree on every name; every kind ran and
# mutated answers; the harness sees differences at all (drop_rrsig turns
# signed names bogus for both validators).  The lab's keys are new at
# every `lab up`, so which forgery a seed makes changes from run to run: a
# failure prints the row to reproduce with run.sh -s SEED -k KIND -q.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lab_setup test_differential "${1:-./daneprobe}"
DIFF=$HERE/../differential
SEED=${DIFF_SEED:-1}

"$DIFF/run.sh" -S -n 330 -s "$SEED" -j 3 -m "$DIFF/names-ci.txt" -o "$TMP/out" -d "$DP" \
	>"$TMP/run.txt" 2>&1
rc=$?
cat "$TMP/run.txt"
RES=$TMP/out/results.jsonl
if [ "$rc" -eq 0 ]; then
	ok "run.sh -S -s $SEED: no unexplained difference, no known bug"
else
	bad "run.sh -S -s $SEED exited $rc: unexplained differences or known bugs above (reproduce one with run.sh -n 1 -s SEED -k KIND -q 'NAME TYPE')"
fi
[ -s "$RES" ] || { bad "no results.jsonl"; finish; }

# row KIND: "lookups mutated agree explained bug unexplained" of the table
row() { awk -v k="$1" '$1 == k { print $2, $3, $4, $5, $6, $7 }' "$TMP/run.txt"; }

read -r n m a _ <<<"$(row none)"
if [ -n "${n:-}" ] && [ "$n" -gt 0 ] && [ "$a" = "$n" ] && [ "$m" = 0 ]; then
	ok "honest round: all $n lookups agree with unbound, nothing mutated"
else
	bad "honest round: $(row none) (want every lookup agreeing, none mutated)"
fi

for k in $(/usr/bin/python3 -c "import sys; sys.path.insert(0, '$DIFF'); import mutate; print(*mutate.KINDS[1:])"); do
	read -r n m _ <<<"$(row "$k")"
	if [ -n "${n:-}" ] && [ "$n" -gt 0 ] && [ "$m" -gt 0 ]; then
		ok "kind $k: $n lookups, $m with a mutation on the way"
	else
		bad "kind $k: '$(row "$k")' (want lookups and mutated answers)"
	fi
done

# Both validators must see the mutations: drop_rrsig has to make some
# signed name bogus for unbound AND for daneprobe, or the proxy is not in
# the path of one of them.
both=$(jq -c 'select(.kind == "drop_rrsig" and .dp == "bogus" and .oracle == "bogus")' "$RES" | wc -l)
base=$(jq -c 'select(.kind == "none" and .dp == "bogus")' "$RES" | wc -l)
if [ "$both" -gt "$base" ]; then
	ok "drop_rrsig: $both lookups bogus for both validators (honest round: $base)"
else
	bad "drop_rrsig: $both bogus for both, honest round $base: mutations do not reach both validators"
fi

finish
