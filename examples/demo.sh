#!/usr/bin/env bash
# The demo: cairn's main job on the bundled examples — build real packages in the sandbox from the
# bootstrap busybox and run one; then add a tree, inspect it, verify the store, round-trip a NAR,
# and compare with Nix 2.8 where it is installed. Store: $CAIRN_ROOT or ./demo-store.
set -euo pipefail
cd "$(dirname "$0")/.."
cairn() { node dist/cli/main.js "$@"; }
export CAIRN_ROOT="${CAIRN_ROOT:-$PWD/demo-store}"
tree=examples/trees/hello

echo "== store root: $CAIRN_ROOT"
echo "== bootstrap: Debian's static busybox as a NAR (examples/bootstrap/prepare.sh)"
bash examples/bootstrap/prepare.sh
echo "== cairn build examples/packages.ts (sandboxed, in parallel)"
cairn build examples/packages.ts -o demo-store/result
echo "== run one: demo-store/result-2/bin/hello"
demo-store/result-2/bin/hello
echo "== cairn build again: nothing to do"
cairn build examples/packages.ts --no-link > /dev/null && echo "all outputs valid"
echo "== cairn hash $tree"
cairn hash "$tree"
echo "== cairn add $tree"
p=$(cairn add "$tree")
echo "$p"
echo "== cairn path-info --json -S"
cairn path-info --json -S "$p"
echo "== run the stored program"
"$CAIRN_ROOT/store/$(basename "$p")/bin/hello"
echo "== cairn verify --all --check-contents"
cairn verify --all --check-contents
echo "== NAR round trip: dump | restore | dump"
tmp=$(mktemp -d)
cairn dump "$tree" > "$tmp/a.nar"
cairn restore "$tmp/copy" < "$tmp/a.nar"
cairn dump "$tmp/copy" | cmp - "$tmp/a.nar" && echo "round trip: identical ($(wc -c < "$tmp/a.nar") bytes)"
rm -rf "$tmp"
echo "== cairn instantiate examples/recipes/hello.ts"
cairn instantiate examples/recipes/hello.ts
echo "== cairn show-derivation (hello)"
cairn show-derivation "$(cairn instantiate examples/recipes/hello.ts -A hello)"
if command -v nix-store >/dev/null; then
  echo "== the same with Nix 2.8 (logical store /nix/store)"
  oracle="local?root=$CAIRN_ROOT/nix-oracle"
  echo "nix:   $(NIX_REMOTE= nix-hash --type sha256 --base32 "$tree")  $(NIX_REMOTE= nix-store --store "$oracle" --add "$tree" 2>/dev/null)"
  echo "cairn: $(cairn hash "$tree")  $(CAIRN_STORE_DIR=/nix/store cairn add --root "$CAIRN_ROOT/nix-compat" "$tree")"
  echo "nix:   $(NIX_REMOTE= nix-instantiate --store "$oracle" examples/recipes/hello.nix -A hello 2>/dev/null)"
  echo "cairn: $(CAIRN_STORE_DIR=/nix/store cairn instantiate --root "$CAIRN_ROOT/nix-compat" examples/recipes/hello.ts -A hello)"
fi
