// Add an in-memory tree as a store object with references: Nix's addToStore of a source that
// refers to other paths (LocalStore::addToStore with a non-empty reference set), used for user
// environments. The path is makeFixedOutputPath(recursive sha256 of the NAR, references), i.e.
// `source:<ref>…:sha256:<hash>:<storeDir>:<name>`, as Nix computes it.
//
// The write order is LocalStore's (RELIABILITY.md §2.3) with the claim moved later: write under a
// private temp name, canonical -> start making it durable -> (the caller hashes it meanwhile) ->
// claim in LMDB -> wait until durable -> rename into place -> fsync the store dir -> one
// transaction registers it and drops the claim. Unlike addFromNar it writes the tree directly (no
// NAR to parse). A tree without symlinks has each regular file and directory fsynced as it is
// finished; one with symlinks (an environment: thousands of them) is made durable by one syncfs,
// since a symlink cannot be fsynced and fsync of its directory does not write its inode on ext4
// without a journal (LocalStore's toFsync). That syncfs runs in a child process while this thread
// hashes the tree (stageTree before hashTree).
// The claim protocol is LocalStore.claim's (private there): same table, same record, so
// LocalStore.recover() cleans up after a crash once the claim is taken; before it, the temp tree
// carries its dead owner's tag, which gc removes.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  CairnError,
  Hasher,
  compareUtf8,
  makeFixedOutputPath,
  printContentAddress,
  printHash,
  writeNar,
  type Hash,
  type TreeNode,
} from "./format/index.js";
import type { LocalStore, PathInfo } from "./local-store.js";
import { FsSink } from "./fs-sink.js";
import { fsyncDir, syncFileSystemAsync } from "./syncfs.js";
import { ownerTag } from "./process-id.js";
import { removeTree } from "./remove-tree.js";

export interface HashedTree {
  path: string;
  name: string;
  narHash: Hash;
  narSize: number;
  /** Sorted. */
  references: string[];
}

export interface AddTreeOptions {
  crash?: (point: string) => void;
  /** Seconds since the epoch (registration time). */
  now?: () => number;
  /**
   * The caller has checked, under its temp roots, that every reference is valid: skip the
   * pre-check (registration still checks inside its transaction).
   */
  referencesChecked?: boolean;
}

const SLASH = Buffer.from("/");

/** The store path `tree` gets under `name` with `references` (nothing is written). */
export function hashTree(store: LocalStore, name: string, tree: TreeNode, references: Iterable<string>): HashedTree {
  const h = new Hasher("sha256");
  const narSize = writeNar(tree, (c) => h.update(c));
  const narHash = h.digest();
  const refs = [...new Set(references)].sort(compareUtf8);
  const sp = makeFixedOutputPath(store.storeDir, name, { method: "recursive", hash: narHash, references: refs.map((r) => store.parsePath(r)) });
  return { path: store.layout.printPath(sp), name, narHash, narSize, references: refs };
}

/** Write `node` at `rel` under the sink's root (directories fsynced after their entries). */
function materialise(node: TreeNode, sink: FsSink, rel: Buffer, crash?: (p: string) => void): void {
  switch (node.type) {
    case "regular":
      sink.regularRel(rel, node.executable);
      for (const c of node.contents()) sink.contents(c);
      sink.endRegular();
      break;
    case "symlink":
      sink.symlinkRel(rel, Buffer.isBuffer(node.target) ? node.target : Buffer.from(node.target));
      break;
    case "directory":
      sink.directoryRel(rel);
      for (const [name, child] of node.entries()) materialise(child(), sink, Buffer.concat([rel, SLASH, name]), crash);
      sink.endDirectoryRel(rel);
      break;
  }
  crash?.("tree.entry");
}

function hasSymlink(node: TreeNode): boolean {
  if (node.type === "symlink") return true;
  if (node.type !== "directory") return false;
  for (const [, child] of node.entries()) if (hasSymlink(child())) return true;
  return false;
}

/**
 * A tree written under a private temp name in the store dir, on its way to disk: what addTree
 * writes before it claims the path. Staging before hashing lets the syncfs run beside the hash.
 */
export interface StagedTree {
  readonly tmp: string;
  /** Settles once the tree is durable (rejects with the sync's error). */
  readonly durable: Promise<void>;
}

/**
 * Write `tree` under a temp name and start making it durable; its path need not be known yet.
 * No claim is taken: a crash leaves a `.tmp-<owner>` tree of a dead owner, which gc removes and
 * verify lists as garbage, as it does for any writer's temp tree.
 */
export function stageTree(store: LocalStore, tree: TreeNode, crash?: (p: string) => void): StagedTree {
  const tmp = path.join(store.layout.realStoreDir, `.tmp-${ownerTag()}-${randomBytes(6).toString("hex")}`);
  try {
    const symlinks = hasSymlink(tree);
    // fsyncEach: every regular file and directory is fsynced as it is finished (bottom-up).
    const sink = new FsSink(tmp, { canonical: true, fsyncEach: !symlinks });
    try {
      materialise(tree, sink, Buffer.alloc(0), crash);
    } finally {
      sink.abandon();
    }
    const durable = symlinks ? syncFileSystemAsync(store.layout.realStoreDir) : Promise.resolve();
    durable.catch(() => {}); // awaited by commitTree or discardStaged
    return { tmp, durable };
  } catch (e) {
    removeTree(tmp);
    throw e;
  }
}

function checkReferences(store: LocalStore, t: HashedTree): void {
  for (const r of t.references) {
    if (!store.isValidPath(r)) throw new CairnError("E_BAD_REFERENCE", `cannot add '${t.path}': its reference '${r}' is not valid`, { path: t.path, reference: r });
  }
}

/** Drop a staged tree that will not be committed. */
export async function discardStaged(staged: StagedTree): Promise<void> {
  await staged.durable.catch(() => {});
  removeTree(staged.tmp);
}

/**
 * Make `t` valid from `staged` (the same tree): claim, wait until it is durable, rename it into
 * place, register it with its references. If `t` is valid already the staged copy is dropped.
 */
export async function commitTree(store: LocalStore, t: HashedTree, staged: StagedTree, opts: AddTreeOptions = {}): Promise<string> {
  const crash = opts.crash;
  const { tmp } = staged;
  if (store.isValidPath(t.path)) {
    await discardStaged(staged);
    return t.path;
  }
  // Registration re-checks inside its transaction; this refusal comes before the claim.
  if (opts.referencesChecked !== true) {
    try {
      checkReferences(store, t);
    } catch (e) {
      await discardStaged(staged);
      throw e;
    }
  }
  if (store.claim(t.path, tmp) === "valid") {
    await discardStaged(staged);
    return t.path;
  }
  try {
    crash?.("tree.claimed");
    await staged.durable;
    crash?.("tree.synced");
    const dest = store.realPath(t.path);
    if (fs.lstatSync(dest, { throwIfNoEntry: false }) !== undefined) {
      // Unregistered garbage from a crash; we hold the claim.
      const trash = path.join(store.layout.trashDir, `${path.basename(dest)}-${randomBytes(4).toString("hex")}`);
      fs.renameSync(dest, trash);
      removeTree(trash);
    }
    fs.renameSync(tmp, dest);
    fsyncDir(store.layout.realStoreDir);
    crash?.("tree.renamed");
    const info: PathInfo = {
      path: t.path,
      narHash: printHash(t.narHash, "nix32", true),
      narSize: t.narSize,
      references: t.references,
      registrationTime: opts.now?.() ?? Math.floor(Date.now() / 1000),
      sigs: [],
      ca: printContentAddress({ kind: "fixed", method: "recursive", hash: t.narHash }),
    };
    store.registerValidPaths([info]); // drops our claim in the same transaction
    crash?.("tree.registered");
    return t.path;
  } catch (e) {
    await discardStaged(staged);
    store.releaseClaim(t.path);
    throw e;
  }
}

/** Make `t` (from hashTree) valid: write `tree`, then register it. Nothing is written if it is valid. */
export async function addTree(store: LocalStore, t: HashedTree, tree: TreeNode, opts: AddTreeOptions = {}): Promise<string> {
  if (store.isValidPath(t.path)) return t.path;
  if (opts.referencesChecked !== true) checkReferences(store, t); // refused before anything is written
  return commitTree(store, t, stageTree(store, tree, opts.crash), { ...opts, referencesChecked: true });
}
