// The evaluation cache: what a recipe evaluation selected, kept so that evaluating the same recipe
// again (a second build, an install after a build) needs no evaluation at all, as Nix's flake
// evaluation cache does. An entry is kept only for an evaluation that read nothing the cache
// cannot check (eval/purity.ts), and used only when everything it read is unchanged:
// - the key: cairn's own evaluation code (its files' sizes and times), Node's version and
//   platform, the variables that change JavaScript's behaviour (locale, time zone, NODE_OPTIONS),
//   the system's time zone (/etc/localtime), the store dir, the recipe's absolute path and the
//   attributes asked for;
// - the entry: each recipe file and JSON module read (sha256 of its bytes, checked on every
//   use), the files whose absence decided an import, and each path() source with the store path
//   it gave (hashed again by the caller, as path() would);
// - the caller also requires the selection's .drv files to be valid in the store (or evaluates).
// Entries are written atomically; one that does not check (a torn write, another version) is
// ignored and replaced; unused ones are pruned (eval/cache-dir.ts). CAIRN_EVAL_CACHE=0 (or
// --no-eval-cache) turns the cache off.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import v8 from "node:v8";
import { prune, touch } from "../eval/cache-dir.js";
const MAGIC = Buffer.from("cairn-eval-cache-2\n");
const PROBES = 16;
/** The files whose code decides what an evaluation gives: cairn's evaluation and format modules. */
function codeFingerprint() {
    const h = createHash("sha256");
    for (const dir of ["../eval/", "../store/format/"]) {
        const d = new URL(dir, import.meta.url);
        for (const name of fs.readdirSync(d).sort()) {
            if (!/\.[jt]s$/.test(name))
                continue;
            const st = fs.statSync(new URL(name, d), { bigint: true });
            h.update(`${dir}${name}\0${st.size}\0${st.mtimeNs}\0${st.ino}\n`);
        }
    }
    return h.digest("hex");
}
/** The system's time zone when TZ is unset (Date's local-time methods read it). */
function localTime() {
    try {
        return fs.readlinkSync("/etc/localtime");
    }
    catch {
        return sha256File("/etc/localtime") ?? "";
    }
}
function sha256File(file) {
    try {
        return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
    }
    catch {
        return undefined;
    }
}
// An entry: MAGIC, the header's length (u32 LE) and sha256, the header, the body. The header is
// read first, alone: most misses need no more.
const HEAD = MAGIC.length + 4 + 32;
const FIRST_READ = 64 * 1024;
export class EvalCache {
    dir;
    runtime;
    fingerprint;
    /** Entries preload() found current: their headers. */
    current = new Map();
    /** Entries whose files are unchanged but whose .drv files the store lacks (preload probed). */
    notInStore = new Map();
    constructor(dir, 
    /** Node's version and platform and the variables that change JavaScript's behaviour. */
    runtime) {
        this.dir = dir;
        this.runtime = runtime;
    }
    key(storeDir, file, attrs) {
        this.fingerprint ??= `${codeFingerprint()}\0${localTime()}`;
        const h = createHash("sha256").update(MAGIC).update(this.fingerprint).update("\0").update(this.runtime);
        for (const part of [storeDir, path.resolve(file), ...attrs])
            h.update("\0").update(part);
        return h.digest("hex");
    }
    fileOf(key) {
        return path.join(this.dir, key.slice(0, 2), `${key}.eval`);
    }
    /** The entry's header, if it is whole. */
    header(key) {
        let fd;
        try {
            fd = fs.openSync(this.fileOf(key), "r");
        }
        catch {
            return undefined; // none
        }
        try {
            let buf = Buffer.alloc(FIRST_READ);
            let got = fs.readSync(fd, buf, 0, buf.length, 0);
            if (got < HEAD || !buf.subarray(0, MAGIC.length).equals(MAGIC))
                return undefined;
            const len = buf.readUInt32LE(MAGIC.length);
            if (HEAD + len > got) {
                buf = Buffer.alloc(HEAD + len);
                got = fs.readSync(fd, buf, 0, buf.length, 0);
                if (got < HEAD + len)
                    return undefined;
            }
            const h = buf.subarray(HEAD, HEAD + len);
            if (!createHash("sha256").update(h).digest().equals(buf.subarray(MAGIC.length + 4, HEAD)))
                return undefined;
            return v8.deserialize(h);
        }
        catch {
            return undefined;
        }
        finally {
            fs.closeSync(fd);
        }
    }
    /** Whether the files `h` records are as they were. */
    static unchanged(h) {
        return h.files.every(([f, sum]) => sha256File(f) === sum) && h.absent.every((f) => !fs.existsSync(f));
    }
    /**
     * Whether an entry for `key` is current as far as this can tell without hashing the sources or
     * opening the store (its probed .drv files exist): cli/main.ts then gives the evaluation thread
     * no head start. What it finds is kept for lookup() and lacksStore().
     */
    preload(key) {
        const h = this.header(key);
        if (h === undefined)
            return false;
        // A valid path exists on disk: one probe missing, and the recipe must be evaluated anyway.
        if (!h.probe.every((p) => fs.existsSync(p))) {
            if (EvalCache.unchanged(h))
                this.notInStore.set(key, h);
            return false;
        }
        if (!EvalCache.unchanged(h))
            return false;
        this.current.set(key, h);
        return true;
    }
    /** Whether preload() found the entry unchanged but its .drv files missing from the store. */
    lacksStore(key) {
        return this.notInStore.has(key);
    }
    /** The entry for `key`, if its files are unchanged (the caller checks sources and store). */
    lookup(key) {
        let h = this.current.get(key);
        if (h === undefined) {
            h = this.header(key);
            if (h === undefined || !EvalCache.unchanged(h))
                return undefined;
        }
        try {
            const data = fs.readFileSync(this.fileOf(key));
            const body = data.subarray(HEAD + data.readUInt32LE(MAGIC.length));
            if (createHash("sha256").update(body).digest("hex") === h.body) {
                touch(this.fileOf(key));
                return v8.deserialize(body);
            }
        }
        catch {
            // unreadable: as damaged
        }
        this.current.delete(key); // damaged (or replaced since): write() replaces it
        return undefined;
    }
    /**
     * Keep `entry` for `key`, with the files it read, unless the entry there (read by this process)
     * says the same. Best effort: a cache that cannot be written only costs time.
     */
    write(key, files, absent, entry) {
        const outcome = createHash("sha256").update(JSON.stringify([entry.tops, entry.sources])).digest("hex");
        const old = this.current.get(key) ?? this.notInStore.get(key);
        if (old !== undefined && old.outcome === outcome && JSON.stringify([old.files, old.absent]) === JSON.stringify([files, absent]))
            return;
        const body = v8.serialize(entry);
        const step = Math.max(1, Math.ceil(entry.tops.length / PROBES));
        const probe = entry.tops.filter((_, i) => i % step === 0);
        const h = v8.serialize({ files, absent, probe, outcome, body: createHash("sha256").update(body).digest("hex") });
        const len = Buffer.alloc(4);
        len.writeUInt32LE(h.length);
        const f = this.fileOf(key);
        const tmp = `${f}.${process.pid}.${threadId}.tmp`;
        try {
            fs.mkdirSync(path.dirname(f), { recursive: true });
            fs.writeFileSync(tmp, Buffer.concat([MAGIC, len, createHash("sha256").update(h).digest(), h, body]));
            fs.renameSync(tmp, f);
        }
        catch {
            fs.rmSync(tmp, { force: true });
            return;
        }
        prune(this.dir);
    }
}
let configured;
/** Set by cli/main.ts (where the cache lives, what the runtime is); unset, nothing is cached. */
export function useEvalCache(cache) {
    configured = cache;
}
export function evalCache() {
    return configured;
}
//# sourceMappingURL=eval-cache.js.map