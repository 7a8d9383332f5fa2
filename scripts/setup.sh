#!/usr/bin/env bash
# Installs what cairn and its tests need on Debian 12, then the npm dependencies.
#   bubblewrap      the build sandbox
#   busybox-static  a static shell for example builders
#   nix-bin         Nix 2.8, the oracle of the differential tests
#   strace          syscall-level crash injection in the reliability tests
#   xz-utils, zstd  binary cache compression (store/compression.ts runs them)
#   nginx           serves http:// binary caches in test/cache/nginx.test.ts (never started as a service)
#   qemu-system-x86, ovmf, systemd-boot-efi, mtools, dosfstools, cpio
#                   boot the example systems from an ESP image in test/system/vm.test.ts (TCG)
# Without root (or without apt-get) it only says what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(bubblewrap busybox-static nix-bin strace xz-utils zstd nginx qemu-system-x86 ovmf systemd-boot-efi mtools dosfstools cpio)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    # The package starts a system nginx on port 80 where services may start: the tests run
    # their own on loopback, so stop and disable that one.
    if [[ " ${missing[*]} " == *" nginx "* ]]; then
      (systemctl disable --now nginx || service nginx stop) >/dev/null 2>&1 || true
    fi
  else
    echo "setup: missing Debian packages: ${missing[*]} (as root: apt-get install -y ${missing[*]})" >&2
  fi
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
