// Temp roots as files (Nix: temproots/<pid>, LocalStore::addTempRoot in gc.cc): each process that
// uses store paths appends them, one per line, to ROOT/var/cairn/temproots/<pid>-<start>. Nothing
// here is synced: a temp root matters only while its owner lives, and a crash of the machine ends
// every owner. Ordering against the gc comes from the store's open gate (LocalStore.addTempRoots):
// a root is appended before its owner passes the gate, and the gc reads these files inside its
// write transactions, which hold the gate. So a root either is in the file when a gc decision
// reads it, or its owner's validity check comes after that decision's commit.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "./format/index.js";
import { isAlive, ownerTag, parseOwnerTag } from "./process-id.js";
/** This process's temp roots file: created on the first root, append-only, removed at close. */
export class TempRootsFile {
    dir;
    fd;
    file;
    constructor(dir) {
        this.dir = dir;
    }
    /** Append `paths` (complete lines, in one write where the kernel allows). */
    append(paths) {
        if (paths.length === 0)
            return;
        const fd = this.open();
        const buf = Buffer.from(`${paths.join("\n")}\n`);
        try {
            for (let off = 0; off < buf.length;)
                off += fs.writeSync(fd, buf, off, buf.length - off);
        }
        catch (e) {
            throw new CairnError("E_IO", `cannot write temp roots to '${this.file}': ${e.code}`, { path: this.file });
        }
    }
    open() {
        if (this.fd !== undefined)
            return this.fd;
        const file = path.join(this.dir, ownerTag());
        try {
            fs.mkdirSync(this.dir, { recursive: true, mode: 0o755 });
            this.fd = fs.openSync(file, "a", 0o644);
        }
        catch (e) {
            throw new CairnError("E_IO", `cannot create temp roots file '${file}': ${e.code}`, { path: file });
        }
        this.file = file;
        return this.fd;
    }
    /** Close the file; with `unlink`, remove it too (the roots end; otherwise a gc sweeps them later). */
    close(unlink) {
        if (this.fd === undefined)
            return;
        fs.closeSync(this.fd);
        this.fd = undefined;
        if (unlink)
            fs.rmSync(this.file, { force: true });
    }
    get created() {
        return this.fd !== undefined;
    }
}
function ownerFiles(dir) {
    try {
        return fs.readdirSync(dir);
    }
    catch (e) {
        if (e.code === "ENOENT")
            return [];
        throw e;
    }
}
/**
 * Every temp root under `dir`, by owner tag. Only complete lines count: a line still being
 * written belongs to an owner that has not passed the gate yet, whose validity check therefore
 * comes after the reader's transaction.
 */
export function readTempRoots(dir) {
    const roots = new Map();
    for (const name of ownerFiles(dir)) {
        let text;
        try {
            text = fs.readFileSync(path.join(dir, name), "utf8");
        }
        catch (e) {
            if (e.code === "ENOENT")
                continue; // its owner ended meanwhile
            throw e;
        }
        const end = text.lastIndexOf("\n");
        roots.set(name, end < 0 ? [] : text.slice(0, end).split("\n"));
    }
    return roots;
}
/** Every path temp-rooted under `dir` (any owner). */
export function tempRootedPaths(dir) {
    const s = new Set();
    for (const paths of readTempRoots(dir).values())
        for (const p of paths)
            s.add(p);
    return s;
}
/** Remove the files of dead owners (pid gone, or reused with another start time); how many. */
export function removeDeadTempRoots(dir) {
    let n = 0;
    for (const name of ownerFiles(dir)) {
        const owner = parseOwnerTag(name);
        if (owner !== undefined && isAlive(owner))
            continue;
        // A tag names one process incarnation, so a dead owner's file never grows again.
        fs.rmSync(path.join(dir, name), { force: true });
        n++;
    }
    return n;
}
//# sourceMappingURL=temp-roots.js.map