// `cairn verify`: do the database and the files agree? Nix: LocalStore::verifyStore.
// Checks every valid path (or the given ones): present on disk; references valid; with
// checkContents, NAR hash and size as recorded and canonical metadata (modes, mtime, no
// setuid/setgid, no hard links, owner). Repairs what can be repaired without a source: metadata
// drift, and invalidation of missing paths nothing refers to.
import fs from "node:fs";
import path from "node:path";
import { Hasher, printHash, parseHash, writeNar, compareUtf8 } from "./format/index.js";
import { fsTree } from "./fs-tree.js";
import { parseOwnerTag, isAlive } from "./process-id.js";
const SLASH = Buffer.from("/");
const child = (p, n) => Buffer.concat([p, SLASH, n]);
/**
 * Inodes of `ROOT/store/.links` (optimise's pool, Nix's .links): a store file may have more than
 * one link only when it is one of these.
 */
function linkedInodes(realStoreDir) {
    const inodes = new Set();
    const dir = path.join(realStoreDir, ".links");
    let names = [];
    try {
        names = fs.readdirSync(dir);
    }
    catch {
        return inodes;
    }
    for (const n of names) {
        try {
            inodes.add(fs.lstatSync(path.join(dir, n)).ino);
        }
        catch {
            /* removed by a concurrent gc */
        }
    }
    return inodes;
}
function canonicalIssues(rootPath, storeUid, linked = new Set()) {
    const issues = [];
    const root = Buffer.from(rootPath);
    // Buffer paths: entry names need not be UTF-8.
    const walk = (p) => {
        const st = fs.lstatSync(p);
        const rel = p.length === root.length ? "." : p.subarray(root.length + 1).toString();
        const perm = st.mode & 0o7777;
        if (st.isSymbolicLink()) {
            // only the mtime of a symlink is canonicalised
        }
        else if (st.isDirectory()) {
            if (perm !== 0o555)
                issues.push({ file: rel, why: `directory mode ${perm.toString(8)}, expected 555` });
        }
        else if (st.isFile()) {
            if (perm !== 0o444 && perm !== 0o555)
                issues.push({ file: rel, why: `file mode ${perm.toString(8)}, expected 444 or 555` });
            if (st.nlink > 1 && !linked.has(st.ino))
                issues.push({ file: rel, why: `has ${st.nlink} hard links` });
        }
        else {
            issues.push({ file: rel, why: "unsupported file type" });
        }
        if (st.mtimeMs !== 1000)
            issues.push({ file: rel, why: `mtime ${st.mtimeMs / 1000}, expected 1` });
        if (st.uid !== storeUid)
            issues.push({ file: rel, why: `owned by uid ${st.uid}, expected ${storeUid}` });
        if (st.isDirectory())
            for (const n of fs.readdirSync(p, { encoding: "buffer" }))
                walk(child(p, n));
    };
    walk(root);
    return issues;
}
/** Restore canonical metadata through fds (never following symlinks). */
function recanonicalise(root) {
    const { O_RDONLY, O_NOFOLLOW } = fs.constants;
    const walk = (p) => {
        const st = fs.lstatSync(p);
        if (st.isSymbolicLink()) {
            fs.lutimesSync(p, 1, 1);
            return;
        }
        if (st.isDirectory()) {
            const fd = fs.openSync(p, O_RDONLY | O_NOFOLLOW);
            try {
                fs.fchmodSync(fd, 0o755);
            }
            finally {
                fs.closeSync(fd);
            }
            for (const n of fs.readdirSync(p, { encoding: "buffer" }))
                walk(child(p, n));
        }
        const fd = fs.openSync(p, O_RDONLY | O_NOFOLLOW);
        try {
            const mode = st.isDirectory() ? 0o555 : st.mode & 0o100 ? 0o555 : 0o444;
            fs.fchmodSync(fd, mode);
            fs.futimesSync(fd, 1, 1);
        }
        finally {
            fs.closeSync(fd);
        }
    };
    walk(Buffer.from(root));
}
export function verifyStore(store, opts = {}) {
    store.recover();
    const problems = [];
    const infos = [];
    if (opts.paths !== undefined) {
        for (const p of opts.paths) {
            const info = store.queryPathInfo(p);
            if (info === undefined)
                problems.push({ path: p, kind: "missing", detail: "not a valid path", repaired: false });
            else
                infos.push(info);
        }
    }
    else {
        infos.push(...store.allValidPaths());
    }
    infos.sort((a, b) => compareUtf8(a.path, b.path));
    const storeUid = fs.statSync(store.layout.realStoreDir).uid;
    const linked = opts.checkContents ? linkedInodes(store.layout.realStoreDir) : new Set();
    let done = 0;
    for (const info of infos) {
        opts.onProgress?.(done++, infos.length, info.path);
        const real = store.realPath(info.path);
        let exists = true;
        try {
            fs.lstatSync(real);
        }
        catch {
            exists = false;
        }
        if (!exists) {
            // Nix invalidates a vanished path when nothing refers to it; otherwise it needs a repair
            // from a substituter or its deriver, which a later release provides.
            let repaired = false;
            if (store.queryReferrers(info.path).length === 0) {
                store.invalidatePath(info.path);
                repaired = true;
            }
            problems.push({
                path: info.path,
                kind: "missing",
                detail: repaired ? "disappeared; invalidated (nothing refers to it)" : "disappeared, and valid paths refer to it",
                repaired,
            });
            continue;
        }
        for (const r of info.references) {
            if (!store.isValidPath(r)) {
                problems.push({ path: info.path, kind: "invalid-reference", detail: `refers to invalid path '${r}'`, repaired: false });
            }
        }
        if (!opts.checkContents)
            continue;
        const expected = parseHash(info.narHash);
        const hasher = new Hasher(expected.algo);
        let size;
        try {
            size = writeNar(fsTree(real), (c) => hasher.update(c), real);
        }
        catch (e) {
            problems.push({ path: info.path, kind: "unreadable", detail: e.message, repaired: false });
            continue;
        }
        const got = hasher.digest();
        if (Buffer.compare(got.bytes, expected.bytes) !== 0) {
            problems.push({
                path: info.path,
                kind: "hash-mismatch",
                detail: `was modified! expected hash '${info.narHash}', got '${printHash(got, "nix32", true)}'`,
                repaired: false,
            });
            continue;
        }
        if (size !== info.narSize) {
            problems.push({ path: info.path, kind: "size-mismatch", detail: `NAR size ${size}, recorded ${info.narSize}`, repaired: false });
            continue;
        }
        const issues = canonicalIssues(real, storeUid, linked);
        if (issues.length > 0) {
            let repaired = false;
            if (opts.repair && issues.every((i) => !i.why.startsWith("owned") && !i.why.startsWith("unsupported"))) {
                recanonicalise(real);
                repaired = canonicalIssues(real, storeUid, linked).length === 0;
            }
            problems.push({
                path: info.path,
                kind: "not-canonical",
                detail: issues.map((i) => `${i.file}: ${i.why}`).join("; "),
                repaired,
            });
        }
    }
    opts.onProgress?.(done, infos.length, "");
    const garbage = [];
    if (opts.paths === undefined) {
        for (const name of fs.readdirSync(store.layout.realStoreDir)) {
            if (name === ".trash" || name === ".links")
                continue;
            if (name.startsWith(".tmp-")) {
                const owner = parseOwnerTag(name.slice(5));
                if (owner !== undefined && isAlive(owner))
                    continue;
                garbage.push(name);
                continue;
            }
            const p = `${store.storeDir}/${name}`;
            let valid = false;
            try {
                valid = store.isValidPath(p);
            }
            catch {
                valid = false;
            }
            if (!valid)
                garbage.push(name);
        }
    }
    return { checked: infos.length, problems, garbage: garbage.sort(compareUtf8) };
}
//# sourceMappingURL=verify.js.map