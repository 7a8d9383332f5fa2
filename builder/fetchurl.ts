// builtin:fetchurl — the fetcher cairn runs itself for `fetchurl` derivations, outside any
// sandbox: no derivation code ever holds network access. The result is checked against the
// declared hash by the caller, like any fixed output. Nix: src/libstore/builtins/fetchurl.cc.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { CairnError } from "../store/format/index.js";
import { restorePath } from "../store/nar-fs.js";

export interface FetchProgress {
  (received: number, total: number | undefined): void;
}

export interface FetchOptions {
  signal?: AbortSignal;
  progress?: FetchProgress;
  /** Attempts for transient failures (connection errors, 5xx, 429). */
  attempts?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(new CairnError("E_CANCELLED", "cancelled"))), { once: true });
  });

class Transient extends Error {}

async function download(url: string, opts: FetchOptions): Promise<Buffer> {
  if (url.startsWith("file://")) {
    try {
      return fs.readFileSync(fileURLToPath(url));
    } catch (e) {
      throw new CairnError("E_BUILD_FAILED", `cannot fetch '${url}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { url });
    }
  }
  if (!/^https?:\/\//.test(url)) {
    throw new CairnError("E_BUILD_FAILED", `cannot fetch '${url}': only file://, http:// and https:// URLs are supported`, { url });
  }
  let res: Response;
  try {
    res = await fetch(url, { ...(opts.signal ? { signal: opts.signal } : {}), redirect: "follow" });
  } catch (e) {
    if (opts.signal?.aborted) throw new CairnError("E_CANCELLED", "cancelled");
    throw new Transient(`cannot fetch '${url}': ${(e as Error).message}`);
  }
  if (res.status >= 500 || res.status === 429) throw new Transient(`cannot fetch '${url}': HTTP ${res.status}`);
  if (!res.ok) throw new CairnError("E_BUILD_FAILED", `cannot fetch '${url}': HTTP ${res.status} ${res.statusText}`, { url, status: res.status });
  const len = Number(res.headers.get("content-length") ?? NaN);
  const total = Number.isFinite(len) ? len : undefined;
  const chunks: Buffer[] = [];
  let received = 0;
  if (res.body) {
    for await (const c of res.body) {
      const b = Buffer.from(c as Uint8Array);
      chunks.push(b);
      received += b.length;
      opts.progress?.(received, total);
    }
  }
  return Buffer.concat(chunks);
}

/** Download `url` (with retries on transient errors) to `dest`, as a file or an unpacked NAR. */
export async function builtinFetchurl(env: ReadonlyMap<string, string>, dest: string, opts: FetchOptions = {}): Promise<void> {
  const url = env.get("url");
  if (url === undefined) throw new CairnError("E_BAD_DERIVATION", "builtin:fetchurl needs a 'url' attribute");
  const attempts = opts.attempts ?? 4;
  let data: Buffer | undefined;
  for (let i = 1; data === undefined; i++) {
    try {
      data = await download(url, opts);
    } catch (e) {
      if (!(e instanceof Transient) || i >= attempts) {
        if (e instanceof Transient) throw new CairnError("E_BUILD_FAILED", `${e.message} (after ${i} attempts)`, { url });
        throw e;
      }
      await sleep(250 * 2 ** (i - 1), opts.signal);
    }
  }
  if (env.get("unpack") === "1") {
    let off = 0;
    restorePath(
      dest,
      (n) => {
        const c = data.subarray(off, off + n);
        off += c.length;
        return c;
      },
      () => off >= data.length,
    );
    return;
  }
  fs.writeFileSync(dest, data, { flag: "wx", mode: env.get("executable") === "1" ? 0o755 : 0o644 });
}
