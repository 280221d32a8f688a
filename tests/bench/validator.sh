#!/bin/sh
# tests/bench/validator.sh BUILD_DIR - daneprobe's validator against
# ldns-verify-zone on the same signed zones, single-threaded.
#
# A 50,000-name zone (A records, every 10th name with an MX, every 25th
# with a TXT) is signed once with ECDSA P-256 (alg 13) and once with
# RSA-2048 (alg 8) by ldns-signzone (NSEC), and cached under
# $BENCH_CACHE (default /tmp/daneprobe-bench), so reruns skip that step.
# Both programs read the zone file, parse it with ldns, and verify every
# signed RRset; both must report success on the same number of RRsets.
# The result is the ratio of their wall times (hyperfine, mean of
# $BENCH_RUNS runs) and our verifications per second as a share of what
# `openssl speed` says the bare verify operation can do on this machine.
set -eu

BUILD=${1:-build}
CACHE=${BENCH_CACHE:-/tmp/daneprobe-bench}
NAMES=${BENCH_NAMES:-50000}
RUNS=${BENCH_RUNS:-2}
ORIGIN=bench.example
TOP=$(cd "$(dirname "$0")/../.." && pwd)

need() { command -v "$1" >/dev/null 2>&1 || { echo "validator.sh: $1 not found" >&2; exit 3; }; }
need ldns-keygen; need ldns-signzone; need ldns-verify-zone; need openssl

mkdir -p "$CACHE"
ZONE=$CACHE/$ORIGIN.$NAMES.zone
if [ ! -s "$ZONE" ]; then
	echo "generating $NAMES names into $ZONE"
	awk -v n="$NAMES" -v o="$ORIGIN" 'BEGIN {
		printf "$ORIGIN %s.\n$TTL 3600\n", o
		printf "@ IN SOA ns1.%s. hostmaster.%s. 1 7200 3600 1209600 3600\n", o, o
		printf "@ IN NS ns1\nns1 IN A 192.0.2.1\n@ IN MX 10 mail\nmail IN A 192.0.2.25\n"
		for (i = 1; i <= n; i++) {
			printf "h%d IN A 10.%d.%d.%d\n", i, int(i / 65536), int(i / 256) % 256, i % 256
			if (i % 10 == 0) printf "h%d IN MX 10 mail.%s.\n", i, o
			if (i % 25 == 0) printf "h%d IN TXT \"v=spf1 ip4:10.0.0.0/8 -all\"\n", i
		}
	}' > "$ZONE.tmp"
	mv "$ZONE.tmp" "$ZONE"
fi

# sign ALG-NAME BITS -> prints the signed file name (cached).
sign() {
	alg=$1 bits=$2
	out=$CACHE/$ORIGIN.$NAMES.$alg.signed
	if [ ! -s "$out" ]; then
		kd=$CACHE/keys-$alg
		rm -rf "$kd"; mkdir -p "$kd"
		( cd "$kd"
		  if [ -n "$bits" ]; then b="-b $bits"; else b=; fi
		  ksk=$(ldns-keygen -r /dev/urandom -a "$alg" $b -k "$ORIGIN")
		  zsk=$(ldns-keygen -r /dev/urandom -a "$alg" $b "$ORIGIN")
		  echo "signing with $alg (keys $ksk $zsk), once" >&2
		  # A wide validity window, so the cached zone stays valid.
		  ldns-signzone -i 20260101000000 -e 20360101000000 -o "$ORIGIN" \
			-f "$out.tmp" "$ZONE" "$ksk" "$zsk" )
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

make -s -C "$TOP" BUILD="$BUILD" WERROR=0 "$BUILD/bench/bench_zone" >&2
BENCH=$TOP/$BUILD/bench/bench_zone
case $BUILD in /*) BENCH=$BUILD/bench/bench_zone ;; esac

P256=$(sign ECDSAP256SHA256 "")
RSA=$(sign RSASHA256 2048)

# openssl speed: the last field of the result line is verifications/s.
speed() {
	openssl speed -seconds 2 "$1" 2>/dev/null | awk -v k="$2" '$0 ~ k { v = $NF } END { print v + 0 }'
}

# Expected RRsets: distinct (owner, type) of the non-RRSIG records.
expected_rrsets() {
	awk '$1 !~ /^;/ && NF >= 4 && $4 != "RRSIG" { k = tolower($1) " " $4; if (!(k in s)) { s[k] = 1; n++ } } END { print n }' "$1"
}

# time_cmd CMD... -> "mean_wall_s cpu_s" (cpu = user + system, mean).
# The machine may be shared: wall time then includes waiting for a core,
# so we report the CPU-time ratio beside the wall-time one.
time_cmd() {
	if command -v hyperfine >/dev/null 2>&1; then
		csv=$CACHE/hf.$$.csv
		hyperfine -N --style none --runs "$RUNS" --export-csv "$csv" -- "$*" >/dev/null 2>&1 ||
			hyperfine --style none --runs "$RUNS" --export-csv "$csv" -- "$*" >/dev/null
		awk -F, 'NR == 2 { printf "%s %.3f\n", $2, $5 + $6 }' "$csv"
		rm -f "$csv"
	else
		tf=$CACHE/time.$$
		i=0; : > "$tf"
		while [ $i -lt "$RUNS" ]; do
			/usr/bin/time -a -o "$tf" -f "%e %U %S" "$@" >/dev/null; i=$((i + 1))
		done
		awk '{ w += $1; c += $2 + $3; n++ } END { printf "%.3f %.3f\n", w / n, c / n }' "$tf"
		rm -f "$tf"
	fi
}

NOW=$(date +%s)
status=0
results=
for pair in "13 ECDSA-P256 $P256 ecdsap256 nistp256" "8 RSA-2048 $RSA rsa2048 rsa.2048"; do
	set -- $pair
	alg=$1 name=$2 file=$3 sp=$4 key=$5
	want=$(expected_rrsets "$file")
	# Both must succeed, on the same RRsets, before we time them.
	lv=$(ldns-verify-zone "$file" 2>&1) || { echo "ldns-verify-zone failed on $file: $lv" >&2; status=1; }
	case $lv in *"verified and complete"*) ;; *) echo "ldns-verify-zone: $lv" >&2; status=1 ;; esac
	ours=$("$BENCH" "$file" "$NOW") || { echo "bench_zone failed on $file: $ours" >&2; status=1; }
	got=$(echo "$ours" | sed -n 's/.*rrsets=\([0-9]*\) secure=\([0-9]*\).*/\2/p')
	if [ "$got" != "$want" ]; then
		echo "RRset count differs for $name: ours secure=$got, zone has $want" >&2
		status=1
	fi
	t_ldns=$(time_cmd ldns-verify-zone "$file")
	t_ours=$(time_cmd "$BENCH" "$file" "$NOW")
	vps=$(echo "$ours" | sed -n 's/.*verify_per_s=\([0-9]*\).*/\1/p')
	vs=$(echo "$ours" | sed -n 's/.*verify_s=\([0-9.]*\).*/\1/p')
	ps=$(echo "$ours" | sed -n 's/.*parse_s=\([0-9.]*\).*/\1/p')
	osp=$(speed "$sp" "$key")
	results="$results$name $want $t_ldns $t_ours $ps $vs $vps $osp
"
	echo "$name: ours $ours" >&2
done

echo
echo "validator benchmark: $NAMES names, single thread, mean of $RUNS runs ($(uptime | sed 's/.*load/load/'))"
printf '%-11s %7s %9s %9s %7s %9s %9s %7s %7s %8s %11s %8s %6s %s\n' zone rrsets ldns_wall ours_wall ratio \
	ldns_cpu ours_cpu ratio -parse verify_s ours_ver/s ossl_v/s share target
printf '%s' "$results" | while read -r name n tlw tlc tow toc ps vs vps osp; do
	[ -n "$name" ] || continue
	echo "$name $n $tlw $tlc $tow $toc $ps $vs $vps $osp" | awk '{
		rw = ($5 > 0) ? $3 / $5 : 0
		rc = ($6 > 0) ? $4 / $6 : 0
		share = ($10 > 0) ? 100 * $9 / $10 : 0
		# the same ldns zone reader runs in both: without it, what is left
		# is the verification work alone
		rp = ($6 - $7 > 0) ? ($4 - $7) / ($6 - $7) : 0
		verdict = (rw >= 1.5) ? "met" : "MISSED"
		printf "%-11s %7d %9.2f %9.2f %6.2fx %9.2f %9.2f %6.2fx %6.2fx %8.2f %11d %8d %5.0f%% >= 1.5x: %s\n",
			$1, $2, $3, $5, rw, $4, $6, rc, rp, $8, $9, $10, share, verdict
	}'
done
echo "ratio = ldns-verify-zone time / ours (target >= 1.5x), by wall time and by CPU"
echo "time (user + system; fairer when other jobs share the cores).  Both include"
echo "reading the zone with ldns (our parse: see parse_s of bench_zone); -parse is the"
echo "CPU ratio with that shared reading (our parse_s) taken out of both sides."
echo "share = our RRset verifications/s in the verify phase / openssl speed verify/s."
exit $status
