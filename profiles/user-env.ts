// A user environment as a store object: the union of the installed packages (profiles/buildenv.ts)
// plus manifest.json, added as Nix's addToStore adds a source with references (store/add-tree.ts):
// the path is makeFixedOutputPath(recursive sha256 of its NAR, references = the packages), i.e.
// `source:<refs>:sha256:<nar hash>:<storeDir>:user-environment`, and it is registered with those
// references. Nix builds its user environments with the builtin:buildenv derivation instead; cairn
// computes the same kind of tree in-process, so the path depends only on the tree and the packages:
// the same set of packages always gives the same environment.
import fs from "node:fs";
import { CairnError } from "../store/format/index.js";
import { commitTree, discardStaged, hashTree, stageTree, type HashedTree } from "../store/add-tree.js";
import type { LocalStore } from "../store/local-store.js";
import { buildUnion, countEntries, fromLatin1, unionTree, type DirEntry, type EnvPackage, type TreeReader } from "./buildenv.js";
import { MANIFEST_FILE, fullName, manifestPaths, parseManifest, printManifest, type Manifest } from "./manifest.js";

export const USER_ENV_NAME = "user-environment";

// Names are read as UTF-8 strings, which is cheap; those bytes are the latin1 string buildenv.ts
// keeps only when they are ASCII. A name that is not UTF-8 reads as U+FFFD, so a directory with
// one (or with a real U+FFFD) is read again as bytes; other non-ASCII names are converted.
const ASCII = /^[\x00-\x7f]*$/;
const pathArg = (latin1Path: string) => (ASCII.test(latin1Path) ? latin1Path : Buffer.from(latin1Path, "latin1"));

function statIsDir(p: string | Buffer): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false; // missing, or a dangling symlink: a file-like entry
  }
}

/** Reads package trees on disk; symlinks count as directories when they lead to one. */
export const fsTreeReader: TreeReader = {
  readDir(p) {
    const arg = pathArg(p);
    let ents: fs.Dirent[];
    try {
      ents = fs.readdirSync(arg, { withFileTypes: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "ENOTDIR" || code === "ENOENT") return undefined;
      throw new CairnError("E_IO", `cannot read directory '${fromLatin1(p)}': ${code}`, { path: fromLatin1(p), errno: code });
    }
    if (ents.some((d) => d.name.includes("\ufffd"))) return readDirBytes(Buffer.from(p, "latin1"));
    const out: DirEntry[] = [];
    for (const d of ents) {
      const name = ASCII.test(d.name) ? d.name : Buffer.from(d.name).toString("latin1");
      out.push({ name, isDir: d.isSymbolicLink() ? statIsDir(pathArg(`${p}/${name}`)) : d.isDirectory() });
    }
    return out;
  },
};

function readDirBytes(base: Buffer): DirEntry[] {
  const out: DirEntry[] = [];
  for (const d of fs.readdirSync(base, { withFileTypes: true, encoding: "buffer" })) {
    const name = d.name as unknown as Buffer;
    out.push({ name: name.toString("latin1"), isDir: d.isSymbolicLink() ? statIsDir(Buffer.concat([base, Buffer.from("/"), name])) : d.isDirectory() });
  }
  return out;
}

export interface UserEnvironment {
  path: string;
  links: number;
  dirs: number;
}

/**
 * What closures and diffs need of a valid path, read once per command (profile.ts's closureOf).
 * Only infos of paths kept valid while the command runs belong here (read under this process's
 * temp root, or a generation's closure under the profile lock): an entry stands for "valid".
 */
export type InfoCache = Map<string, { path: string; narSize: number; references: string[] }>;

/** `p`'s entry from `cache`, else from the store (undefined: not valid). */
export function cachedInfo(store: LocalStore, p: string, cache: InfoCache): ({ path: string; narSize: number; references: string[] }) | undefined {
  let e = cache.get(p);
  if (e === undefined) {
    const info = store.queryPathInfo(p);
    if (info === undefined) return undefined;
    e = { path: p, narSize: info.narSize, references: info.references };
    cache.set(p, e);
  }
  return e;
}

/**
 * Make (or find) the environment for `m`: every installed path must be valid; a collision is an
 * error naming both packages and the file. Returns the environment's store path, temp-rooted.
 * `cache` keeps the packages' infos read for the validity check (the caller's diff needs them).
 */
export async function buildUserEnvironment(
  store: LocalStore,
  m: Manifest,
  crash?: (p: string) => void,
  cache: InfoCache = new Map(),
): Promise<UserEnvironment> {
  const refs = manifestPaths(m);
  // Temp roots until the generation link exists (RELIABILITY.md §2.3, profiles step 1).
  store.addTempRoots(refs);
  for (const p of refs) {
    if (cachedInfo(store, p, cache) === undefined) {
      throw new CairnError("E_INVALID_PATH", `cannot install '${p}': it is not a valid store path`, { path: p });
    }
  }
  const pkgs: EnvPackage[] = m.elements.flatMap((e) =>
    e.storePaths.map((p) => ({ storePath: p, realPath: store.realPath(p), label: fullName(e), priority: e.priority })),
  );
  const union = buildUnion(pkgs, fsTreeReader, { reservedTopLevel: [MANIFEST_FILE] });
  const tree = unionTree(union, new Map([[MANIFEST_FILE, Buffer.from(printManifest(m))]]));
  // Written before it is hashed: the syncfs that makes its thousands of symlinks durable runs
  // beside the hashing. (An environment that turns out valid already is dropped again; the
  // caller does not get here when the manifest is unchanged.)
  const staged = stageTree(store, tree, crash);
  let t: HashedTree;
  try {
    t = hashTree(store, USER_ENV_NAME, tree, refs);
    store.addTempRoots([t.path]);
  } catch (e) {
    await discardStaged(staged);
    throw e;
  }
  crash?.("profile.env-computed");
  const p = await commitTree(store, t, staged, { referencesChecked: true, ...(crash ? { crash } : {}) }); // drops it on failure
  crash?.("profile.env-registered");
  const c = countEntries(union);
  return { path: p, links: c.links, dirs: c.dirs };
}

/** The manifest of an environment, read from its files (no database needed). */
export function readEnvManifest(realEnvPath: string): Manifest {
  const f = `${realEnvPath}/${MANIFEST_FILE}`;
  let text: string;
  try {
    text = fs.readFileSync(f, "utf8");
  } catch (e) {
    throw new CairnError("E_PROFILE_MANIFEST", `cannot read '${f}': ${(e as NodeJS.ErrnoException).code}`, { file: f });
  }
  return parseManifest(text, f);
}
