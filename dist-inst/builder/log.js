// Build logs: one per derivation, gzip-compressed, capped, under ROOT/var/log/cairn/drvs/<xx>/<rest>.gz
// (Nix: /nix/var/log/nix/drvs/<xx>/<rest>.bz2, written by LocalDerivationGoal, read by `nix log`).
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { randomBytes } from "node:crypto";
/** Nix's default is unlimited; a runaway builder should not fill the disk. */
export const DEFAULT_LOG_LIMIT = 64 * 1024 * 1024;
export function logPathOf(logDir, drvPath) {
    const base = path.basename(drvPath);
    return path.join(logDir, base.slice(0, 2), `${base.slice(2)}.gz`);
}
/** Collects a build's output: compressed to a temp file, renamed into place at the end. */
export class LogWriter {
    dest;
    limit;
    gz = zlib.createGzip();
    tmp;
    file;
    written = 0;
    truncated = false;
    partial = "";
    /** The last complete non-empty line, for the progress display. */
    lastLine = "";
    /** The last lines (for the failure message). */
    tail = [];
    constructor(dest, limit = DEFAULT_LOG_LIMIT) {
        this.dest = dest;
        this.limit = limit;
        fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o755 });
        this.tmp = `${dest}.tmp-${randomBytes(4).toString("hex")}`;
        this.file = fs.createWriteStream(this.tmp, { mode: 0o644 });
        this.gz.pipe(this.file);
    }
    write(chunk) {
        if (!this.truncated) {
            const room = this.limit - this.written;
            const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
            this.gz.write(part);
            this.written += part.length;
            if (chunk.length > room) {
                this.truncated = true;
                this.gz.write(`\n[cairn: log truncated after ${this.limit} bytes]\n`);
            }
        }
        const text = this.partial + chunk.toString("utf8");
        const lines = text.split("\n");
        this.partial = lines.pop() ?? "";
        if (this.partial.length > 4096)
            this.partial = this.partial.slice(-4096);
        for (const l of lines) {
            if (l.trim() === "")
                continue;
            this.lastLine = l;
            this.tail.push(l);
            if (this.tail.length > 10)
                this.tail.shift();
        }
    }
    lastLines() {
        return this.partial.trim() !== "" ? [...this.tail, this.partial].slice(-10) : [...this.tail];
    }
    async close() {
        await new Promise((resolve, reject) => {
            this.file.on("close", resolve);
            this.file.on("error", reject);
            this.gz.end();
        });
        fs.renameSync(this.tmp, this.dest);
    }
}
/** The stored log of a derivation, or undefined. */
export function readLog(logDir, drvPath) {
    try {
        return zlib.gunzipSync(fs.readFileSync(logPathOf(logDir, drvPath)));
    }
    catch (e) {
        if (e.code === "ENOENT")
            return undefined;
        throw e;
    }
}
/** Control characters (except newline and tab) as visible escapes, so a log cannot drive the terminal. */
export function escapeControl(text) {
    // eslint-disable-next-line no-control-regex
    return text.replace(/[\x00-\x08\x0b-\x1f\x7f\x9b]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
//# sourceMappingURL=log.js.map