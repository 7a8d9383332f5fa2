// builtin:fetchurl — the fetcher cairn runs itself for `fetchurl` derivations, outside any
// sandbox: no derivation code ever holds network access. The result is checked against the
// declared hash by the caller, like any fixed output. Nix: src/libstore/builtins/fetchurl.cc.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { CairnError } from "../store/format/index.js";
import { restorePath } from "../store/nar-fs.js";
const sleep = (ms, signal) => new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(new CairnError("E_CANCELLED", "cancelled"))), { once: true });
});
class Transient extends Error {
}
async function download(url, opts) {
    if (url.startsWith("file://")) {
        try {
            return fs.readFileSync(fileURLToPath(url));
        }
        catch (e) {
            throw new CairnError("E_BUILD_FAILED", `cannot fetch '${url}': ${e.code ?? e.message}`, { url });
        }
    }
    if (!/^https?:\/\//.test(url)) {
        throw new CairnError("E_BUILD_FAILED", `cannot fetch '${url}': only file://, http:// and https:// URLs are supported`, { url });
    }
    let res;
    try {
        res = await fetch(url, { ...(opts.signal ? { signal: opts.signal } : {}), redirect: "follow" });
    }
    catch (e) {
        if (opts.signal?.aborted)
            throw new CairnError("E_CANCELLED", "cancelled");
        throw new Transient(`cannot fetch '${url}': ${e.message}`);
    }
    if (res.status >= 500 || res.status === 429)
        throw new Transient(`cannot fetch '${url}': HTTP ${res.status}`);
    if (!res.ok)
        throw new CairnError("E_BUILD_FAILED", `cannot fetch '${url}': HTTP ${res.status} ${res.statusText}`, { url, status: res.status });
    const len = Number(res.headers.get("content-length") ?? NaN);
    const total = Number.isFinite(len) ? len : undefined;
    const chunks = [];
    let received = 0;
    if (res.body) {
        for await (const c of res.body) {
            const b = Buffer.from(c);
            chunks.push(b);
            received += b.length;
            opts.progress?.(received, total);
        }
    }
    return Buffer.concat(chunks);
}
/** Download `url` (with retries on transient errors) to `dest`, as a file or an unpacked NAR. */
export async function builtinFetchurl(env, dest, opts = {}) {
    const url = env.get("url");
    if (url === undefined)
        throw new CairnError("E_BAD_DERIVATION", "builtin:fetchurl needs a 'url' attribute");
    const attempts = opts.attempts ?? 4;
    let data;
    for (let i = 1; data === undefined; i++) {
        try {
            data = await download(url, opts);
        }
        catch (e) {
            if (!(e instanceof Transient) || i >= attempts) {
                if (e instanceof Transient)
                    throw new CairnError("E_BUILD_FAILED", `${e.message} (after ${i} attempts)`, { url });
                throw e;
            }
            await sleep(250 * 2 ** (i - 1), opts.signal);
        }
    }
    if (env.get("unpack") === "1") {
        let off = 0;
        restorePath(dest, (n) => {
            const c = data.subarray(off, off + n);
            off += c.length;
            return c;
        }, () => off >= data.length);
        return;
    }
    fs.writeFileSync(dest, data, { flag: "wx", mode: env.get("executable") === "1" ? 0o755 : 0o644 });
}
//# sourceMappingURL=fetchurl.js.map