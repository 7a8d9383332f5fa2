// Upkeep of cairn's cache directories ($XDG_CACHE_HOME/cairn/recipes and …/eval): files sit in
// subdirectories by the first two characters of their key; each use sets a file's time, and a
// write removes the files not used for KEEP_MS (recipes come and go; a rebuilt cairn has new keys).
// The time comes from node:perf_hooks, not the globals the evaluation thread watches (purity.ts).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
export const KEEP_MS = 30 * 24 * 3600 * 1000;
const nowSeconds = () => (performance.timeOrigin + performance.now()) / 1000;
/** Mark `file` used now (best effort). */
export function touch(file) {
    try {
        const t = nowSeconds();
        fs.utimesSync(file, t, t);
    }
    catch {
        /* gone meanwhile: nothing to keep */
    }
}
/** Remove the files under `dir`'s subdirectories not used for `keepMs`. */
export function prune(dir, keepMs = KEEP_MS) {
    const old = nowSeconds() * 1000 - keepMs;
    for (const sub of namesIn(dir)) {
        const d = path.join(dir, sub);
        for (const name of namesIn(d)) {
            const f = path.join(d, name);
            const st = fs.statSync(f, { throwIfNoEntry: false });
            if (st !== undefined && st.isFile() && st.mtimeMs < old)
                fs.rmSync(f, { force: true });
        }
    }
}
function namesIn(dir) {
    try {
        return fs.readdirSync(dir);
    }
    catch {
        return [];
    }
}
//# sourceMappingURL=cache-dir.js.map