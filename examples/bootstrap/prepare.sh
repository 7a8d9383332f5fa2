#!/usr/bin/env bash
# Makes examples/bootstrap/busybox.nar: Debian's static busybox (package busybox-static) as a
# store directory { bin/busybox, bin/sh -> busybox }, in NAR form, for examples/bootstrap.ts to
# fetch with cairn's builtin fetcher (file://, no network) and check against its pinned hash.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
busybox="${BUSYBOX:-/bin/busybox}"
[ -x "$busybox" ] || { echo "prepare.sh: $busybox not found: apt-get install busybox-static" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/busybox/bin"
cp "$busybox" "$tmp/busybox/bin/busybox"
chmod 755 "$tmp/busybox/bin/busybox"
ln -s busybox "$tmp/busybox/bin/sh"
# A temp name of our own, then rename: test files running at once may prepare it together.
node "$here/../../dist/cli/main.js" dump "$tmp/busybox" > "$here/busybox.nar.tmp.$$"
mv "$here/busybox.nar.tmp.$$" "$here/busybox.nar"
echo "examples/bootstrap/busybox.nar: sha256 $(node "$here/../../dist/cli/main.js" hash --sri "$tmp/busybox")"
