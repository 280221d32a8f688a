#!/bin/bash
# mkwrapper.sh DIR DANEPROBE: write DIR/bin/daneprobe, which runs DANEPROBE
# through capture.sh with its JSON copies in DIR; prints the wrapper's path.
# By hand:  w=$(tests/schema/mkwrapper.sh /tmp/cap ./build/daneprobe)
#           bash tests/integration/test_verify.sh "$w"
#           /usr/bin/python3 tests/schema/validate.py /tmp/cap
set -eu
dir=$(mkdir -p "$1/bin" && cd "$1" && pwd)
real=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
cap=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/capture.sh
printf '#!/bin/sh\nDP_CAPTURE_REAL=%s DP_CAPTURE_DIR=%s exec %s "$@"\n' \
	"$(printf %q "$real")" "$(printf %q "$dir")" "$(printf %q "$cap")" >"$dir/bin/daneprobe"
chmod +x "$dir/bin/daneprobe"
echo "$dir/bin/daneprobe"
