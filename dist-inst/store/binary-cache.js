// Binary caches in Nix's layout: `nix-cache-info`, `<hash>.narinfo`, `nar/<filehash>.nar[.xz|.zst]`.
// Copying closures to and from them, checking signatures, and substituting paths.
// Nix: src/libstore/binary-cache-store.cc, store-api.cc (copyPaths, copyClosure), substitution-goal.cc.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { CairnError, Hasher, compareUtf8, hashEqual, makeFixedOutputPath, narInfoFileFor, narInfoFingerprint, parseCacheInfo, parseContentAddress, parseHash, parseNarInfo, printCacheInfo, printHash, printNarInfo, signDetached, verifyDetached, } from "./format/index.js";
import { openTransport } from "./cache-transport.js";
import { checkCompression, narExtension } from "./compression.js";
import { NarPool, narPoolSettings } from "./nar-pool.js";
import { FsWriter } from "./fs-writer.js";
import { restoreNarFile } from "./nar-jobs.js";
import { isAlive, ownerTag, parseOwnerTag } from "./process-id.js";
import { removeTree } from "./remove-tree.js";
export class BinaryCache {
    url;
    transport;
    /** The URL as recorded in path infos (substitutedFrom): no query, no credentials. */
    origin;
    constructor(url, transport) {
        this.url = url;
        this.transport = transport;
        this.origin = cacheOrigin(url);
    }
    static open(url, opts = {}) {
        return new BinaryCache(url, openTransport(url, opts));
    }
    /** The cache's store dir must be ours, or every path and signature in it means something else. */
    async checkStoreDir(storeDir, create) {
        const text = await this.transport.getText("nix-cache-info");
        if (text === undefined) {
            if (!create) {
                throw new CairnError("E_CACHE", `'${this.url}' is not a binary cache: it has no nix-cache-info`, { url: this.url });
            }
            await this.transport.upload("nix-cache-info", { bytes: Buffer.from(printCacheInfo({ storeDir })) }, "text/x-nix-cache-info");
            return;
        }
        const info = parseCacheInfo(text, `${this.url}/nix-cache-info`);
        if (info.storeDir !== storeDir) {
            throw new CairnError("E_CACHE", `binary cache '${this.url}' is for store '${info.storeDir}', not '${storeDir}'`, { url: this.url, cacheStoreDir: info.storeDir, storeDir });
        }
    }
    /** The narinfo of `storePath`, or undefined when the cache lacks it. */
    async queryNarInfo(storeDir, storePath) {
        const file = narInfoFileFor(storeDir, storePath);
        const text = await this.transport.getText(file);
        if (text === undefined)
            return undefined;
        const info = parseNarInfo(storeDir, text, `${this.url}/${file}`);
        if (info.storePath !== storePath) {
            throw new CairnError("E_BAD_NARINFO", `${this.url}/${file} describes '${info.storePath}', not '${storePath}'`, {
                url: this.url,
                path: storePath,
                got: info.storePath,
            });
        }
        return info;
    }
}
/** `url` without its query, fragment or user:password@ (Nix's store parameters, secrets). */
export function cacheOrigin(url) {
    const base = url.replace(/[?#].*$/s, "");
    return base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1").replace(/(?<=.)\/+$/, "");
}
// ---- trust -----------------------------------------------------------------------------------
/**
 * Why a narinfo may not be imported, or undefined if it may: it needs a signature by a trusted
 * key over its fingerprint, unless it is content-addressed in a way that the NAR hash check
 * proves (fixed:r:sha256 whose hash is the NAR hash and whose path follows from it). Nix:
 * ValidPathInfo::checkSignatures, isContentAddressed.
 */
export function untrustedReason(storeDir, info, trusted) {
    const fp = narInfoFingerprint(info);
    for (const s of info.sigs)
        if (verifyDetached(fp, s, trusted))
            return undefined;
    if (isSelfCertifying(storeDir, info))
        return undefined;
    if (info.sigs.length === 0)
        return `path '${info.storePath}' lacks a signature by a trusted key (it has none)`;
    const names = [...new Set(info.sigs.map((s) => s.slice(0, Math.max(0, s.indexOf(":"))) || "?"))].join(", ");
    const known = new Set(trusted.map((k) => k.name));
    const why = info.sigs.some((s) => known.has(s.slice(0, s.indexOf(":")))) ? "bad signature" : "untrusted key";
    return `path '${info.storePath}' lacks a signature by a trusted key (${why}: signed by ${names})`;
}
function isSelfCertifying(storeDir, info) {
    if (info.ca === undefined)
        return false;
    try {
        const ca = parseContentAddress(info.ca);
        if (ca.kind !== "fixed" || ca.method !== "recursive" || ca.hash.algo !== "sha256")
            return false;
        if (!hashEqual(ca.hash, info.narHash))
            return false;
        const name = info.storePath.slice(storeDir.length + 1 + 33);
        const self = info.references.includes(info.storePath);
        const refs = info.references.filter((r) => r !== info.storePath).map((r) => ({ hashPart: r.slice(storeDir.length + 1, storeDir.length + 33), name: r.slice(storeDir.length + 34) }));
        const sp = makeFixedOutputPath(storeDir, name, { method: "recursive", hash: ca.hash, references: refs, hasSelfReference: self });
        return `${storeDir}/${sp.hashPart}-${sp.name}` === info.storePath;
    }
    catch {
        return false;
    }
}
/** Order `infos` references first; a cycle (other than a self-reference) is an error. */
function topoSort(infos) {
    const out = [];
    const state = new Map();
    for (const start of [...infos.keys()].sort(compareUtf8)) {
        if (state.has(start))
            continue;
        // Iterative DFS: closures can be deep chains.
        const stack = [];
        const push = (p) => {
            state.set(p, 1);
            stack.push({ p, refs: (infos.get(p)?.references ?? []).filter((r) => r !== p && infos.has(r)), i: 0 });
        };
        push(start);
        while (stack.length > 0) {
            const top = stack[stack.length - 1];
            if (top.i < top.refs.length) {
                const r = top.refs[top.i++];
                const s = state.get(r);
                if (s === 1) {
                    throw new CairnError("E_BAD_NARINFO", `cycle detected in the references of '${top.p}' (through '${r}')`, { path: top.p, reference: r });
                }
                if (s === undefined)
                    push(r);
            }
            else {
                state.set(top.p, 2);
                out.push(top.p);
                stack.pop();
            }
        }
    }
    return out;
}
// ---- helpers -----------------------------------------------------------------------------------
/** Run `f` over `items` with at most `n` at once; the first failure is thrown after all settle. */
async function pool(items, n, f) {
    let next = 0;
    let failure;
    const worker = async () => {
        while (next < items.length && failure === undefined) {
            const t = items[next++];
            try {
                await f(t);
            }
            catch (e) {
                failure ??= e;
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
    if (failure !== undefined)
        throw failure;
}
/**
 * Run `prepare` on `items` at most `ahead` items beyond the one being consumed, and `consume`
 * the results strictly in order. Work in flight is awaited before returning or throwing (its
 * scratch files must not be removed under it).
 */
async function pipeline(items, ahead, prepare, consume) {
    const started = [];
    try {
        for (let i = 0; i < items.length; i++) {
            while (started.length < Math.min(items.length, i + ahead)) {
                const pr = prepare(items[started.length]);
                pr.catch(() => { }); // observed when its turn comes
                started.push(pr);
            }
            await consume(items[i], await started[i]);
        }
    }
    finally {
        await Promise.allSettled(started);
    }
}
/** Remove the scratch directories of copies whose processes died (a crash, a kill). */
function sweepScratch(store) {
    const base = path.join(store.layout.root, "var/cairn/tmp");
    let entries;
    try {
        entries = fs.readdirSync(base);
    }
    catch {
        return; // none yet
    }
    for (const e of entries) {
        const owner = e.startsWith("copy-") ? parseOwnerTag(e.slice(5)) : undefined;
        if (owner !== undefined && !isAlive(owner))
            removeTree(path.join(base, e));
    }
}
/** A private scratch directory under ROOT/var/cairn/tmp, named by its owner. */
function scratchDir(store) {
    const base = path.join(store.layout.root, "var/cairn/tmp");
    fs.mkdirSync(base, { recursive: true, mode: 0o700 });
    const dir = path.join(base, `copy-${ownerTag()}-${randomBytes(4).toString("hex")}`);
    fs.mkdirSync(dir, { mode: 0o700 });
    return dir;
}
/**
 * Name the path and the cache file in NAR errors. A NAR that does not hash to its narinfo's
 * NarHash is the cache's fault, not a fixed-output hash mismatch (exit 102): E_NAR_MISMATCH.
 */
function importError(e, p, where) {
    if (!(e instanceof CairnError))
        return e;
    if (e.code === "E_HASH_MISMATCH" || e.code === "E_SIZE_MISMATCH") {
        const what = e.message.includes(p) ? e.message : `NAR of '${p}': ${e.message}`;
        return new CairnError("E_NAR_MISMATCH", `${what} (NAR from ${where})`, { ...e.data, path: p, url: where });
    }
    if (e.code === "E_NAR_FORMAT" || e.code === "E_NAR_TRUNCATED" || e.code === "E_BAD_COMPRESSION") {
        return new CairnError(e.code, `NAR of '${p}' from ${where}: ${e.message}`, { ...e.data, path: p, url: where });
    }
    return e;
}
/**
 * Copy the closures of `paths` from `cache` into `store`, references first. Every narinfo is
 * parsed and its signature checked before any download; every NAR is checked against its
 * narinfo's hash and size before it is registered (LocalStore.addFromNar).
 */
export async function copyFromCache(store, cache, paths, opts) {
    const storeDir = store.storeDir;
    for (const p of paths)
        store.parsePath(p);
    await cache.checkStoreDir(storeDir, false);
    sweepScratch(store);
    const restorer = {};
    try {
        return await copyClosureFrom(store, cache, paths, opts, restorer);
    }
    finally {
        await restorer.writer?.close();
    }
}
async function copyClosureFrom(store, cache, paths, opts, restorer) {
    const storeDir = store.storeDir;
    const jobs = opts.jobs ?? 4;
    const emit = opts.onEvent ?? (() => { });
    let planned = 0;
    // 1. The closure's narinfos, breadth first, `jobs` requests at a time; valid paths end the walk.
    const infos = new Map();
    const skipped = [];
    let frontier = [...new Set(paths)];
    const seen = new Set(frontier);
    while (frontier.length > 0) {
        const next = [];
        await pool(frontier, jobs * 4, async (p) => {
            if (store.isValidPath(p)) {
                skipped.push(p);
                return;
            }
            const info = await cache.queryNarInfo(storeDir, p);
            if (info === undefined) {
                throw new CairnError("E_NOT_IN_CACHE", `path '${p}' is not in binary cache '${cache.url}'`, { path: p, url: cache.url });
            }
            if (opts.checkSigs !== false) {
                const why = untrustedReason(storeDir, info, opts.trustedKeys);
                if (why !== undefined)
                    throw new CairnError("E_UNTRUSTED", why, { path: p, url: cache.url });
            }
            checkCompression(info.compression, `${cache.url}/${narInfoFileFor(storeDir, p)}`);
            infos.set(p, info);
            // A big copy: start the writing thread now, so it has loaded by the first restore.
            planned += info.narSize;
            if (planned >= narPoolSettings.minBytes && !("writer" in restorer))
                restorer.writer = FsWriter.start();
            for (const r of info.references) {
                if (!seen.has(r)) {
                    seen.add(r);
                    next.push(r);
                }
            }
        });
        frontier = next;
    }
    const order = topoSort(infos);
    emit({ kind: "plan", total: order.length, skipped: skipped.length, bytes: order.reduce((n, p) => n + infos.get(p).narSize, 0) });
    if (order.length === 0)
        return { copied: [], skipped: skipped.sort(compareUtf8) };
    // 2. NARs parsed and hashed here (decompressors streaming into the parser, several at once)
    // while the writing thread creates their files; checked, then made durable and registered in
    // big batches (LocalStore.addFromNars). Over http the NARs are downloaded first, `jobs` at a
    // time, checked against FileHash.
    const tmp = scratchDir(store);
    const where = (p) => `${cache.url}/${infos.get(p).url}`;
    try {
        const imports = order.map((p) => narImport(infos.get(p), cache.origin));
        const copied = await store.addFromNars(imports, {
            concurrency: jobs,
            restore: async (item, dest, onEntry) => {
                const info = infos.get(item.path);
                emit({ kind: "start", path: item.path, narSize: info.narSize });
                // Restores start `concurrency` paths ahead of registration, and so do their downloads.
                const file = await fetchOne(cache, info, tmp, emit);
                opts.crash?.("copy.downloaded");
                try {
                    // The signed NarSize bounds what decompression may write.
                    const job = { file, compression: checkCompression(info.compression), dest, maxSize: info.narSize };
                    return await restoreNarFile(job, { onEntry, ...(restorer.writer ? { writer: restorer.writer } : {}) });
                }
                finally {
                    if (file.startsWith(tmp + "/"))
                        fs.rmSync(file, { force: true });
                }
            },
            describeError: (item, e) => importError(e, item.path, where(item.path)),
            onRegistered: (paths) => {
                for (const p of paths) {
                    opts.crash?.("copy.imported");
                    emit({ kind: "done", path: p, narSize: infos.get(p).narSize });
                }
            },
        });
        return { copied, skipped: skipped.sort(compareUtf8) };
    }
    finally {
        removeTree(tmp);
    }
}
/** What LocalStore.addFromNars is told of a narinfo's path. */
function narImport(info, origin) {
    return {
        path: info.storePath,
        narHash: info.narHash,
        narSize: info.narSize,
        references: info.references,
        ...(info.deriver !== undefined ? { deriver: info.deriver } : {}),
        ...(info.ca !== undefined ? { ca: info.ca } : {}),
        sigs: info.sigs,
        substitutedFrom: origin,
    };
}
/**
 * The NAR file of `info` on local disk: in place for file:// (FileHash only guards a transfer,
 * and there is none; the NAR hash decides), else downloaded into `tmp` and checked against
 * FileHash and FileSize.
 */
async function fetchOne(cache, info, tmp, emit) {
    const p = info.storePath;
    const local = cache.transport.localPath?.(info.url);
    if (local !== undefined) {
        const st = fs.lstatSync(local, { throwIfNoEntry: false });
        if (st === undefined)
            throw new CairnError("E_NOT_IN_CACHE", `${cache.url}/${info.url} (the NAR of '${p}') does not exist`, { path: p });
        if (!st.isFile())
            throw new CairnError("E_CACHE", `${cache.url}/${info.url} is not a regular file`, { path: p });
        return local;
    }
    const file = path.join(tmp, `${randomBytes(6).toString("hex")}.download`);
    let hasher = new Hasher("sha256");
    let size = 0;
    await cache.transport.download(info.url, file, (c) => {
        size += c.length;
        // An endless body must not fill the disk: no file is larger than announced (or,
        // without FileSize, than a NAR of NarSize bytes plus compression overhead).
        if (size > (info.fileSize ?? info.narSize + (info.narSize >> 4) + 65536)) {
            throw new CairnError("E_NAR_MISMATCH", `${cache.url}/${info.url} is larger than the ${info.fileSize ?? info.narSize} bytes its narinfo announces`, { path: p });
        }
        hasher.update(c);
        emit({ kind: "bytes", path: p, bytes: c.length });
    }, () => {
        hasher = new Hasher("sha256");
        size = 0;
    });
    const got = hasher.digest();
    if (info.fileHash !== undefined && !hashEqual(got, info.fileHash)) {
        throw new CairnError("E_NAR_MISMATCH", `file hash mismatch downloading '${cache.url}/${info.url}' for '${p}'; specified: ${printHash(info.fileHash, "nix32", true)}; got: ${printHash(got, "nix32", true)}`, { path: p, expected: printHash(info.fileHash, "nix32", true), actual: printHash(got, "nix32", true) });
    }
    if (info.fileSize !== undefined && info.fileSize !== size) {
        throw new CairnError("E_NAR_MISMATCH", `file size mismatch downloading '${cache.url}/${info.url}': expected ${info.fileSize}, got ${size}`, {
            path: p,
            expected: info.fileSize,
            actual: size,
        });
    }
    return file;
}
/** The narinfo of a valid local path, with a signature by `sk` added if given. */
export function makeNarInfo(store, p, file, sk) {
    const pi = store.queryPathInfo(p);
    if (pi === undefined)
        throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
    const info = {
        storePath: p,
        url: file.url,
        compression: file.compression,
        fileHash: file.fileHash,
        fileSize: file.fileSize,
        narHash: parseHash(pi.narHash),
        narSize: pi.narSize,
        references: [...pi.references].sort(compareUtf8),
        sigs: [...pi.sigs],
        ...(pi.deriver !== undefined ? { deriver: pi.deriver } : {}),
        ...(pi.ca !== undefined ? { ca: pi.ca } : {}),
    };
    if (sk !== undefined) {
        const sig = signDetached(sk, narInfoFingerprint(info));
        if (!info.sigs.includes(sig))
            info.sigs.push(sig);
    }
    return info;
}
/**
 * Copy the closures of `paths` to `cache`, skipping paths whose narinfo it has. A path's NAR is
 * written before its narinfo, and a narinfo after those of its references, so a reader never
 * finds a narinfo whose NAR or references are missing.
 */
export async function copyToCache(store, cache, paths, opts = {}) {
    const storeDir = store.storeDir;
    const compression = opts.compression ?? "xz";
    const jobs = opts.jobs ?? 4;
    const emit = opts.onEvent ?? (() => { });
    for (const p of paths) {
        if (!store.isValidPath(p))
            throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
    }
    await cache.checkStoreDir(storeDir, true);
    sweepScratch(store);
    const closure = store.computeClosure(paths);
    const infos = new Map(closure.map((p) => [p, { storePath: p, references: store.queryReferences(p) }]));
    const order = topoSort(infos);
    const present = new Set();
    await pool(order, jobs * 4, async (p) => {
        if (await cache.transport.exists(narInfoFileFor(storeDir, p)))
            present.add(p);
    });
    const todo = order.filter((p) => !present.has(p));
    emit({ kind: "plan", total: todo.length, skipped: present.size, bytes: todo.reduce((n, p) => n + store.queryPathInfo(p).narSize, 0) });
    if (todo.length === 0)
        return { copied: [], skipped: [...present].sort(compareUtf8) };
    const tmp = scratchDir(store);
    const narPool = new NarPool();
    narPool.plan(todo.reduce((n, p) => n + store.queryPathInfo(p).narSize, 0), todo.length);
    try {
        // NARs in parallel (dumped on worker threads, compressed by children, uploaded); narinfos
        // strictly in order.
        const prepare = async (p) => {
            const pi = store.queryPathInfo(p);
            emit({ kind: "start", path: p, narSize: pi.narSize });
            const id = randomBytes(6).toString("hex");
            const d = await narPool.dump({
                source: store.realPath(p),
                nar: path.join(tmp, `${id}.nar`),
                compression,
                ...(compression !== "none" ? { compressed: path.join(tmp, `${id}${narExtension(compression)}`) } : {}),
            });
            try {
                const got = { algo: "sha256", bytes: d.narHash };
                // Never publish a NAR that does not match what the store recorded (a corrupted object).
                if (!hashEqual(got, parseHash(pi.narHash)) || d.narSize !== pi.narSize) {
                    throw new CairnError("E_NAR_MISMATCH", `path '${p}' was modified in the store (run cairn verify --check-contents); specified: ${pi.narHash}; got: ${printHash(got, "nix32", true)}`, { path: p, expected: pi.narHash, actual: printHash(got, "nix32", true) });
                }
                const fileHash = { algo: "sha256", bytes: d.fileHash };
                const url = `nar/${printHash(fileHash, "nix32")}${narExtension(compression)}`;
                // Content-named: an existing file with this name has these bytes.
                if (!(await cache.transport.exists(url))) {
                    await cache.transport.upload(url, { file: d.file, move: true }, compression === "none" ? "application/x-nix-nar" : compression === "xz" ? "application/x-xz" : "application/zstd");
                }
                return makeNarInfo(store, p, { url, compression, fileHash, fileSize: d.fileSize }, opts.secretKey);
            }
            finally {
                fs.rmSync(d.file, { force: true });
            }
        };
        const copied = [];
        await pipeline(todo, Math.max(jobs, narPool.size * 2), prepare, async (p, info) => {
            await cache.transport.upload(narInfoFileFor(storeDir, p), { bytes: Buffer.from(printNarInfo(info)) }, "text/x-nix-narinfo");
            copied.push(p);
            emit({ kind: "done", path: p, narSize: info.narSize });
        });
        return { copied, skipped: [...present].sort(compareUtf8) };
    }
    finally {
        await narPool.close();
        removeTree(tmp);
    }
}
// ---- signing local paths -------------------------------------------------------------------
/** Add `sk`'s signature to each path's recorded info (Nix: `nix store sign`). Returns how many changed. */
export function signPaths(store, paths, sk) {
    let n = 0;
    for (const p of paths) {
        const pi = store.queryPathInfo(p);
        if (pi === undefined)
            throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
        const sig = signDetached(sk, narInfoFingerprint({ storePath: p, narHash: parseHash(pi.narHash), narSize: pi.narSize, references: pi.references }));
        if (pi.sigs.includes(sig))
            continue;
        store.updatePathInfo({ ...pi, sigs: [...pi.sigs, sig] });
        n++;
    }
    return n;
}
/**
 * Try to make `paths` valid from `caches` (in order), each with its closure. For the builder:
 * what is substituted need not be built; what failed is built, and the reasons say why
 * (`--verbose`). Never throws for a path that a cache lacks or cannot vouch for.
 */
export async function substitute(store, paths, caches, trustedKeys, opts = {}) {
    const res = { substituted: new Map(), failed: new Map() };
    const opened = caches.map((u) => BinaryCache.open(u, opts));
    for (const p of paths) {
        if (store.isValidPath(p))
            continue;
        const reasons = [];
        for (const cache of opened) {
            try {
                await copyFromCache(store, cache, [p], { ...opts, trustedKeys, checkSigs: true });
                res.substituted.set(p, cache.url);
                break;
            }
            catch (e) {
                if (!(e instanceof CairnError))
                    throw e;
                reasons.push(`${cache.url}: ${e.message}`);
            }
        }
        if (!res.substituted.has(p))
            res.failed.set(p, reasons.length > 0 ? reasons : ["no substituters configured"]);
    }
    return res;
}
//# sourceMappingURL=binary-cache.js.map