// The file-system side of NARs outside the store: `nix-hash`, `nix-store --dump`/`--restore`.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { CairnError, Hasher, writeNar, parseNarFrom } from "./format/index.js";
import { fsTree } from "./fs-tree.js";
import { openFsTree } from "./parallel-tree.js";
import { ParallelHasher } from "./parallel-hasher.js";
import { FsSink } from "./fs-sink.js";
import { removeTree } from "./remove-tree.js";
/** NAR hash of `p` (or, with `flat`, the hash of a regular file's bytes). Nix: nix-hash. */
export function hashPath(p, opts = {}) {
    if (opts.flat) {
        const h = new Hasher(opts.algo ?? "sha256");
        const node = fsTree(p);
        if (node.type !== "regular") {
            throw new CairnError("E_USAGE", `'${p}' is not a regular file; --flat needs one`, { path: p });
        }
        for (const c of node.contents())
            h.update(c);
        return { hash: h.digest() };
    }
    const tree = openFsTree(p);
    try {
        // With a reading thread, hashing stays here (both cores are busy); otherwise a hashing
        // thread overlaps with the reading, which pays off for big files.
        const h = tree.parallel ? new Hasher(opts.algo ?? "sha256") : new ParallelHasher(opts.algo ?? "sha256");
        const narSize = writeNar(tree.root, (c) => h.update(c), p);
        return { hash: h.digest(), narSize };
    }
    finally {
        tree.close();
    }
}
export function dumpPath(p, sink) {
    const tree = openFsTree(p);
    try {
        return writeNar(tree.root, sink, p);
    }
    finally {
        tree.close();
    }
}
/**
 * Unpack a NAR into `dest`, which must not exist (Nix: "File exists"). The tree is built under a
 * temporary sibling name and renamed into place, so `dest` is either complete or absent.
 */
export function restorePath(dest, read, atEnd, crash) {
    const abs = path.resolve(dest);
    try {
        fs.lstatSync(abs);
        throw new CairnError("E_EXISTS", `cannot restore to '${dest}': File exists`, { path: dest });
    }
    catch (e) {
        if (e instanceof CairnError)
            throw e;
    }
    const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.tmp-${randomBytes(6).toString("hex")}`);
    const sink = new FsSink(tmp, { canonical: false, fsyncEach: false, onEntry: () => crash?.("restore.entry") });
    try {
        const narSize = parseNarFrom(read, sink);
        if (!atEnd()) {
            throw new CairnError("E_NAR_FORMAT", `input has trailing data after the NAR's ${narSize} bytes`, {
                reason: "trailing-data",
                offset: narSize,
            });
        }
        crash?.("restore.written");
        try {
            fs.renameSync(tmp, abs);
        }
        catch (e) {
            const code = e.code;
            throw new CairnError(code === "EEXIST" || code === "ENOTEMPTY" ? "E_EXISTS" : "E_IO", `cannot restore to '${dest}': ${code}`, {
                path: dest,
            });
        }
        crash?.("restore.renamed");
        return { entries: sink.entries, narSize };
    }
    catch (e) {
        sink.abandon();
        removeTree(tmp);
        throw e;
    }
}
//# sourceMappingURL=nar-fs.js.map