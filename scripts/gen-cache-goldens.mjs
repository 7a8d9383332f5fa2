#!/usr/bin/env node
// Records binary caches written by Nix 2.8 in test/fixtures/nix-cache/, for test/cache/nix-differential.test.ts:
//   key/golden-1.{sec,pub}   a key pair made by `nix-store --generate-binary-cache-key` (a test key)
//   cache-{none,xz,zstd}/    `nix copy --derivation --to file://…?compression=C&secret-key=…` of a
//                            closure of two paths: a source tree (`nix-store --add`) and a .drv
//                            referring to it (`nix-instantiate`), from an isolated store
//   goldens.json             Nix's `nix path-info --derivation --json -r` of that closure
//   PROVENANCE.md            Nix version, date, commands, how to regenerate
// Needs Nix 2.8 on PATH; runs it without a daemon (NIX_REMOTE=) and without substituters.
// Run from anywhere:  node scripts/gen-cache-goldens.mjs
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { check, line, run } from "./lib/nix-oracle.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(REPO, "test", "fixtures", "nix-cache");
const NIX = ["--extra-experimental-features", "nix-command", "--option", "substituters", ""];

const nixVersion = line(run("nix-store", ["--version"]));
if (!/\b2\.8\.\d+$/.test(nixVersion) && process.env.NIX_GOLDENS_ANY_VERSION !== "1") {
  console.error(`refusing: goldens are Nix 2.8's answers, found '${nixVersion}' (set NIX_GOLDENS_ANY_VERSION=1 to override)`);
  process.exit(1);
}

/** The source tree: a file, an executable, a symlink, a subdirectory. Fixed content. */
export function buildTree(dir) {
  fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
  fs.writeFileSync(path.join(dir, "sub", "data"), "golden data\n".repeat(40));
  fs.writeFileSync(path.join(dir, "run"), "#!/bin/sh\necho golden\n", { mode: 0o755 });
  fs.chmodSync(path.join(dir, "run"), 0o755);
  fs.symlinkSync("sub/data", path.join(dir, "link"));
}

export const drvExpr = (src) =>
  `derivation { name = "golden"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "cat \${builtins.storePath "${src}"}/sub/data > $out" ]; }`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-cache-goldens-"));
try {
  const R = path.join(tmp, "store");
  const tree = path.join(tmp, "golden-tree");
  buildTree(tree);
  const src = line(run("nix-store", ["--store", `local?root=${R}`, "--option", "substituters", "", "--add", tree]));
  const drv = line(run("nix-instantiate", ["--store", `local?root=${R}`, "--option", "substituters", "", "-E", drvExpr(src)]));
  fs.rmSync(OUT, { recursive: true, force: true });
  fs.mkdirSync(path.join(OUT, "key"), { recursive: true });
  const sk = path.join(OUT, "key", "golden-1.sec");
  const pk = path.join(OUT, "key", "golden-1.pub");
  run("nix-store", ["--generate-binary-cache-key", "golden-1", sk, pk]);
  fs.chmodSync(sk, 0o600);
  for (const c of ["none", "xz", "zstd"]) {
    const dir = path.join(OUT, `cache-${c}`);
    run("nix", [...NIX, "copy", "--derivation", "--store", `local?root=${R}`, "--to", `file://${dir}?compression=${c}&secret-key=${sk}`, drv]);
    // Empty directories Nix makes (log/, realisations/) do not survive git: drop them here too.
    for (const e of ["log", "realisations"]) fs.rmSync(path.join(dir, e), { recursive: true, force: true });
  }
  const infos = JSON.parse(run("nix", [...NIX, "path-info", "--derivation", "--json", "-r", "--store", `local?root=${R}`, drv]).toString());
  check(infos.length === 2, "the closure has two paths");
  const pathInfo = infos.map(({ registrationTime: _t, ...rest }) => rest);
  fs.writeFileSync(path.join(OUT, "goldens.json"), JSON.stringify({ nixVersion, storeDir: "/nix/store", top: drv, source: src, pathInfo }, null, 2) + "\n");
  fs.writeFileSync(
    path.join(OUT, "PROVENANCE.md"),
    `# Provenance of test/fixtures/nix-cache/

Made by \`node scripts/gen-cache-goldens.mjs\` on ${new Date().toISOString()} (${process.platform}-${process.arch}) with
\`${nixVersion}\` (\`nix-store --version\`). Every command ran with \`NIX_REMOTE=\` (no daemon) and
\`--option substituters ''\`. \`R\` is an empty scratch directory holding an isolated Nix store whose
logical store directory is \`/nix/store\`; \`T\` is the tree \`buildTree()\` of the script makes.

| file | command |
| --- | --- |
| \`key/golden-1.sec\`, \`key/golden-1.pub\` | \`nix-store --generate-binary-cache-key golden-1 SEC PUB\` (then \`chmod 600 SEC\`; a test key, public on purpose) |
| the source path \`${src}\` | \`nix-store --store local?root=R --add T\` |
| the .drv \`${drv}\` | \`nix-instantiate --store local?root=R -E '${drvExpr("SRC").replace(/\|/g, "\\|")}'\` |
| \`cache-C/\` for C in none, xz, zstd | \`nix copy --derivation --store local?root=R --to 'file://DIR?compression=C&secret-key=SEC' DRV\` (empty \`log/\`, \`realisations/\` removed) |
| \`goldens.json\` \`pathInfo\` | \`nix path-info --derivation --json -r --store local?root=R DRV\`, without \`registrationTime\` |

## Regenerating

On a machine with Nix 2.8 (\`apt-get install -y nix-bin\`):

    node scripts/gen-cache-goldens.mjs
    npx tsc -p tsconfig.json && npx vitest run test/cache/nix-differential.test.ts
`,
  );
  console.log(`wrote ${OUT}`);
} finally {
  spawnChmod(tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
}

function spawnChmod(p) {
  try {
    run("chmod", ["-R", "u+w", p]);
  } catch {
    /* best effort */
  }
}
