// NAR file compression for binary caches: none, xz, zstd, through Debian's `xz` and `zstd`.
// Nix: src/libutil/compression.cc (liblzma, libzstd via libarchive).
// Why the binaries rather than an npm add-on: they are multi-threaded (-T0), liblzma/libzstd
// themselves (well kept, in every distro), need no native build or downloaded prebuilt (npm here
// runs no install scripts), and run outside Node, so compression overlaps with the NAR import
// that holds the main thread. Data goes file -> child -> file: no bytes cross the JS heap.
// Measured on a 100 MB NAR in bench/README.md ("binary cache compression").
// node:child_process rather than execa: execa costs ~90 ms to import (see store/syncfs.ts).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { CairnError } from "./format/index.js";

export type Compression = "none" | "xz" | "zstd";

export const COMPRESSIONS: readonly Compression[] = ["none", "xz", "zstd"];

/** The NAR file's suffix in a cache, as Nix names it. */
export function narExtension(c: Compression): string {
  return c === "none" ? ".nar" : c === "xz" ? ".nar.xz" : ".nar.zst";
}

/** Compression names cairn reads; Nix's others (bzip2, br, lz4, lzip, gzip) are refused by name. */
export function checkCompression(name: string, where = "narinfo"): Compression {
  if (name === "none" || name === "xz" || name === "zstd") return name;
  throw new CairnError(
    "E_BAD_COMPRESSION",
    `${where}: compression '${name.slice(0, 40)}' is not supported (cairn reads none, xz and zstd)`,
    { compression: name.slice(0, 40) },
  );
}

// By absolute path first: a caller's PATH need not contain them.
const bin = (name: string) => [`/usr/bin/${name}`, `/bin/${name}`].find((p) => fs.existsSync(p)) ?? name;

function command(c: Exclude<Compression, "none">, decompress: boolean): [string, string[]] {
  // -T0: all cores. xz -6 and zstd -3 are the levels Nix uses by default (compression-level -1).
  if (c === "xz") return [bin("xz"), decompress ? ["-d", "-c", "-q", "-T0"] : ["-c", "-q", "-6", "-T0"]];
  return [bin("zstd"), decompress ? ["-d", "-c", "-q", "--no-progress"] : ["-c", "-q", "-3", "-T0", "--no-progress"]];
}

/**
 * Run the (de)compressor from file `src` into file `dest` (created, mode 0600). `maxBytes`
 * bounds the output (a decompression bomb meets RLIMIT_FSIZE: the child dies with SIGXFSZ).
 */
export async function transcodeFile(src: string, dest: string, c: Compression, decompress: boolean, maxBytes?: number): Promise<void> {
  if (c === "none") {
    fs.copyFileSync(src, dest);
    return;
  }
  let [cmd, args] = command(c, decompress);
  if (maxBytes !== undefined) {
    // POSIX sh counts ulimit -f in 512-byte blocks; one block more, so exactly maxBytes passes
    // and the caller's size check names the mismatch.
    args = ["-c", `ulimit -f ${Math.ceil(maxBytes / 512) + 1} && exec "$0" "$@"`, cmd, ...args];
    cmd = "/bin/sh";
  }
  const input = fs.openSync(src, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  let output: number;
  try {
    output = fs.openSync(dest, "wx", 0o600);
  } catch (e) {
    fs.closeSync(input);
    throw e;
  }
  try {
    const stderr: Buffer[] = [];
    const status = await new Promise<number | string>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: [input, output, "pipe"] });
      child.stderr!.on("data", (b: Buffer) => stderr.push(b));
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? String(signal)));
    }).catch((e: NodeJS.ErrnoException) => {
      throw new CairnError("E_BAD_COMPRESSION", `cannot run ${cmd}: ${e.code ?? e.message}`, { command: cmd });
    });
    if (status !== 0) {
      const why =
        status === "SIGXFSZ" ? `its output exceeds ${maxBytes} bytes` : (Buffer.concat(stderr).toString().trim().split("\n")[0]?.replace(/^[^:]*: /, "") ?? "");
      throw new CairnError(
        "E_BAD_COMPRESSION",
        `${decompress ? "cannot decompress" : "cannot compress"} ${c} data${why ? `: ${why}` : ` (exit ${status})`}`,
        { compression: c, status },
      );
    }
  } finally {
    fs.closeSync(input);
    fs.closeSync(output);
  }
}
