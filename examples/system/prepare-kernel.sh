#!/usr/bin/env bash
# Pins this machine's Debian kernel for examples/system/: downloads the package that
# linux-image-amd64 depends on (apt-get download; the name changes with point releases), hashes it
# with `cairn hash --flat`, and writes examples/system/kernel.json, which kernel.ts reads. The pin
# is per machine: another Debian point release gives another package and another hash.
#   CAIRN_KERNEL_CACHE  where the .deb is kept (default /var/tmp/cairn-kernel); reused when present
#   KERNEL_JSON         where to write the pin (default examples/system/kernel.json)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cache="${CAIRN_KERNEL_CACHE:-/var/tmp/cairn-kernel}"
json="${KERNEL_JSON:-$here/kernel.json}"
cairn=(node "$here/../../dist/cli/main.js")
pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)"
[ -n "$pkg" ] || { echo "prepare-kernel.sh: cannot resolve linux-image-amd64 (apt-get update?)" >&2; exit 1; }
mkdir -p "$cache"
deb="$(ls "$cache/${pkg}"_*_amd64.deb 2>/dev/null | head -1 || true)"
if [ -z "$deb" ]; then
  # apt drops privileges to _apt for downloads: give it a directory it can write.
  tmp="$(mktemp -d)"
  chmod 777 "$tmp"
  (cd "$tmp" && apt-get download -q "$pkg" >&2)
  mv "$tmp/${pkg}"_*_amd64.deb "$cache/"
  rmdir "$tmp" 2>/dev/null || true
  deb="$(ls "$cache/${pkg}"_*_amd64.deb | head -1)"
fi
hash="$("${cairn[@]}" hash --flat --sri "$deb")"
base="$(basename "$deb")"
cat > "$json.tmp.$$" <<JSON
{
  "package": "$pkg",
  "url": "file://$deb",
  "name": "$base",
  "hash": "$hash"
}
JSON
mv "$json.tmp.$$" "$json"
echo "$json: $base $hash" >&2
