#!/bin/sh
# Install the Debian packages daneprobe needs to build, test and run the lab,
# when they are missing.  Idempotent; needs root only when something is missing.
set -e
PKGS="build-essential pkg-config libldns-dev libssl-dev libcurl4-openssl-dev libyaml-dev
libjansson-dev libexpat1-dev libcmocka-dev ldnsutils bind9-dnsutils knot-dnsutils nsd
unbound dnsmasq-base postfix faketime hyperfine iproute2 python3 openssl clang
libclang-rt-14-dev valgrind curl ca-certificates procps jq time python3-dnspython
python3-cryptography systemd man-db git strace
prometheus python3-jsonschema
libgraphviz-dev graphviz libxml2-utils chromium tidy fonts-liberation
tmux shellcheck"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
