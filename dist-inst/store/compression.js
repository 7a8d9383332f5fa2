// NAR file compression for binary caches: none, xz, zstd, through Debian's `xz` and `zstd`.
// Nix: src/libutil/compression.cc (liblzma, libzstd via libarchive).
// Why the binaries rather than an npm add-on: they are multi-threaded (-T0), liblzma/libzstd
// themselves (well kept, in every distro), need no native build or downloaded prebuilt (npm here
// runs no install scripts), and run outside Node, so (de)compression overlaps with the NAR work
// of the thread that drives them. Compression goes file -> child -> file; decompression streams
// the child's output straight into the NAR parser (no decompressed copy on disk).
// Measured on a 100 MB NAR in bench/README.md ("binary cache compression").
// node:child_process rather than execa: execa costs ~90 ms to import (see store/syncfs.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { CairnError } from "./format/index.js";
export const COMPRESSIONS = ["none", "xz", "zstd"];
/** The NAR file's suffix in a cache, as Nix names it. */
export function narExtension(c) {
    return c === "none" ? ".nar" : c === "xz" ? ".nar.xz" : ".nar.zst";
}
/** Compression names cairn reads; Nix's others (bzip2, br, lz4, lzip, gzip) are refused by name. */
export function checkCompression(name, where = "narinfo") {
    if (name === "none" || name === "xz" || name === "zstd")
        return name;
    throw new CairnError("E_BAD_COMPRESSION", `${where}: compression '${name.slice(0, 40)}' is not supported (cairn reads none, xz and zstd)`, { compression: name.slice(0, 40) });
}
// By absolute path first: a caller's PATH need not contain them.
const bin = (name) => [`/usr/bin/${name}`, `/bin/${name}`].find((p) => fs.existsSync(p)) ?? name;
function command(c, decompress) {
    // -T0: all cores. xz -6 and zstd -3 are the levels Nix uses by default (compression-level -1).
    if (c === "xz")
        return [bin("xz"), decompress ? ["-d", "-c", "-q", "-T0"] : ["-c", "-q", "-6", "-T0"]];
    return [bin("zstd"), decompress ? ["-d", "-c", "-q", "--no-progress"] : ["-c", "-q", "-3", "-T0", "--no-progress"]];
}
/** Why a (de)compressor failed, from its exit status and the first line of its stderr. */
function codecError(c, decompress, status, stderr) {
    const why = Buffer.concat(stderr).toString().trim().split("\n")[0]?.replace(/^[^:]*: /, "") ?? "";
    return new CairnError("E_BAD_COMPRESSION", `${decompress ? "cannot decompress" : "cannot compress"} ${c} data${why ? `: ${why}` : ` (exit ${status})`}`, { compression: c, status });
}
/** The error for decompressed output beyond what the (signed) NarSize allows: a bomb or a lie. */
export function outputTooLarge(c, maxBytes) {
    return new CairnError("E_BAD_COMPRESSION", `cannot decompress ${c} data: its output exceeds ${maxBytes} bytes`, { compression: c, maxBytes });
}
/** Compress file `src` into the new file `dest` (mode 0600) in a child process. */
export async function compressFile(src, dest, c) {
    const [cmd, args] = command(c, false);
    const input = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let output;
    try {
        output = fs.openSync(dest, "wx", 0o600);
    }
    catch (e) {
        fs.closeSync(input);
        throw e;
    }
    try {
        const child = spawn(cmd, args, { stdio: [input, output, "pipe"] });
        const stderr = collect(child.stderr);
        const status = await exitOf(child, cmd);
        if (status !== 0)
            throw codecError(c, false, status, stderr);
    }
    finally {
        fs.closeSync(input);
        fs.closeSync(output);
    }
}
/**
 * Decompress the open file `fd` in a child process; `onChunk` gets the output as it arrives and
 * may throw to stop (the child is killed). Output beyond `maxBytes` is refused.
 */
export async function decompressStream(fd, c, maxBytes, onChunk) {
    const [cmd, args] = command(c, true);
    const child = spawn(cmd, args, { stdio: [fd, "pipe", "pipe"] });
    const stderr = collect(child.stderr);
    const exited = exitOf(child, cmd);
    exited.catch(() => { }); // observed below
    let failure;
    let total = 0;
    try {
        for await (const chunk of child.stdout) {
            total += chunk.length;
            if (total > maxBytes)
                throw outputTooLarge(c, maxBytes);
            onChunk(chunk);
        }
    }
    catch (e) {
        failure = e;
        child.kill("SIGKILL");
    }
    const status = await exited;
    // Once we stopped reading, the child dies of it (SIGPIPE, EPIPE, ECONNRESET, our SIGKILL):
    // our reason stands. A child that fails on its own (not its format, corrupt) ends the stream
    // first, and is named here.
    if (failure !== undefined)
        throw failure;
    if (status !== 0)
        throw codecError(c, true, status, stderr);
}
function collect(stream) {
    const parts = [];
    let n = 0;
    stream.on("data", (b) => {
        // Only the first line is reported: a babbling child must not fill memory.
        if (n < 4096)
            parts.push(b);
        n += b.length;
    });
    return parts;
}
function exitOf(child, cmd) {
    return new Promise((resolve, reject) => {
        child.on("error", (e) => reject(new CairnError("E_BAD_COMPRESSION", `cannot run ${cmd}: ${e.code ?? e.message}`, { command: cmd })));
        child.on("close", (code, signal) => resolve(code ?? String(signal)));
    });
}
//# sourceMappingURL=compression.js.map