// Add an in-memory tree as a store object with references: Nix's addToStore of a source that
// refers to other paths (LocalStore::addToStore with a non-empty reference set), used for user
// environments. The path is makeFixedOutputPath(recursive sha256 of the NAR, references), i.e.
// `source:<ref>…:sha256:<hash>:<storeDir>:<name>`, as Nix computes it.
//
// Same write order as LocalStore (RELIABILITY.md §2.3): claim in LMDB -> write under a private
// temp name, canonical -> fsync -> rename into place -> fsync the store dir -> one transaction
// registers it and drops the claim. Unlike addFromNar it writes the tree directly (no NAR to
// parse). A tree without symlinks has each regular file and directory fsynced as it is finished;
// one with symlinks (an environment: thousands of them) is made durable by one syncfs, since a
// symlink cannot be fsynced and fsync of its directory does not write its inode on ext4 without a
// journal (LocalStore's toFsync).
// The claim protocol is LocalStore.claim's (private there): same table, same record, so
// LocalStore.recover() cleans up after a crash here too.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { CairnError, Hasher, compareUtf8, makeFixedOutputPath, printContentAddress, printHash, writeNar, } from "./format/index.js";
import { FsSink } from "./fs-sink.js";
import { fsyncDir, syncFileSystem } from "./syncfs.js";
import { ownerTag } from "./process-id.js";
import { removeTree } from "./remove-tree.js";
const SLASH = Buffer.from("/");
/** The store path `tree` gets under `name` with `references` (nothing is written). */
export function hashTree(store, name, tree, references) {
    const h = new Hasher("sha256");
    const narSize = writeNar(tree, (c) => h.update(c));
    const narHash = h.digest();
    const refs = [...new Set(references)].sort(compareUtf8);
    const sp = makeFixedOutputPath(store.storeDir, name, { method: "recursive", hash: narHash, references: refs.map((r) => store.parsePath(r)) });
    return { path: store.layout.printPath(sp), name, narHash, narSize, references: refs };
}
/** Write `node` at `rel` under the sink's root (directories fsynced after their entries). */
function materialise(node, sink, rel, crash) {
    switch (node.type) {
        case "regular":
            sink.regularRel(rel, node.executable);
            for (const c of node.contents())
                sink.contents(c);
            sink.endRegular();
            break;
        case "symlink":
            sink.symlinkRel(rel, Buffer.isBuffer(node.target) ? node.target : Buffer.from(node.target));
            break;
        case "directory":
            sink.directoryRel(rel);
            for (const [name, child] of node.entries())
                materialise(child(), sink, Buffer.concat([rel, SLASH, name]), crash);
            sink.endDirectoryRel(rel);
            break;
    }
    crash?.("tree.entry");
}
function hasSymlink(node) {
    if (node.type === "symlink")
        return true;
    if (node.type !== "directory")
        return false;
    for (const [, child] of node.entries())
        if (hasSymlink(child()))
            return true;
    return false;
}
/** Make `t` (from hashTree) valid: write `tree`, then register it with its references. */
export function addTree(store, t, tree, opts = {}) {
    const crash = opts.crash;
    if (store.isValidPath(t.path))
        return t.path;
    // Refused before anything is written (registration re-checks inside its transaction).
    if (opts.referencesChecked !== true)
        for (const r of t.references) {
            if (!store.isValidPath(r))
                throw new CairnError("E_BAD_REFERENCE", `cannot add '${t.path}': its reference '${r}' is not valid`, { path: t.path, reference: r });
        }
    const tmp = path.join(store.layout.realStoreDir, `.tmp-${ownerTag()}-${randomBytes(6).toString("hex")}`);
    if (store.claim(t.path, tmp) === "valid")
        return t.path;
    try {
        crash?.("tree.claimed");
        const symlinks = hasSymlink(tree);
        // fsyncEach: every regular file and directory is fsynced as it is finished (bottom-up).
        const sink = new FsSink(tmp, { canonical: true, fsyncEach: !symlinks });
        try {
            materialise(tree, sink, Buffer.alloc(0), crash);
        }
        finally {
            sink.abandon();
        }
        if (symlinks)
            syncFileSystem(store.layout.realStoreDir);
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
        const info = {
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
    }
    catch (e) {
        removeTree(tmp);
        store.releaseClaim(t.path);
        throw e;
    }
}
//# sourceMappingURL=add-tree.js.map