// Reading a system toplevel (DESIGN.md §5): the store directory a system recipe builds, holding
// `kernel`, `initrd`, `kernel-params` (one line), `init` (a store path in the closure) and
// optionally `label` and `kernel-version`. Nix: the NixOS toplevel (nixos/modules/system/
// activation/top-level.nix) and how systemd-boot-builder.py reads it.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { CairnError, encodeNix32 } from "../../store/format/index.js";
import { GEN_PARAM } from "./boot-entries.js";
const bad = (toplevel, file, why) => new CairnError("E_SYSTEM_TOPLEVEL", `'${toplevel}' is not a system toplevel: ${file} ${why}`, { toplevel, file });
/**
 * Follow `p` (physical) through symlinks that stay inside the store; returns the physical path
 * and the logical one. Absolute targets are logical store paths (they may name /nix/store while
 * the files live under ROOT/store).
 */
function resolveInStore(layout, physical, logical) {
    let phys = physical;
    let log = logical;
    for (let i = 0; i < 40; i++) {
        let st;
        try {
            st = fs.lstatSync(phys);
        }
        catch {
            throw new CairnError("E_SYSTEM_TOPLEVEL", `'${log}' does not exist`, { path: log });
        }
        if (!st.isSymbolicLink())
            return { physical: phys, logical: log };
        const t = fs.readlinkSync(phys);
        log = t.startsWith("/") ? path.normalize(t) : path.normalize(path.join(path.dirname(log), t));
        if (!log.startsWith(`${layout.storeDir}/`)) {
            throw new CairnError("E_SYSTEM_TOPLEVEL", `'${logical}' leads to '${log}', outside the store ${layout.storeDir}`, { path: logical, target: log });
        }
        phys = path.join(layout.realStoreDir, log.slice(layout.storeDir.length + 1));
    }
    throw new CairnError("E_SYSTEM_TOPLEVEL", `'${logical}': too many levels of symbolic links`, { path: logical });
}
function readLine(toplevel, file, physical, optional) {
    let text;
    try {
        text = fs.readFileSync(physical, "utf8");
    }
    catch (e) {
        const code = e.code;
        if (code === "ENOENT" && optional)
            return undefined;
        throw bad(toplevel, file, code === "ENOENT" ? "is missing" : `cannot be read (${code})`);
    }
    const t = text.replace(/\n$/, "");
    if (t.includes("\n") || t.includes("\0"))
        throw bad(toplevel, file, "must be one line");
    return t.trim();
}
/** Read and check a toplevel; every problem names the toplevel and the file. */
export function readToplevel(layout, storePath) {
    const base = layout.realPath(layout.parsePath(storePath));
    let st;
    try {
        st = fs.statSync(base);
    }
    catch {
        st = undefined;
    }
    if (st === undefined)
        throw new CairnError("E_SYSTEM_TOPLEVEL", `'${storePath}' does not exist`, { toplevel: storePath });
    if (!st.isDirectory())
        throw new CairnError("E_SYSTEM_TOPLEVEL", `'${storePath}' is not a system toplevel: it is not a directory`, { toplevel: storePath });
    const file = (name) => {
        if (fs.lstatSync(path.join(base, name), { throwIfNoEntry: false }) === undefined)
            throw bad(storePath, name, "is missing");
        const r = resolveInStore(layout, path.join(base, name), `${storePath}/${name}`);
        if (!fs.statSync(r.physical).isFile())
            throw bad(storePath, name, "is not a regular file");
        return r;
    };
    const kernel = file("kernel");
    const initrd = file("initrd");
    const init = file("init");
    const kernelParams = readLine(storePath, "kernel-params", path.join(base, "kernel-params"), false);
    for (const w of kernelParams.split(/\s+/)) {
        if (w.startsWith("init=") || w.startsWith(`${GEN_PARAM}=`)) {
            throw bad(storePath, "kernel-params", `must not set '${w.split("=")[0]}=': cairn adds it`);
        }
    }
    const label = readLine(storePath, "label", path.join(base, "label"), true);
    const kernelVersion = readLine(storePath, "kernel-version", path.join(base, "kernel-version"), true);
    return {
        storePath,
        kernel: kernel.physical,
        initrd: initrd.physical,
        kernelParams,
        init: init.logical,
        ...(label ? { label } : {}),
        ...(kernelVersion ? { kernelVersion } : {}),
    };
}
/** The store path an absolute path inside the store belongs to. */
export function storePathOf(layout, logical) {
    return `${layout.storeDir}/${logical.slice(layout.storeDir.length + 1).split("/")[0]}`;
}
/**
 * Content hashes of files in the store, remembered in `cacheFile` (ROOT/var/cairn/system/
 * digests.json) across runs: every switch names the kernels and initrds of all live generations,
 * and hashing each again would cost ~25 ms per 8 MiB kernel per generation. A file is trusted to
 * be the one hashed while its device, inode, size and ctime are the same (store files are never
 * changed in place). Callers hold the system profile's lock, so one writer at a time.
 */
export class FileHasher {
    cacheFile;
    memo = new Map();
    dirty = false;
    constructor(cacheFile) {
        this.cacheFile = cacheFile;
        if (cacheFile === undefined)
            return;
        try {
            const j = JSON.parse(fs.readFileSync(cacheFile, "utf8"));
            for (const [k, v] of Object.entries(j))
                if (typeof v?.hash === "string" && typeof v.id === "string")
                    this.memo.set(k, v);
        }
        catch {
            /* no cache yet, or a torn one: hash again */
        }
    }
    digest(physical) {
        const st = fs.statSync(physical);
        const id = `${st.dev}:${st.ino}:${st.size}:${st.ctimeMs}`;
        const m = this.memo.get(physical);
        if (m !== undefined && m.id === id)
            return { hash: m.hash, size: m.size };
        const h = createHash("sha256");
        const fd = fs.openSync(physical, "r");
        const buf = Buffer.allocUnsafe(1 << 20);
        let size = 0;
        try {
            for (;;) {
                const n = fs.readSync(fd, buf, 0, buf.length, null);
                if (n === 0)
                    break;
                h.update(buf.subarray(0, n));
                size += n;
            }
        }
        finally {
            fs.closeSync(fd);
        }
        const d = { hash: encodeNix32(h.digest()).slice(0, 32), size };
        this.memo.set(physical, { ...d, id });
        this.dirty = true;
        return d;
    }
    /** Write the cache back, keeping only files that still exist. */
    save() {
        if (this.cacheFile === undefined || !this.dirty)
            return;
        const keep = {};
        for (const [k, v] of this.memo)
            if (fs.existsSync(k))
                keep[k] = v;
        fs.mkdirSync(path.dirname(this.cacheFile), { recursive: true });
        const tmp = `${this.cacheFile}.tmp-${process.pid}`;
        fs.writeFileSync(tmp, JSON.stringify(keep));
        fs.renameSync(tmp, this.cacheFile); // a cache: no fsync, a torn one is ignored
        this.dirty = false;
    }
}
//# sourceMappingURL=toplevel.js.map