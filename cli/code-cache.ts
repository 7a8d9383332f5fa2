// Runs the bundled CLI (dist/cli/cli.cjs, made by scripts/bundle.mjs) with a V8 code cache, as
// Node 22's module.enableCompileCache would; Node 20 has none. Compiling the bundle's ~500 KiB and
// the functions a command runs costs every command 15-25 ms; with the cache, V8 deserialises the
// code instead (~2-3 ms).
//
// The cache is per user, in $XDG_CACHE_HOME/cairn/code, one file per command ("profile-install"),
// written after that command first succeeds: V8 compiles functions lazily, so a cache made after a
// run holds the functions that run used. A file's name starts with a hash of the bundle's text and
// node's version and architecture, so another build or another node never reads it (V8 itself
// compares only the source's length); its content starts with the SHA-256 of the rest, since V8
// does not checksum what it loads. A cache that is missing, damaged or rejected by V8 (other V8
// flags) only costs the compile, and is written again. The directory is kept as the other caches
// are (eval/cache-dir.ts), files not used for a day going when another is written: a rebuilt cairn
// has new names, and developers rebuild often. CAIRN_CODE_CACHE=0 turns it off.
//
// The bundle is a CommonJS function body, run here as node runs a CommonJS module, given the URL of
// its file (each bundled module's import.meta.url is relative to it) and an import function: V8
// drops the dynamic import() callback of scripts compiled from a code cache (Node 20), so the
// bundler rewrote the bundle's import() calls (only packages') into calls of it.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { entryFile, touch, writeEntry } from "../eval/cache-dir.js";
import type { RunResult } from "./cli.js";

export type Cli = { run(argv: string[]): Promise<RunResult> };

export type LoadedCli = {
  cli: Cli;
  /** Writes the code cache for `command` if this run did not load one for it. Never throws. */
  save(result: RunResult): void;
};

const DIGEST = 32; // bytes of SHA-256 before the cached data
const KEEP_MS = 24 * 3600 * 1000;
const NAME = /^[a-z][a-z0-9-]{0,40}$/;

/** $XDG_CACHE_HOME/cairn/code, or none with CAIRN_CODE_CACHE=0. */
export function codeCacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (/^(0|off|false|no)$/i.test(env.CAIRN_CODE_CACHE ?? "")) return undefined;
  return path.join(env.XDG_CACHE_HOME ?? path.join(env.HOME ?? "/", ".cache"), "cairn", "code");
}

/**
 * The names a run of `argv` may have cached under: its first two words ("profile-install"), then its
 * first ("build", whose second word is an installable).
 */
export function cacheNames(argv: readonly string[]): string[] {
  const words = argv.filter((a) => !a.startsWith("-")).slice(0, 2);
  const names = words.length === 2 ? [words.join("-"), words[0]!] : words;
  return names.filter((n) => NAME.test(n));
}

/**
 * Compiles the bundle at `bundle` (from the cache in `cacheDir`, when it has this run's command) and
 * runs its top level, which defines the CLI; the command runs when `cli.run` is called.
 */
export function loadCli(bundle: URL, cacheDir: string | undefined, argv: readonly string[], importModule: (specifier: string) => Promise<unknown>): LoadedCli {
  const file = fileURLToPath(bundle);
  const source = fs.readFileSync(file, "utf8");
  const key = createHash("sha256").update(`${process.version}\0${process.arch}\0`).update(source).digest("hex").slice(0, 32);
  const names = cacheDir === undefined ? [] : cacheNames(argv);
  const fileOf = (name: string) => entryFile(cacheDir!, `${key}-${name}`, ".v8");
  let loaded: { name: string; data: Buffer } | undefined;
  for (const name of names) {
    const data = readCache(fileOf(name));
    if (data !== undefined) {
      loaded = { name, data };
      break;
    }
  }
  // On the file's first line, as node wraps a CommonJS module: stack traces keep its line numbers.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname, __cairnBundleUrl, __cairnImport) {${source}\n})`, {
    filename: file,
    cachedData: loaded?.data,
  });
  if (script.cachedDataRejected === true) loaded = undefined;
  else if (loaded !== undefined) touch(fileOf(loaded.name));
  const module = { exports: {} as Cli };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), bundle.href, importModule);
  return {
    cli: module.exports,
    save({ status, command }) {
      const name = command.replaceAll(" ", "-");
      if (cacheDir === undefined || status !== 0 || loaded?.name === name || !names.includes(name)) return;
      const data = script.createCachedData();
      writeEntry(cacheDir, fileOf(name), Buffer.concat([createHash("sha256").update(data).digest(), data]), KEEP_MS);
    },
  };
}

/** The cached data in `file`, if it is there and whole. */
function readCache(file: string): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= DIGEST) return undefined;
  const data = bytes.subarray(DIGEST);
  return createHash("sha256").update(data).digest().equals(bytes.subarray(0, DIGEST)) ? data : undefined;
}
