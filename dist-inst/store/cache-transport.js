// Getting files from and putting files into a binary cache: file:// directories and http(s)://
// servers (GET, HEAD, PUT), with retries and backoff on transient failures.
// Nix: src/libstore/local-binary-cache-store.cc, http-binary-cache-store.cc, filetransfer.cc.
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { CairnError, checkNarUrl } from "./format/index.js";
const MAX_TEXT = 1 << 20;
export function openTransport(url, opts = {}) {
    if (url.startsWith("file://"))
        return new FileTransport(url);
    if (url.startsWith("http://") || url.startsWith("https://"))
        return new HttpTransport(url, opts);
    throw new CairnError("E_USAGE", `unsupported binary cache URL '${url}': expected file://, http:// or https://`, { url });
}
/** A relative file name inside a cache: the narinfo URL rules, checked again at every access. */
function safeRel(rel) {
    return checkNarUrl(rel, "cache file");
}
class FileTransport {
    url;
    root;
    constructor(url) {
        this.url = url;
        let p;
        try {
            p = fileURLToPath(url.split("?")[0]);
        }
        catch {
            throw new CairnError("E_USAGE", `invalid file:// URL '${url}'`, { url });
        }
        this.root = path.resolve(p);
    }
    localPath(rel) {
        const p = path.join(this.root, safeRel(rel));
        // Components were checked, so this holds; kept as the last line of defence.
        if (!p.startsWith(this.root + "/"))
            throw new CairnError("E_BAD_NARINFO", `'${rel}' lies outside the cache`, { rel });
        return p;
    }
    async getText(rel) {
        let fd;
        try {
            fd = fs.openSync(this.localPath(rel), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
        }
        catch (e) {
            const code = e.code;
            if (code === "ENOENT")
                return undefined;
            if (e instanceof CairnError)
                throw e;
            throw new CairnError("E_CACHE", `cannot read '${rel}' in ${this.url}: ${code}`, { url: this.url, rel });
        }
        try {
            const st = fs.fstatSync(fd);
            if (!st.isFile())
                throw new CairnError("E_CACHE", `'${rel}' in ${this.url} is not a regular file`, { url: this.url, rel });
            if (st.size > MAX_TEXT)
                throw new CairnError("E_BAD_NARINFO", `'${rel}' in ${this.url} is larger than ${MAX_TEXT} bytes`, { rel });
            return fs.readFileSync(fd, "utf8");
        }
        finally {
            fs.closeSync(fd);
        }
    }
    async exists(rel) {
        return fs.existsSync(this.localPath(rel));
    }
    async download(rel, dest, onChunk) {
        const fd = this.openNar(rel);
        const out = fs.openSync(dest, "wx", 0o600);
        try {
            const buf = Buffer.allocUnsafe(1 << 20);
            for (;;) {
                const n = fs.readSync(fd, buf, 0, buf.length, null);
                if (n === 0)
                    break;
                onChunk(buf.subarray(0, n));
                fs.writeSync(out, buf, 0, n);
            }
        }
        finally {
            fs.closeSync(fd);
            fs.closeSync(out);
        }
    }
    /** Open a file of the cache for reading, refusing symlinks and missing files by name. */
    openNar(rel) {
        try {
            return fs.openSync(this.localPath(rel), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
        }
        catch (e) {
            if (e instanceof CairnError)
                throw e;
            const code = e.code;
            throw new CairnError(code === "ENOENT" ? "E_NOT_IN_CACHE" : "E_CACHE", `cannot read '${rel}' in ${this.url}: ${code}`, {
                url: this.url,
                rel,
            });
        }
    }
    async upload(rel, src) {
        const dest = this.localPath(rel);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        if ("file" in src && src.move) {
            try {
                fs.chmodSync(src.file, 0o644);
                fs.renameSync(src.file, dest);
                return;
            }
            catch (e) {
                if (e.code !== "EXDEV") {
                    throw new CairnError("E_CACHE", `cannot write '${rel}' to ${this.url}: ${e.code}`, { url: this.url, rel });
                }
                // Another file system: copy below.
            }
        }
        // Temp name then rename: a reader never sees half a NAR or half a narinfo.
        const tmp = `${dest}.tmp-${randomBytes(6).toString("hex")}`;
        try {
            if ("file" in src)
                fs.copyFileSync(src.file, tmp);
            else
                fs.writeFileSync(tmp, src.bytes, { flag: "wx", mode: 0o644 });
            fs.chmodSync(tmp, 0o644);
            fs.renameSync(tmp, dest);
        }
        catch (e) {
            fs.rmSync(tmp, { force: true });
            throw new CairnError("E_CACHE", `cannot write '${rel}' to ${this.url}: ${e.code ?? e.message}`, {
                url: this.url,
                rel,
            });
        }
    }
}
/** An HTTP status or network error worth retrying. */
class Transient extends Error {
}
class HttpTransport {
    url;
    opts;
    base;
    attempts;
    backoffMs;
    stallMs;
    constructor(url, opts) {
        this.url = url;
        this.opts = opts;
        this.base = url.split("?")[0].replace(/\/+$/, "");
        this.attempts = opts.attempts ?? 5;
        this.backoffMs = opts.backoffMs ?? 200;
        this.stallMs = opts.stallMs ?? 300_000;
    }
    /**
     * fetch() with a watchdog: the request is aborted when no progress was seen for stallMs
     * (a server that accepts and then says nothing must not hang a copy). `progress` re-arms it.
     */
    async request(u, init, f) {
        const ac = new AbortController();
        let timer;
        const progress = () => {
            clearTimeout(timer);
            timer = setTimeout(() => ac.abort(new Transient(`no data for ${this.stallMs / 1000} s`)), this.stallMs);
            timer.unref();
        };
        progress();
        try {
            const res = await fetch(u, { ...init, redirect: "error", signal: ac.signal }).catch((e) => {
                throw ac.signal.aborted ? ac.signal.reason : e;
            });
            await f(res, progress).catch((e) => {
                throw ac.signal.aborted && !(e instanceof CairnError) ? ac.signal.reason : e;
            });
        }
        finally {
            clearTimeout(timer);
        }
    }
    target(rel) {
        return `${this.base}/${safeRel(rel)}`;
    }
    /** Run `f` until it succeeds, retrying on Transient with exponential backoff and jitter. */
    async retry(what, f) {
        for (let attempt = 1;; attempt++) {
            try {
                return await f();
            }
            catch (e) {
                const transient = e instanceof Transient || (e instanceof TypeError && !(e instanceof CairnError));
                if (!transient || attempt >= this.attempts) {
                    if (e instanceof CairnError)
                        throw e;
                    throw new CairnError("E_CACHE", `${what}: ${describe(e)}${transient ? ` (after ${attempt} attempts)` : ""}`, { url: this.url });
                }
                this.opts.onRetry?.(what, attempt, describe(e));
                const delay = this.backoffMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
                await new Promise((r) => setTimeout(r, delay));
            }
        }
    }
    check(res, what) {
        if (res.status >= 500 || res.status === 429 || res.status === 408)
            throw new Transient(`HTTP ${res.status}`);
        if (!res.ok)
            throw new CairnError("E_CACHE", `${what}: HTTP ${res.status} ${res.statusText}`, { url: this.url, status: res.status });
    }
    async getText(rel) {
        const u = this.target(rel);
        return this.retry(`GET ${u}`, async () => {
            let text;
            await this.request(u, {}, async (res, progress) => {
                if (res.status === 404 || res.status === 403) {
                    await res.body?.cancel();
                    return;
                }
                this.check(res, `GET ${u}`);
                // Read at most MAX_TEXT bytes, whatever the server sends or claims.
                const parts = [];
                let n = 0;
                try {
                    for await (const chunk of (res.body ?? [])) {
                        progress();
                        n += chunk.length;
                        if (n > MAX_TEXT)
                            throw new CairnError("E_BAD_NARINFO", `${u} is larger than ${MAX_TEXT} bytes`, { url: u });
                        parts.push(chunk);
                    }
                }
                catch (e) {
                    if (e instanceof CairnError)
                        throw e;
                    throw new Transient(`transfer interrupted: ${describe(e)}`);
                }
                text = Buffer.concat(parts).toString("utf8");
            });
            return text;
        });
    }
    async exists(rel) {
        const u = this.target(rel);
        return this.retry(`HEAD ${u}`, async () => {
            let found = false;
            await this.request(u, { method: "HEAD" }, async (res) => {
                if (res.status === 404 || res.status === 403)
                    return;
                this.check(res, `HEAD ${u}`);
                found = true;
            });
            return found;
        });
    }
    async download(rel, dest, onChunk, onRestart) {
        const u = this.target(rel);
        let first = true;
        await this.retry(`GET ${u}`, async () => {
            // A retry starts the file over (and the caller's hash, through onRestart).
            if (!first)
                onRestart?.();
            first = false;
            const out = fs.openSync(dest, "w", 0o600);
            try {
                await this.request(u, {}, async (res, progress) => {
                    if (res.status === 404) {
                        await res.body?.cancel();
                        throw new CairnError("E_NOT_IN_CACHE", `${u} does not exist`, { url: u });
                    }
                    this.check(res, `GET ${u}`);
                    if (res.body === null)
                        throw new Transient("empty body");
                    try {
                        for await (const chunk of res.body) {
                            progress();
                            onChunk(chunk);
                            fs.writeSync(out, chunk);
                        }
                    }
                    catch (e) {
                        if (e instanceof CairnError)
                            throw e;
                        throw new Transient(`transfer interrupted: ${describe(e)}`);
                    }
                });
            }
            finally {
                fs.closeSync(out);
            }
        });
    }
    async upload(rel, src, contentType) {
        const u = this.target(rel);
        await this.retry(`PUT ${u}`, async () => {
            const body = "file" in src ? Readable.toWeb(fs.createReadStream(src.file)) : Buffer.from(src.bytes);
            const size = "file" in src ? fs.statSync(src.file).size : src.bytes.length;
            await this.request(u, {
                method: "PUT",
                body,
                headers: { "content-type": contentType, "content-length": String(size) },
                ...("file" in src ? { duplex: "half" } : {}),
            }, async (res) => {
                await res.body?.cancel();
                this.check(res, `PUT ${u}`);
            });
        });
    }
}
function describe(e) {
    const err = e;
    if (err.cause?.code)
        return err.cause.code;
    if (err.cause?.message)
        return err.cause.message;
    return err.message ?? String(e);
}
//# sourceMappingURL=cache-transport.js.map