#!/bin/sh
# build-deb.sh OUTDIR - `make deb`: build the Debian package with Debian's
# own tools (dpkg-buildpackage, debhelper) from a copy of the source tree
# in OUTDIR, with this directory as its debian/ (the repository keeps no
# debian/ at the top level); then run lintian on it.  Fails when lintian
# reports an error.  The last line printed is the path of the .deb.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
case $out in /*) ;; *) out=$top/$out ;; esac
for tool in dpkg-buildpackage dh lintian; do
	command -v "$tool" >/dev/null 2>&1 || {
		echo "make deb: $tool is missing (apt-get install dpkg-dev debhelper lintian)" >&2
		exit 1
	}
done
version=$(dpkg-parsechangelog -l "$top/contrib/debian/changelog" -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
src=$out/daneprobe-$version
rm -rf "$out"
mkdir -p "$src"
# The tracked and new files, without build products (git), else all of
# the tree but the build directories.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -co --exclude-standard -z | xargs -0 tar cf -) | tar xf - -C "$src"
else
	(cd "$top" && tar cf - --exclude='./build*' --exclude=./daneprobe .) | tar xf - -C "$src"
fi
cp -a "$top/contrib/debian" "$src/debian"
rm -f "$src/debian/build-deb.sh"
(cd "$src" && dpkg-buildpackage -us -uc -b) > "$out/build.log" 2>&1 || {
	tail -30 "$out/build.log" >&2
	echo "make deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
}
deb=$out/daneprobe_${version}_$arch.deb
[ -f "$deb" ] || { echo "make deb: $deb was not built" >&2; exit 1; }
echo "lintian $(basename "$deb"):"
lintian --info --display-info "$deb" | tee "$out/lintian.txt"
if grep -q '^E: ' "$out/lintian.txt"; then
	echo "make deb: lintian reports errors" >&2
	exit 1
fi
echo "$deb"
