// Durability for many files at once. Node has no syncfs(2); coreutils' `sync -f DIR` calls it.
// One syncfs before the registering transaction replaces thousands of per-file fsyncs (measured:
// bench/README.md). node:child_process rather than execa here: importing execa costs ~90 ms,
// the spawn itself ~3 ms, and `cairn add` is a short-lived CLI.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { CairnError } from "./format/errors.js";
// By absolute path first: a caller's PATH need not contain coreutils.
const SYNC = ["/usr/bin/sync", "/bin/sync"].find((p) => fs.existsSync(p)) ?? "sync";
export function syncFileSystem(dir) {
    const r = spawnSync(SYNC, ["-f", dir], { stdio: ["ignore", "ignore", "pipe"] });
    if (r.error || r.status !== 0) {
        throw new CairnError("E_IO", `cannot sync the file system of '${dir}': ${r.error?.message ?? r.stderr.toString().trim()}`, {
            path: dir,
        });
    }
}
/** syncFileSystem without blocking the event loop (worker threads keep being fed meanwhile). */
export async function syncFileSystemAsync(dir) {
    const stderr = [];
    const why = await new Promise((resolve) => {
        const child = spawn(SYNC, ["-f", dir], { stdio: ["ignore", "ignore", "pipe"] });
        child.stderr.on("data", (b) => stderr.push(b));
        child.on("error", (e) => resolve(e.message));
        child.on("close", (code, signal) => resolve(code === 0 ? undefined : (Buffer.concat(stderr).toString().trim() || `exit ${code ?? signal}`)));
    });
    if (why !== undefined)
        throw new CairnError("E_IO", `cannot sync the file system of '${dir}': ${why}`, { path: dir });
}
export function fsyncDir(dir) {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
        fs.fsyncSync(fd);
    }
    catch (e) {
        throw new CairnError("E_IO", `cannot fsync directory '${dir}': ${e.code}`, { path: dir });
    }
    finally {
        fs.closeSync(fd);
    }
}
/** `fsyncDir` on libuv's thread pool, for callers whose event loop has other work meanwhile. */
export async function fsyncDirAsync(dir) {
    const fh = await fs.promises.open(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
    try {
        await fh.sync();
    }
    catch (e) {
        throw new CairnError("E_IO", `cannot fsync directory '${dir}': ${e.code}`, { path: dir });
    }
    finally {
        await fh.close();
    }
}
//# sourceMappingURL=syncfs.js.map