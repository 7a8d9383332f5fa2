// Shared by the profile suites: package trees made on disk and added with `cairn add` (the builder
// is not there yet), recipes whose outputs are such trees (fixed-output, so adding the tree makes
// the output valid: the same content-addressed object a fetch would produce), and snapshots of a
// profile directory to check that refusals change nothing.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { cairnOk } from "../helpers/cli.js";

export interface Pkg {
  /** Store name, e.g. "hello-1.0". */
  name: string;
  storePath: string;
  tree: string;
}

/** A package tree: bin/<prog> printing `says`, share/man/man1/<prog>.1, share/doc/<name>/README. */
export function makeTree(dir: string, name: string, prog: string, says: string, extra: Record<string, string> = {}): string {
  const t = path.join(dir, "trees", `${name}-${prog}-${createHash("sha1").update(says).digest("hex").slice(0, 6)}`);
  fs.mkdirSync(path.join(t, "bin"), { recursive: true });
  fs.mkdirSync(path.join(t, "share/man/man1"), { recursive: true });
  fs.mkdirSync(path.join(t, "share/doc", name), { recursive: true });
  fs.writeFileSync(path.join(t, "bin", prog), `#!/bin/sh\necho ${says}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(t, "share/man/man1", `${prog}.1`), `.TH ${prog} 1\n`);
  fs.writeFileSync(path.join(t, "share/doc", name, "README"), `${name}\n`);
  for (const [rel, text] of Object.entries(extra)) {
    fs.mkdirSync(path.dirname(path.join(t, rel)), { recursive: true });
    fs.writeFileSync(path.join(t, rel), text);
  }
  return t;
}

export function addPkg(env: Record<string, string>, dir: string, name: string, prog: string, says: string, extra?: Record<string, string>): Pkg {
  const tree = makeTree(dir, name, prog, says, extra);
  const storePath = cairnOk(["add", tree, "--name", name], { env }).trim();
  return { name, storePath, tree };
}

/** A recipe line for a fixed-output derivation whose output is `tree` (recursive sha256). */
export function fodRecipeLine(env: Record<string, string>, attr: string, name: string, tree: string): string {
  const h = cairnOk(["hash", tree], { env }).trim();
  return `export const ${attr} = derivation({ name: ${JSON.stringify(name)}, system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "exit 1"], outputHashMode: "recursive", outputHashAlgo: "sha256", outputHash: ${JSON.stringify(h)} });\n`;
}

/** Names, link targets and file contents of everything in a profile directory (sorted). */
export function snapshotDir(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .sort()
    .map((n) => {
      const p = path.join(dir, n);
      const st = fs.lstatSync(p);
      if (st.isSymbolicLink()) return `${n} -> ${fs.readlinkSync(p)}`;
      if (st.isFile()) return `${n} = ${createHash("sha256").update(fs.readFileSync(p)).digest("hex")}`;
      return `${n}/`;
    });
}

/** The generation number the profile link points at. */
export function currentGen(profileLink: string): number {
  const m = /-(\d+)-link$/.exec(fs.readlinkSync(profileLink));
  if (!m) throw new Error(`profile ${profileLink} points at ${fs.readlinkSync(profileLink)}`);
  return Number(m[1]);
}
