// Shared by the binary-cache tests: a deterministic key, stores holding closures with references
// (text objects, a source tree, and an input-addressed path that only a signature can vouch for).
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { Layout, LocalStore } from "../../store/index.js";
import { encodeNix32, makeSecretKey, narBytes, parseHash, printPublicKey, printSecretKey, toPublicKey, utf8, type SecretKey, type TreeNode } from "../../store/format/index.js";
import { cairn } from "../helpers/cli.js";

export const STORE_DIR = "/nix/store";
export const NOW = 1_700_000_000;

/** A key from a fixed seed, so signatures (deterministic in ed25519) are reproducible. */
export function testKey(name = "cairn-test-1", seedText = name): SecretKey {
  return makeSecretKey(name, new Uint8Array(createHash("sha256").update(seedText).digest()));
}

export function writeKey(dir: string, sk: SecretKey): { sk: string; pk: string; pub: string } {
  const skFile = path.join(dir, `${sk.name}.sec`);
  const pkFile = path.join(dir, `${sk.name}.pub`);
  fs.writeFileSync(skFile, printSecretKey(sk), { mode: 0o600 });
  fs.chmodSync(skFile, 0o600);
  const pub = printPublicKey(toPublicKey(sk));
  fs.writeFileSync(pkFile, pub);
  return { sk: skFile, pk: pkFile, pub };
}

export function file(text: string, executable = false): TreeNode {
  const b = utf8(text);
  return { type: "regular", executable, size: b.length, contents: () => [b] };
}

export function dir(entries: Record<string, TreeNode>): TreeNode {
  return { type: "directory", entries: () => Object.entries(entries).map(([n, t]) => [utf8(n), () => t] as const) };
}

/** A store path that no content address explains: like a build output, it needs a signature. */
export function inputAddressedPath(label: string, name: string): string {
  const h = createHash("sha256").update(`cairn-test-output:${label}`).digest().subarray(0, 20);
  return `${STORE_DIR}/${encodeNix32(new Uint8Array(h))}-${name}`;
}

export function importNar(store: LocalStore, p: string, nar: Uint8Array, references: string[] = []): string {
  let off = 0;
  const narHash = parseHash(`sha256:${createHash("sha256").update(nar).digest("hex")}`);
  return store.addFromNar(
    (n) => {
      const b = nar.subarray(off, off + n);
      off += b.length;
      return b;
    },
    () => off >= nar.length,
    { path: p, narHash, narSize: nar.length, references },
  );
}

export interface Closure {
  /** The top path; its closure is all of `paths`. */
  top: string;
  paths: string[];
}

/**
 * A closure of five paths: a source tree (self-certifying CA), two text objects referring to it
 * and to each other, and an input-addressed output with executable, symlink and nested entries
 * whose references reach everything else.
 */
export async function makeClosure(root: string, label = "a"): Promise<Closure> {
  const src = path.join(root, `..`, `src-${label}-${process.pid}`);
  fs.mkdirSync(path.join(src, "sub"), { recursive: true });
  fs.writeFileSync(path.join(src, "sub", "data"), `source ${label}\n`.repeat(50));
  fs.writeFileSync(path.join(src, "run.sh"), "#!/bin/sh\necho hi\n", { mode: 0o755 });
  const store = LocalStore.open(new Layout(root, STORE_DIR), { now: () => NOW });
  try {
    const tree = store.addPath(src, { name: `tree-${label}` });
    const t1 = store.addText(`lib-${label}.txt`, `uses ${tree}\n`, [tree]);
    const t2 = store.addText(`conf-${label}.txt`, `uses ${t1} and ${tree}\n`, [t1, tree]);
    const out = inputAddressedPath(label, `out-${label}`);
    const nar = narBytes(
      dir({
        bin: dir({ prog: file(`#!/bin/sh\ncat ${t2}\n`, true) }),
        "link": { type: "symlink", target: utf8(t2) },
        "big": file("x".repeat(200_000)),
      }),
    );
    importNar(store, out, nar, [t2, tree]);
    return { top: out, paths: store.computeClosure([out]) };
  } finally {
    await store.close();
    fs.rmSync(src, { recursive: true, force: true });
  }
}

export const envOf = (root: string, extra: Record<string, string | undefined> = {}) => ({ CAIRN_ROOT: root, CAIRN_STORE_DIR: STORE_DIR, ...extra });

export function pathInfos(root: string, paths: string[]): Array<Record<string, unknown>> {
  const r = cairn(["path-info", "--json", ...paths], { env: envOf(root) });
  return JSON.parse(r.out) as Array<Record<string, unknown>>;
}

/** `cairn verify --all --check-contents --json`: problems must be none. */
export function verifyClean(root: string): { checked: number; problems: unknown[]; garbage: string[] } {
  const r = cairn(["verify", "--all", "--check-contents", "--json"], { env: envOf(root) });
  return JSON.parse(r.out);
}

/**
 * Path infos without the fields that legitimately differ between stores: when a path was
 * registered, who signed it, and (cairn's own) which cache it was copied from. Everything else,
 * `ultimate` included, must be equal.
 */
export function comparable(infos: Array<Record<string, unknown>>): unknown[] {
  return infos.map(({ registrationTime: _t, signatures: _s, substitutedFrom: _f, ...rest }) => rest);
}
