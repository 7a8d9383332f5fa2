#!/usr/bin/env node
// Records Nix 2.8's answers for the evaluation cases of test/fixtures/eval/cases/*.nix in
// test/fixtures/eval/:
//   goldens.json   per case and attribute: the .drv path, outPath (the first output), every
//                  output path, the `nix show-derivation` text of that .drv; per case the
//                  `nix show-derivation` text of all its attributes' .drv files together, with and
//                  without -r, and the closure (.drv files and sources); per .drv file its sha256;
//                  per source (path literal, builtins.toFile) its content address, references and
//                  where it comes from (the data file, or the text itself)
//   drv/<name>     the exact bytes of every .drv file Nix wrote (named by the store path's base name)
//   PROVENANCE.md  Nix version, date, the exact commands, how to regenerate
// Needs Nix (nix-instantiate, nix-store, nix) on PATH; runs it without a daemon (NIX_REMOTE=) and
// without substituters, in an isolated store (`--store local?root=DIR`) whose logical store dir
// is /nix/store. Run from anywhere:  node scripts/gen-eval-goldens.mjs
// Refuses a Nix other than 2.8.x unless NIX_GOLDENS_ANY_VERSION=1.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { check, line, run, sha256hex } from "./lib/nix-oracle.mjs";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const OUT = path.join(REPO, "test", "fixtures", "eval");
const CASES = path.join(OUT, "cases");
const DRV_DIR = path.join(OUT, "drv");
const STORE_DIR = "/nix/store";

const lines = (b) => b.toString().split("\n").filter((l) => l !== "");
const rel = (p) => path.relative(OUT, p).split(path.sep).join("/");
/** Text that must round-trip through a JS string byte for byte (it is stored in JSON). */
function utf8Text(buf, what) {
  const s = buf.toString("utf8");
  check(Buffer.from(s, "utf8").equals(buf), `${what} is valid UTF-8`);
  return s;
}

const nixVersion = line(run("nix-instantiate", ["--version"]));
if (!/\b2\.8\.\d+$/.test(nixVersion) && process.env.NIX_GOLDENS_ANY_VERSION !== "1") {
  console.error(`refusing: goldens are Nix 2.8's answers, found '${nixVersion}' (set NIX_GOLDENS_ANY_VERSION=1 to override)`);
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-eval-goldens-"));
try {
  const nixRoot = path.join(tmp, "nix-root");
  const realStore = path.join(nixRoot, "nix", "store");
  const storeArgs = ["--store", `local?root=${nixRoot}`, "--option", "substituters", ""];
  const NIX = ["--extra-experimental-features", "nix-command"];
  // What each attribute is: its outPath, outputName and outputs in declared order. (Not named
  // outPath here: toJSON would turn a set with an outPath into that string.)
  const DESCRIBE = `{ file }: builtins.mapAttrs (n: v: {
    first = builtins.unsafeDiscardStringContext v.outPath;
    outputName = v.outputName;
    outputs = map (o: { name = o; path = builtins.unsafeDiscardStringContext v.\${o}.outPath; })
      (if v.drvAttrs ? outputs then v.drvAttrs.outputs else [ "out" ]);
  }) (import file)`;

  // Path-literal data files: the candidates for a fixed:r:sha256 source of a given base name.
  const dataFiles = [];
  (function walk(dir) {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      dataFiles.push(p);
      if (e.isDirectory()) walk(p);
    }
  })(path.join(CASES, "data"));

  fs.rmSync(DRV_DIR, { recursive: true, force: true });
  fs.mkdirSync(DRV_DIR, { recursive: true });

  const caseNames = fs
    .readdirSync(CASES)
    .filter((f) => f.endsWith(".nix"))
    .map((f) => f.slice(0, -4))
    .sort();
  const cases = {};
  const drvs = {};
  const sources = {};

  function recordSource(p) {
    if (sources[p]) return;
    const raw = JSON.parse(line(run("nix", [...NIX, "path-info", ...storeArgs, "--json", p])));
    const info = Array.isArray(raw) ? raw[0] : raw[p];
    check(info && (info.path ?? p) === p, `path-info of ${p}`);
    const name = path.basename(p).slice(33);
    const s = { name, ca: info.ca, narHash: info.narHash, references: info.references };
    if (info.ca.startsWith("text:")) {
      s.kind = "text";
      s.contentBase64 = fs.readFileSync(path.join(realStore, path.basename(p))).toString("base64");
    } else {
      check(info.ca.startsWith("fixed:r:sha256:") && info.references.length === 0, `${p} is a path literal`);
      const file = dataFiles.find((f) => path.basename(f) === name && line(run("nix-store", [...storeArgs, "--add", f])) === p);
      check(file !== undefined, `data file for ${p}`);
      s.kind = "path";
      s.file = rel(file);
    }
    sources[p] = s;
    for (const r of info.references) if (r !== p) recordSource(r);
  }

  for (const name of caseNames) {
    process.stderr.write(`${name}\n`);
    const file = path.join(CASES, `${name}.nix`);
    check(fs.existsSync(path.join(CASES, `${name}.ts`)), `${name}.ts exists next to ${name}.nix`);
    const attrNames = JSON.parse(line(run("nix-instantiate", ["--eval", "--json", "-E", `builtins.attrNames (import ${JSON.stringify(file)})`])));
    // nix-instantiate prints DRV!OUTPUT when the first output is not "out".
    const printed = lines(run("nix-instantiate", [...storeArgs, file, ...attrNames.flatMap((a) => ["-A", a])]));
    check(printed.length === attrNames.length, `${name}: one .drv per attribute`);
    const drvPaths = printed.map((l) => l.replace(/!.*$/, ""));
    const described = JSON.parse(line(run("nix-instantiate", [...storeArgs, "--eval", "--strict", "--json", "--argstr", "file", file, "-E", DESCRIBE])));
    const attrs = {};
    attrNames.forEach((a, i) => {
      const drvPath = drvPaths[i];
      const d = described[a];
      const show = utf8Text(run("nix", [...NIX, "show-derivation", ...storeArgs, drvPath]), `show-derivation ${drvPath}`);
      const shown = JSON.parse(show)[drvPath];
      check(shown !== undefined, `${name}.${a}: show-derivation names ${drvPath}`);
      for (const o of d.outputs) check(shown.outputs[o.name]?.path === o.path, `${name}.${a}: output ${o.name}`);
      check(d.first === d.outputs[0].path && d.outputName === d.outputs[0].name, `${name}.${a}: outPath is the first output`);
      attrs[a] = {
        drvPath,
        nixInstantiatePrinted: printed[i],
        drvFile: `drv/${path.basename(drvPath)}`,
        outPath: d.first,
        outputName: d.outputName,
        outputs: d.outputs,
        showDerivation: show,
      };
    });
    const uniqueDrvs = [...new Set(drvPaths)];
    const showAll = utf8Text(run("nix", [...NIX, "show-derivation", ...storeArgs, ...uniqueDrvs]), `show-derivation (${name})`);
    const showRec = utf8Text(run("nix", [...NIX, "show-derivation", "-r", ...storeArgs, ...uniqueDrvs]), `show-derivation -r (${name})`);
    const closure = lines(run("nix-store", [...storeArgs, "--query", "--requisites", ...uniqueDrvs])).sort();
    const closureDrvs = [];
    const closureSources = [];
    for (const p of closure) {
      const base = path.basename(p);
      if (p.endsWith(".drv")) {
        const bytes = fs.readFileSync(path.join(realStore, base));
        check(bytes.subarray(0, 7).toString() === "Derive(", `${p} is an ATerm derivation`);
        if (!drvs[base]) {
          fs.writeFileSync(path.join(DRV_DIR, base), bytes);
          drvs[base] = { path: p, sha256: sha256hex(bytes), size: bytes.length };
        }
        closureDrvs.push(`drv/${base}`);
      } else {
        recordSource(p);
        closureSources.push(p);
      }
    }
    const recKeys = Object.keys(JSON.parse(showRec)).sort();
    check(JSON.stringify(recKeys) === JSON.stringify(closure.filter((p) => p.endsWith(".drv"))), `${name}: show-derivation -r covers the .drv closure`);
    cases[name] = {
      nix: `cases/${name}.nix`,
      ts: `cases/${name}.ts`,
      attrs,
      showDerivation: showAll,
      showDerivationRecursive: showRec,
      closure: { drvs: closureDrvs, sources: closureSources },
    };
  }

  const goldens = {
    comment: "Nix's answers for test/fixtures/eval/cases/*.nix; made by scripts/gen-eval-goldens.mjs, see PROVENANCE.md",
    nixVersion,
    storeDir: STORE_DIR,
    cases,
    drvs,
    sources,
  };
  fs.writeFileSync(path.join(OUT, "goldens.json"), JSON.stringify(goldens, null, 2) + "\n");

  const nAttrs = Object.values(cases).reduce((n, c) => n + Object.keys(c.attrs).length, 0);
  const date = new Date().toISOString();
  fs.writeFileSync(
    path.join(OUT, "PROVENANCE.md"),
    `# Provenance of test/fixtures/eval/

Made by \`node scripts/gen-eval-goldens.mjs\` on ${date} (${os.platform()}-${os.arch()}) with
\`${nixVersion}\` (\`nix-instantiate --version\`).

- \`cases/<case>.nix\` and \`cases/<case>.ts\`: ${caseNames.length} evaluation cases, each written once as a Nix
  expression (an attribute set of derivations) and once as a cairn recipe (the same attributes as
  named exports). \`cases/data/\` holds the files their path literals name (contents and the
  executable bit matter; \`tree/link-to-a\` is a symlink).
- \`goldens.json\`: Nix's answers for the ${nAttrs} attributes of those cases (see the header of the
  script for the fields).
- \`drv/<base name>\`: the exact bytes of the ${Object.keys(drvs).length} \`.drv\` files Nix wrote, named by their
  store path's base name (the logical store dir is \`${STORE_DIR}\`).

## Commands

Every command ran with \`NIX_REMOTE=\` (no daemon) against one isolated store, \`S\` =
\`--store local?root=DIR --option substituters ''\` (files under \`DIR/nix/store\`, logical store
dir \`${STORE_DIR}\`). For each case \`C\` (\`F\` = \`cases/C.nix\`, \`A…\` its attributes):

    nix-instantiate --eval --json -E 'builtins.attrNames (import F)'          # the attributes A…
    nix-instantiate S F -A A1 -A A2 …                                           # drvPath[!output] of each
    nix-instantiate S --eval --strict --json --argstr file F -E '<describe>'    # outPath, outputName, outputs
    nix --extra-experimental-features nix-command show-derivation S DRV         # per attribute
    nix --extra-experimental-features nix-command show-derivation S DRV1 DRV2 … # per case
    nix --extra-experimental-features nix-command show-derivation -r S DRV1 …   # per case, recursive
    nix-store S --query --requisites DRV1 DRV2 …                                # the closure
    nix --extra-experimental-features nix-command path-info S --json P          # each source P
    nix-store S --add cases/data/…                                              # which file a path literal is

(\`<describe>\` maps every attribute \`v\` to \`v.outPath\` (as \`first\`), \`v.outputName\` and
\`v.\${o}.outPath\` for each \`o\` of \`v.drvAttrs.outputs\`, with string context discarded.)
The script checks that outPath is the first listed output, that show-derivation agrees with the
evaluated output paths, and that \`show-derivation -r\` covers exactly the \`.drv\` files of the closure.

## Regenerating

    node scripts/gen-eval-goldens.mjs

with Nix 2.8.x on PATH (\`NIX_GOLDENS_ANY_VERSION=1\` accepts another version; later Nix releases
print different show-derivation JSON, see NIX-COMPAT.md §10). Add a case by writing both
\`cases/<case>.nix\` and \`cases/<case>.ts\`, then regenerate; test/eval/differential.test.ts picks up
every case in goldens.json.
`,
  );
  process.stderr.write(`${caseNames.length} cases, ${nAttrs} attributes, ${Object.keys(drvs).length} .drv files, ${Object.keys(sources).length} sources\n`);
} finally {
  spawnSync("chmod", ["-R", "u+w", tmp]);
  fs.rmSync(tmp, { recursive: true, force: true });
}
