#!/usr/bin/env node
// Records Nix 2.8's answers for the trees of test/nix/trees.ts in test/fixtures/nix/:
//   goldens.json    per tree: NAR hashes (md5/sha1/sha256/sha512; base16, nix32, SRI), flat hashes
//                   of regular files, sha256 and size of `nix-store --dump`, the paths of
//                   `nix-store --add` and `--add-fixed sha256` in an isolated store with the
//                   logical store dir /nix/store, and their `nix path-info --json -S` fields
//   nar/<tree>.nar  the bytes of `nix-store --dump` for every tree whose NAR is < 64 KiB
//   PROVENANCE.md   Nix version, date, the exact commands, how to regenerate
// Needs Nix (nix-store, nix-hash, nix) on PATH; runs it without a daemon (NIX_REMOTE=) and without
// network. Run from anywhere:  node scripts/gen-nix-goldens.mjs
// Refuses a Nix other than 2.8.x unless NIX_GOLDENS_ANY_VERSION=1.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { check, line, run, sha256hex } from "./lib/nix-oracle.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(REPO, "test", "fixtures", "nix");
const NAR_DIR = path.join(OUT, "nar");
const NAR_FILE_LIMIT = 64 * 1024;
const STORE_DIR = "/nix/store";
const OTHER_TYPES = ["md5", "sha1", "sha512"];


const nixVersion = line(run("nix-store", ["--version"]));
if (!/\b2\.8\.\d+$/.test(nixVersion) && process.env.NIX_GOLDENS_ANY_VERSION !== "1") {
  console.error(`refusing: goldens are Nix 2.8's answers, found '${nixVersion}' (set NIX_GOLDENS_ANY_VERSION=1 to override)`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-nix-goldens-"));
try {
  // 1. trees.ts -> JavaScript (plain Node 20 cannot load TypeScript).
  const lib = path.join(tmp, "lib");
  fs.mkdirSync(lib);
  fs.writeFileSync(path.join(lib, "package.json"), '{"type":"module"}\n');
  run(path.join(REPO, "node_modules", ".bin", "tsc"), [
    "--ignoreConfig", "--strict", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext",
    "--types", "node", "--skipLibCheck", "--rootDir", "test/nix", "--outDir", lib, "test/nix/trees.ts",
  ], { cwd: REPO, stdio: ["ignore", "pipe", "inherit"] });
  const { TREES, buildTrees, treeKind } = await import(pathToFileURL(path.join(lib, "trees.js")).href);

  // 2. The trees, and an isolated Nix store whose logical store dir is /nix/store.
  const paths = buildTrees(path.join(tmp, "trees"));
  const nixRoot = path.join(tmp, "nix-root");
  const storeArgs = ["--store", `local?root=${nixRoot}`, "--option", "substituters", ""];
  const NIX = ["--extra-experimental-features", "nix-command"];

  function pathInfo(storePath) {
    const raw = JSON.parse(line(run("nix", [...NIX, "path-info", ...storeArgs, "--json", "-S", storePath])));
    const info = Array.isArray(raw) ? raw[0] : raw[storePath];
    check(info && (info.path ?? storePath) === storePath, `path-info of ${storePath}`);
    return {
      narHash: info.narHash,
      narSize: info.narSize,
      closureSize: info.closureSize,
      ca: info.ca,
      references: info.references,
    };
  }

  function hashes(p, flat) {
    const out = {};
    for (const type of ["sha256", ...(BIG.has(p) ? [] : OTHER_TYPES)]) {
      const f = flat ? ["--flat"] : [];
      const base16 = line(run("nix-hash", [...f, "--type", type, p]));
      const base32 = line(run("nix-hash", [...f, "--type", type, "--base32", p]));
      const sri = line(run("nix", [...NIX, "hash", flat ? "file" : "path", "--type", type, "--sri", p]));
      check(line(run("nix", [...NIX, "hash", "to-sri", "--type", type, base16])) === sri, `to-sri ${type} ${p}`);
      check(line(run("nix", [...NIX, "hash", "to-base32", "--type", type, base16])) === base32, `to-base32 ${type} ${p}`);
      out[type] = { base16, base32, sri };
    }
    return out;
  }

  const BIG = new Set(TREES.filter((d) => d.big).map((d) => paths.get(d.name)));
  fs.rmSync(NAR_DIR, { recursive: true, force: true });
  fs.mkdirSync(NAR_DIR, { recursive: true });

  const trees = {};
  for (const def of TREES) {
    const p = paths.get(def.name);
    const kind = treeKind(def);
    process.stderr.write(`${def.name}\n`);
    const nar = run("nix-store", ["--dump", p]);
    const g = { kind, about: def.about, ...(def.big ? { big: true } : {}) };
    g.nar = { sha256: sha256hex(nar), size: nar.length };
    if (nar.length < NAR_FILE_LIMIT) {
      g.nar.file = `nar/${def.name}.nar`;
      fs.writeFileSync(path.join(OUT, g.nar.file), nar);
    }
    // Hashing a large file once per type is enough; the small ones get every type.
    g.hash = hashes(p, false);
    check(g.hash.sha256.base16 === g.nar.sha256, `nix-hash = sha256(nix-store --dump) for ${def.name}`);
    if (kind === "regular") {
      g.flatHash = hashes(p, true);
      check(g.flatHash.sha256.base16 === sha256hex(fs.readFileSync(p)), `flat hash of ${def.name}`);
    }
    const added = line(run("nix-store", [...storeArgs, "--add", p]));
    g.add = { path: added, pathInfo: pathInfo(added) };
    check(g.add.pathInfo.narSize === g.nar.size, `narSize of ${added}`);
    if (kind === "regular") {
      const fixed = line(run("nix-store", [...storeArgs, "--add-fixed", "sha256", p]));
      g.addFixed = { path: fixed, pathInfo: pathInfo(fixed) };
    }
    trees[def.name] = g;
  }

  const goldens = {
    comment: "Nix's answers for the trees of test/nix/trees.ts; made by scripts/gen-nix-goldens.mjs, see PROVENANCE.md",
    nixVersion,
    storeDir: STORE_DIR,
    narFileLimit: NAR_FILE_LIMIT,
    trees,
  };
  fs.writeFileSync(path.join(OUT, "goldens.json"), JSON.stringify(goldens, null, 2) + "\n");

  const date = new Date().toISOString();
  const nNar = Object.values(trees).filter((t) => t.nar.file).length;
  fs.writeFileSync(
    path.join(OUT, "PROVENANCE.md"),
    `# Provenance of test/fixtures/nix/

Made by \`node scripts/gen-nix-goldens.mjs\` on ${date} (${os.platform()}-${os.arch()}) with
\`${nixVersion}\` (\`nix-store --version\`).

- \`goldens.json\`: Nix's answers for the ${TREES.length} trees of \`test/nix/trees.ts\`.
- \`nar/<tree>.nar\`: the exact bytes of \`nix-store --dump\` for the ${nNar} trees whose NAR is
  smaller than ${NAR_FILE_LIMIT} bytes (the others are recorded by sha256 and size only).

## Commands

Every command ran with \`NIX_REMOTE=\` (no daemon). \`P\` is the tree, built by \`buildTrees()\` of
\`test/nix/trees.ts\` in a scratch directory (its parent directory does not matter: NARs do not record
it); \`R\` is an empty scratch directory holding an isolated Nix store whose logical store directory is
\`${STORE_DIR}\`; \`T\` is each of sha256, md5, sha1, sha512 (sha256 only for the 64 MiB tree).

| goldens.json field | command |
| --- | --- |
| \`nar.sha256\`, \`nar.size\`, \`nar/<tree>.nar\` | \`nix-store --dump P\` (sha256 and length of stdout) |
| \`hash.T.base16\` | \`nix-hash --type T P\` |
| \`hash.T.base32\` | \`nix-hash --type T --base32 P\` |
| \`hash.T.sri\` | \`nix --extra-experimental-features nix-command hash path --type T --sri P\` |
| \`flatHash.T.*\` (regular files) | the same with \`nix-hash --flat\` and \`nix hash file\` |
| \`add.path\` | \`nix-store --store "local?root=R" --option substituters '' --add P\` |
| \`addFixed.path\` (regular files) | \`nix-store --store "local?root=R" --option substituters '' --add-fixed sha256 P\` |
| \`*.pathInfo\` | \`nix --extra-experimental-features nix-command path-info --store "local?root=R" --option substituters '' --json -S PATH\` |

Consistency checks made while generating: the sri form equals \`nix hash to-sri --type T <base16>\`,
the base32 form equals \`nix hash to-base32 --type T <base16>\`, the sha256 base16 NAR hash equals
sha256 of the \`nix-store --dump\` bytes, the flat sha256 equals sha256 of the file, and the added
path's narSize equals the dump's length.

## Regenerating

After changing \`test/nix/trees.ts\` (anything in it changes Nix's answers), on a machine with Nix 2.8
(\`apt-get install -y nix-bin\`; see ../shared/README.md "Using Nix 2.8 as the oracle"):

    node scripts/gen-nix-goldens.mjs     # rewrites goldens.json, nar/ and this file
    npx vitest run test/nix              # golden part + live part (Nix and cairn side by side)

The script refuses any Nix but 2.8.x unless \`NIX_GOLDENS_ANY_VERSION=1\`. Review the diff: for trees
that did not change, every value must stay the same.
`,
  );
  process.stderr.write(`wrote ${path.relative(REPO, OUT)}: ${TREES.length} trees, ${nNar} NAR files\n`);
} finally {
  spawnSync("chmod", ["-R", "u+w", tmp]);
  fs.rmSync(tmp, { recursive: true, force: true });
}
