// The work on one path's NAR in a copy, the same on a worker thread (store/nar-pool.ts) and in
// the calling thread: restore a cache's NAR file into a store object's temp tree (copy --from),
// or dump a store object into a cache's NAR file (copy --to). Each hashes what it reads or
// writes; the caller decides what the hashes mean. Nix: the restorePath/dumpPath halves of
// copyStorePath (store-api.cc) and BinaryCacheStore::addToStore.
import fs from "node:fs";
import { CairnError, Hasher, NarPushParser, parseNarFrom } from "./format/index.js";
import { compressFile, decompressStream, outputTooLarge } from "./compression.js";
import { FdReader } from "./fd-reader.js";
import { FsSink } from "./fs-sink.js";
import { dumpPath } from "./nar-fs.js";
/**
 * Parse a NAR from a pull source into `sink`, passing each chunk to `hash` (unless the source
 * hashes what it hands out itself); no more than `max` bytes, nothing after it.
 */
function parseInto(read, atEnd, sink, hash, max) {
    let seen = 0;
    const size = parseNarFrom(read, sink, (c) => {
        seen += c.length;
        if (seen > max)
            throw new CairnError("E_SIZE_MISMATCH", `NAR is larger than the ${max} bytes expected`, { expected: max });
        hash?.(c);
    });
    if (!atEnd()) {
        throw new CairnError("E_NAR_FORMAT", `trailing data after the NAR's ${size} bytes`, { reason: "trailing-data", offset: size });
    }
    return size;
}
/**
 * Restore a NAR from a pull source into `dest` as a canonical store tree (modes 0444/0555,
 * mtime 1), in this thread, hashing it as it is parsed. Trailing bytes after the NAR are an error.
 */
export function restoreNar(read, atEnd, dest, opts = {}) {
    const sink = new FsSink(dest, { canonical: true, fsyncEach: false, ...(opts.onEntry ? { onEntry: opts.onEntry } : {}) });
    const hasher = new Hasher("sha256");
    try {
        const narSize = parseInto(read, atEnd, sink, (c) => hasher.update(c), opts.maxSize ?? Number.MAX_SAFE_INTEGER);
        return { narHash: hasher.digest().bytes, narSize, entries: sink.entries };
    }
    finally {
        sink.abandon();
    }
}
/** Restore a (compressed) NAR file: see RestoreJob. */
export async function restoreNarFile(job, opts = {}) {
    const fd = openInput(job.file);
    let sink;
    try {
        sink =
            opts.writer !== undefined
                ? opts.writer.sink(job.dest, opts.onEntry)
                : new FsSink(job.dest, { canonical: true, fsyncEach: false, ...(opts.onEntry ? { onEntry: opts.onEntry } : {}) });
    }
    catch (e) {
        fs.closeSync(fd);
        throw e;
    }
    const hasher = new Hasher("sha256");
    try {
        let narSize;
        if (job.compression === "none") {
            // The reader hashes what the parser consumed in big runs, not token by token.
            const r = new FdReader(fd, (c) => hasher.update(c));
            narSize = parseInto((n) => r.read(n), () => r.atEnd(), sink, undefined, job.maxSize);
            r.flushConsumed();
        }
        else {
            // The decompressor's output goes straight into the parser, chunk by chunk.
            const parser = new NarPushParser(sink, (c) => hasher.update(c));
            await decompressStream(fd, job.compression, job.maxSize, (c) => parser.push(c));
            narSize = parser.end();
            if (narSize > job.maxSize)
                throw outputTooLarge(job.compression, job.maxSize);
        }
        // With a writing thread, the next NAR is parsed while this one is still being written.
        await sink.done();
        return { narHash: hasher.digest().bytes, narSize, entries: sink.entries };
    }
    catch (e) {
        // The writing thread failed (ENOSPC…) and the parse stopped: its own error says why.
        if (e instanceof CairnError && e.data.writerFailed === true)
            await sink.done();
        await sink.cancel();
        throw e;
    }
    finally {
        fs.closeSync(fd);
    }
}
function openInput(file) {
    try {
        return fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    }
    catch (e) {
        const code = e.code;
        throw new CairnError(code === "ENOENT" ? "E_NOT_IN_CACHE" : "E_IO", `cannot read '${file}': ${code}`, { path: file, errno: code });
    }
}
/** Dump a store object into a NAR file, compressed if asked: see DumpJob. */
export async function dumpNarFile(job) {
    const h = new Hasher("sha256");
    let narSize;
    // The compressor reads a scratch file: measured cheaper than writing the NAR to its stdin
    // through a stream (bench/README.md), and bounded in memory whatever the NAR's size.
    const fd = fs.openSync(job.nar, "wx", 0o600);
    try {
        narSize = dumpPath(job.source, (c) => {
            h.update(c);
            for (let off = 0; off < c.length;)
                off += fs.writeSync(fd, c, off);
        });
    }
    finally {
        fs.closeSync(fd);
    }
    const narHash = h.digest().bytes;
    if (job.compression === "none")
        return { narHash, narSize, file: job.nar, fileHash: narHash, fileSize: narSize };
    const out = job.compressed;
    if (out === undefined)
        throw new CairnError("E_USAGE", "dumpNarFile: a compressed NAR needs a file name", {});
    try {
        await compressFile(job.nar, out, job.compression);
    }
    finally {
        fs.rmSync(job.nar, { force: true });
    }
    const fh = new Hasher("sha256");
    const rfd = fs.openSync(out, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let fileSize = 0;
    try {
        const buf = Buffer.allocUnsafe(1 << 20);
        let n;
        while ((n = fs.readSync(rfd, buf, 0, buf.length, null)) > 0) {
            fh.update(buf.subarray(0, n));
            fileSize += n;
        }
    }
    finally {
        fs.closeSync(rfd);
    }
    return { narHash, narSize, file: out, fileHash: fh.digest().bytes, fileSize };
}
//# sourceMappingURL=nar-jobs.js.map