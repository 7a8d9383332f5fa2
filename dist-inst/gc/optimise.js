// `cairn optimise`: hard-link identical store files through a pool ROOT/store/.links/<nix32 of
// the file's NAR sha256>, so each content is stored once. Nix: src/libstore/optimise-store.cc.
//
// Safety: every path is temp-rooted before it is looked at, so a concurrent gc keeps it; a file
// is replaced by an atomic rename of a fresh link over it, so a reader (or a crash) sees the old
// inode or the shared one, both with the same bytes; the shared inode's bytes are compared with
// the file's before linking, so a damaged pool entry never spreads; the NAR hash names the pool
// entry, so files that differ in content or in the executable bit never share one.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Hasher, printHash, writeNar } from "../store/format/index.js";
import { ownerTag } from "../store/process-id.js";
function narHashOfFile(data, executable) {
    const h = new Hasher("sha256");
    writeNar({ type: "regular", executable, size: data.length, contents: () => [data] }, (c) => h.update(c));
    return printHash(h.digest(), "nix32");
}
/**
 * Run `f`, which renames an entry of the store object directory `dir`: made writable for it (not
 * needed as root) and given back its canonical mtime (1) after, all through an fd opened without
 * following symlinks.
 */
function inStoreDir(dir, f) {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW);
    const root = process.getuid?.() === 0;
    try {
        if (!root)
            fs.fchmodSync(fd, 0o755);
        try {
            return f();
        }
        finally {
            if (!root)
                fs.fchmodSync(fd, 0o555);
            fs.futimesSync(fd, 1, 1);
        }
    }
    finally {
        fs.closeSync(fd);
    }
}
export function optimiseStore(store, opts = {}) {
    const crash = opts.crash ?? (() => { });
    const linksDir = path.join(store.layout.realStoreDir, ".links");
    if (!opts.dryRun)
        fs.mkdirSync(linksDir, { recursive: true, mode: 0o755 });
    const paths = opts.paths ?? [...store.allValidPaths()].map((i) => i.path);
    // Nix takes a temp root per path as it goes; one transaction for all of them is cheaper.
    if (!opts.dryRun)
        store.addTempRoots(paths);
    const result = { filesLinked: 0, bytesSaved: 0, pathsScanned: 0, badLinks: [] };
    const seenDry = new Set();
    const optimiseFile = (storePath, abs, rel, st) => {
        const data = fs.readFileSync(abs);
        const executable = (st.mode & 0o100) !== 0;
        const hash = narHashOfFile(data, executable);
        const linkPath = path.join(linksDir, hash);
        if (opts.dryRun) {
            let exists = seenDry.has(hash);
            let same = false;
            try {
                const l = fs.lstatSync(linkPath);
                exists = true;
                same = l.ino === st.ino;
            }
            catch {
                /* no pool entry yet */
            }
            if (exists && !same && st.nlink === 1) {
                result.filesLinked++;
                result.bytesSaved += st.size;
                opts.onLink?.({ path: storePath, file: rel, bytes: st.size });
            }
            seenDry.add(hash);
            return;
        }
        for (let attempt = 0; attempt < 3; attempt++) {
            try {
                fs.linkSync(abs, linkPath);
                return; // first of its content: now in the pool
            }
            catch (e) {
                if (e.code !== "EEXIST")
                    throw e;
            }
            let l;
            try {
                l = fs.lstatSync(linkPath);
            }
            catch {
                continue; // a gc removed the unused pool entry just now: make it again
            }
            if (l.ino === st.ino)
                return; // already shared
            // Never trust the name alone: the pool entry must hold exactly these bytes and mode.
            let same = false;
            try {
                same = l.isFile() && l.size === data.length && (l.mode & 0o7777) === (st.mode & 0o7777) && fs.readFileSync(linkPath).equals(data);
            }
            catch {
                continue;
            }
            if (!same) {
                if (!result.badLinks.includes(linkPath))
                    result.badLinks.push(linkPath);
                return;
            }
            const tmp = path.join(store.layout.realStoreDir, `.tmp-${ownerTag()}-link-${randomBytes(6).toString("hex")}`);
            try {
                fs.linkSync(linkPath, tmp);
            }
            catch (e) {
                if (e.code === "ENOENT")
                    continue;
                throw e;
            }
            crash("optimise.linked");
            try {
                // A text object is a file directly in the store dir, which is writable and not canonical.
                if (rel === "")
                    fs.renameSync(tmp, abs);
                else
                    inStoreDir(path.dirname(abs), () => fs.renameSync(tmp, abs));
            }
            catch (e) {
                fs.rmSync(tmp, { force: true });
                throw e;
            }
            crash("optimise.renamed");
            if (st.nlink === 1)
                result.bytesSaved += st.size;
            result.filesLinked++;
            opts.onLink?.({ path: storePath, file: rel, bytes: st.size });
            return;
        }
    };
    for (const p of paths) {
        // Valid after our temp root: a gc keeps it from now on. Invalid: skip it.
        if (!store.isValidPath(p))
            continue;
        result.pathsScanned++;
        const root = store.realPath(p);
        const stack = [[root, ""]];
        while (stack.length > 0) {
            const [abs, rel] = stack.pop();
            let st;
            try {
                st = fs.lstatSync(abs);
            }
            catch {
                continue;
            }
            if (st.isDirectory()) {
                for (const n of fs.readdirSync(abs))
                    stack.push([path.join(abs, n), rel === "" ? n : `${rel}/${n}`]);
            }
            else if (st.isFile()) {
                // A file still writable is not canonical: not ours to share (Nix skips it too).
                if ((st.mode & 0o222) !== 0)
                    continue;
                optimiseFile(p, abs, rel, st);
            }
        }
    }
    return result;
}
//# sourceMappingURL=optimise.js.map