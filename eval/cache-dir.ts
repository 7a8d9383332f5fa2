// Upkeep of cairn's cache directories ($XDG_CACHE_HOME/cairn/recipes, …/eval and …/code): files sit
// in subdirectories by the first two characters of their key; each use sets a file's time, and a
// write removes the files not used for KEEP_MS, or the cache's own time (recipes come and go; a
// rebuilt cairn has new keys).
// The time comes from node:perf_hooks, not the globals the evaluation thread watches (purity.ts).
import fs from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { threadId } from "node:worker_threads";

export const KEEP_MS = 30 * 24 * 3600 * 1000;

const nowSeconds = () => (performance.timeOrigin + performance.now()) / 1000;

/** Where the entry for `key` lives under `dir`. */
export function entryFile(dir: string, key: string, ext: string): string {
  return path.join(dir, key.slice(0, 2), `${key}${ext}`);
}

/**
 * Write `file` (an entry under `dir`) atomically, then prune `dir` of what was not used for
 * `keepMs`. Best effort: a cache that cannot be written only costs time.
 */
export function writeEntry(dir: string, file: string, data: string | Uint8Array, keepMs = KEEP_MS): void {
  const tmp = `${file}.${process.pid}.${threadId}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // ENOTDIR: the cache's place is a file, so no temp file was made
    }
    return;
  }
  prune(dir, keepMs);
}

/** Mark `file` used now (best effort). */
export function touch(file: string): void {
  try {
    const t = nowSeconds();
    fs.utimesSync(file, t, t);
  } catch {
    /* gone meanwhile: nothing to keep */
  }
}

/** Remove the files under `dir`'s subdirectories not used for `keepMs`. */
export function prune(dir: string, keepMs = KEEP_MS): void {
  const old = nowSeconds() * 1000 - keepMs;
  for (const sub of namesIn(dir)) {
    const d = path.join(dir, sub);
    for (const name of namesIn(d)) {
      const f = path.join(d, name);
      const st = fs.statSync(f, { throwIfNoEntry: false });
      if (st !== undefined && st.isFile() && st.mtimeMs < old) fs.rmSync(f, { force: true });
    }
  }
}

function namesIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
