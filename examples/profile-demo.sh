#!/usr/bin/env bash
# Profiles end to end, as whoever runs it, in a fresh store (CAIRN_ROOT, default a temp dir):
# install two packages from examples/recipes/tools.ts, run them through `profile env`, upgrade one
# after changing its recipe, remove one, roll back, switch, delete generations in every SPEC form,
# a refused collision and --priority resolving it; `history` and `list --json` after each step.
# The recipe's outputs are fixed-output, so adding their trees makes them valid (no builder needed).
set -euo pipefail
cd "$(dirname "$0")/.."
cairn() { node "$PWD/dist/cli/main.js" "$@"; }
export CAIRN_ROOT="${CAIRN_ROOT:-$(mktemp -d)/cairn}"
export XDG_CACHE_HOME="${XDG_CACHE_HOME:-$CAIRN_ROOT/../cache}"
work=$(mktemp -d)
cp examples/recipes/tools.ts "$work/tools.ts"
show() { echo "-- history"; cairn profile history; echo "-- list --json"; cairn profile list --json; }
run() { (eval "$(cairn profile env)"; "$@"); }

echo "== as $(id -un) (uid $(id -u)), store $CAIRN_ROOT"
for t in greet-1.0 greet-1.1 wave-1.0 hallo-1.0 hello; do cairn add "examples/trees/$t" --name "$t" >/dev/null; done
echo "== install the default export of tools.ts (greet, wave)"
cairn profile install "$work/tools.ts"; show
echo "== run them through profile env"
run greet; run wave
echo "== upgrade greet after changing its recipe to 1.1"
sed -i 's/prebuilt("greet-1.0", "[a-z0-9]*")/prebuilt("greet-1.1", "0jw9lnp6d7f4d2q7l21ljkss08hnv9dhzrg89vsc247yyx49z7vk")/' "$work/tools.ts"
cairn profile upgrade; run greet; show
echo "== remove wave"
cairn profile remove wave; show
echo "== rollback (to the generation this one was made from)"
cairn profile rollback; run wave; show
echo "== switch-generation 1"
cairn profile switch-generation 1; run greet; show
echo "== a collision is refused, naming both packages"
cairn profile install "$work/tools.ts" -A hello
if cairn profile install "$work/tools.ts" -A hallo; then echo "expected a collision"; exit 1; fi
echo "== --priority resolves it (lower wins)"
cairn profile install --priority 4 "$work/tools.ts" -A hallo; run hello; show
echo "== diff of the current generation against its parent"
cairn profile diff
echo "== delete-generations in each form: N, +N, Nd, old"
cairn profile delete-generations 2
cairn profile delete-generations +3
cairn profile delete-generations 30d
cairn profile delete-generations old; show
echo "== cairn verify --all --check-contents"
cairn verify --all --check-contents
rm -rf "$work"
