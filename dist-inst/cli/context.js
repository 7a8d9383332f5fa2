// What every command gets from cli/main.ts: configuration resolved from flags and environment
// (main.ts alone reads process.env/argv), and the helpers to open the store and print.
import fs from "node:fs";
import path from "node:path";
import { Layout } from "../store/layout.js";
export function resolveLayout(ctx, opts) {
    const root = opts.root ??
        ctx.env.CAIRN_ROOT ??
        path.join(ctx.env.XDG_DATA_HOME ?? path.join(ctx.env.HOME ?? "/", ".local/share"), "cairn");
    const storeDir = opts.storeDir ?? ctx.env.CAIRN_STORE_DIR;
    return new Layout(root, storeDir);
}
/** Where type-stripped recipes are cached: $XDG_CACHE_HOME/cairn/recipes. */
export function recipeCacheDir(ctx) {
    return path.join(ctx.env.XDG_CACHE_HOME ?? path.join(ctx.env.HOME ?? "/", ".cache"), "cairn", "recipes");
}
/** Where evaluations are cached (cli/eval-cache.ts): $XDG_CACHE_HOME/cairn/eval. */
export function evalCacheDir(ctx) {
    return path.join(ctx.env.XDG_CACHE_HOME ?? path.join(ctx.env.HOME ?? "/", ".cache"), "cairn", "eval");
}
/** Loaded on demand: lmdb costs ~70 ms to import, which `hash` and `dump` should not pay. */
export async function openStore(ctx, opts) {
    const { LocalStore } = await import("../store/local-store.js");
    return LocalStore.open(resolveLayout(ctx, opts), ctx.hooks);
}
/**
 * The store, opened on first use (the first `await`, `then` or `catch`). Commands that evaluate a
 * recipe hand their evaluation thread its work first: opening the store (loading LMDB, reading the
 * database) would otherwise delay that on this thread, and the evaluation is what they wait for.
 */
export class LazyStore {
    open;
    opened;
    constructor(open) {
        this.open = open;
    }
    then(ok, fail) {
        this.opened ??= this.open();
        return this.opened.then(ok, fail);
    }
    /** Close the store if it was opened (errors opening it were reported to whoever awaited it). */
    async close() {
        await this.opened?.then((s) => s.close(), () => { });
    }
}
const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Write all of `data` to an fd, synchronously; copes with non-blocking pipes. */
export function writeAll(fd, data) {
    const buf = typeof data === "string" ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) {
        try {
            off += fs.writeSync(fd, buf, off, buf.length - off);
        }
        catch (e) {
            if (e.code === "EAGAIN")
                Atomics.wait(sleeper, 0, 0, 2);
            else
                throw e;
        }
    }
}
export const out = (s) => writeAll(1, s);
export const err = (s) => writeAll(2, s);
/**
 * A store path given on the command line, where a symlink into the store (`./result`) stands for
 * its target, as Nix's followLinksToStorePath.
 */
export function followLinksToStorePath(layout, arg) {
    let p = arg;
    for (let i = 0; i < 40 && !p.startsWith(`${layout.storeDir}/`); i++) {
        const abs = path.resolve(p);
        if (abs.startsWith(`${layout.realStoreDir}/`))
            return `${layout.storeDir}/${abs.slice(layout.realStoreDir.length + 1).split("/")[0]}`;
        let target;
        try {
            target = fs.readlinkSync(abs);
        }
        catch {
            return arg;
        }
        p = path.resolve(path.dirname(abs), target);
    }
    return p.startsWith(`${layout.storeDir}/`) ? `${layout.storeDir}/${p.slice(layout.storeDir.length + 1).split("/")[0]}` : arg;
}
//# sourceMappingURL=context.js.map