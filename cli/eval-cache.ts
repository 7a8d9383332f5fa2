// The evaluation cache: what a recipe evaluation selected, kept so that evaluating the same recipe
// again (a second build, an install after a build) needs no evaluation at all, as Nix's flake
// evaluation cache does. An entry is kept only for an evaluation that read nothing the cache
// cannot check (eval/purity.ts), and used only when everything it read is unchanged:
// - the key: cairn's own evaluation code (its files' sizes and times), Node's version and
//   platform, the variables that change JavaScript's behaviour (locale, time zone, NODE_OPTIONS),
//   the system's time zone (/etc/localtime), the store dir, the recipe's absolute path and the
//   attributes asked for;
// - the entry: each recipe file and JSON module read (sha256 of its bytes, checked on every
//   use), the files whose absence decided an import, and each path() source with the store path
//   it gave (hashed again by the caller, as path() would);
// - the caller also requires the selection's .drv files to be valid in the store (or evaluates).
// Entries are written atomically; one that does not check (a torn write, another version) is
// ignored and replaced; unused ones are pruned (eval/cache-dir.ts). CAIRN_EVAL_CACHE=0 (or
// --no-eval-cache) turns the cache off.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import v8 from "node:v8";
import { entryFile, touch, writeEntry } from "../eval/cache-dir.js";
import type { Selection } from "../eval/evaluator.js";
import type { AddPathOptions } from "../store/local-store.js";

/** A path() call and the store path it gave. */
export interface SourceRecord {
  source: string;
  opts: AddPathOptions;
  path: string;
}

/** What an evaluation gave, and what it read besides its recipe files. */
export interface CachedEvaluation {
  selection: Selection;
  /** The selection's .drv paths nothing else in its closure refers to (Evaluation.tops). */
  tops: string[];
  sources: SourceRecord[];
}

/** What is checked before the result is read. */
interface Header {
  files: [string, string][];
  absent: string[];
  /** A few of the tops, to tell from the file system alone that the store lacks them. */
  probe: string[];
  /** sha256 (hex) of the tops and the sources: with the same files, the same evaluation. */
  outcome: string;
  /** sha256 (hex) of the serialised CachedEvaluation that follows the header. */
  body: string;
}

const MAGIC = Buffer.from("cairn-eval-cache-2\n");
const PROBES = 16;

/** The files whose code decides what an evaluation gives: cairn's evaluation and format modules. */
function codeFingerprint(): string {
  const h = createHash("sha256");
  for (const dir of ["../eval/", "../store/format/"]) {
    const d = new URL(dir, import.meta.url);
    for (const name of fs.readdirSync(d).sort()) {
      if (!/\.[jt]s$/.test(name)) continue;
      const st = fs.statSync(new URL(name, d), { bigint: true });
      h.update(`${dir}${name}\0${st.size}\0${st.mtimeNs}\0${st.ino}\n`);
    }
  }
  return h.digest("hex");
}

/** The system's time zone when TZ is unset (Date's local-time methods read it). */
function localTime(): string {
  try {
    return fs.readlinkSync("/etc/localtime");
  } catch {
    return sha256File("/etc/localtime") ?? "";
  }
}

function sha256File(file: string): string | undefined {
  try {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

// An entry: MAGIC, the header's length (u32 LE) and sha256, the header, the body. The header is
// read first, alone: most misses need no more.
const HEAD = MAGIC.length + 4 + 32;
const FIRST_READ = 64 * 1024;

export class EvalCache {
  private fingerprint: string | undefined;
  /** Entries preload() found current: their headers. */
  private readonly current = new Map<string, Header>();
  /** Entries whose .drv files the store lacks (preload probed): no use looking them up. */
  private readonly notInStore = new Map<string, Header>();

  constructor(
    private readonly dir: string,
    /** Node's version and platform and the variables that change JavaScript's behaviour. */
    private readonly runtime: string,
    /** Told why an evaluation is not cached (CAIRN_DEBUG). */
    readonly explain?: (line: string) => void,
  ) {}

  key(storeDir: string, file: string, attrs: readonly string[]): string {
    this.fingerprint ??= `${codeFingerprint()}\0${localTime()}`;
    const h = createHash("sha256").update(MAGIC).update(this.fingerprint).update("\0").update(this.runtime);
    for (const part of [storeDir, path.resolve(file), ...attrs]) h.update("\0").update(part);
    return h.digest("hex");
  }

  private fileOf(key: string): string {
    return entryFile(this.dir, key, ".eval");
  }

  /** The entry's header, if it is whole. */
  private header(key: string): Header | undefined {
    let fd: number;
    try {
      fd = fs.openSync(this.fileOf(key), "r");
    } catch {
      return undefined; // none
    }
    try {
      let buf = Buffer.alloc(FIRST_READ);
      let got = fs.readSync(fd, buf, 0, buf.length, 0);
      if (got < HEAD || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
      const len = buf.readUInt32LE(MAGIC.length);
      if (HEAD + len > got) {
        buf = Buffer.alloc(HEAD + len);
        got = fs.readSync(fd, buf, 0, buf.length, 0);
        if (got < HEAD + len) return undefined;
      }
      const h = buf.subarray(HEAD, HEAD + len);
      if (!createHash("sha256").update(h).digest().equals(buf.subarray(MAGIC.length + 4, HEAD))) return undefined;
      return v8.deserialize(h) as Header;
    } catch {
      return undefined;
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Whether the files `h` records are as they were. */
  private static unchanged(h: Header): boolean {
    return h.files.every(([f, sum]) => sha256File(f) === sum) && h.absent.every((f) => !fs.existsSync(f));
  }

  /**
   * Whether an entry for `key` is current as far as this can tell without hashing the sources or
   * opening the store (its probed .drv files exist in `realStoreDir`): cli/cli.ts then gives the
   * evaluation thread no head start. What it finds is kept for lookup() and lacksStore().
   */
  preload(key: string, realStoreDir: string): boolean {
    const h = this.header(key);
    if (h === undefined) return false;
    // A valid path exists on disk: one probe missing, and the recipe must be evaluated anyway
    // (write() then compares the files' hashes, which the evaluation computed).
    if (!h.probe.every((p) => fs.existsSync(path.join(realStoreDir, path.basename(p))))) {
      this.notInStore.set(key, h);
      return false;
    }
    if (!EvalCache.unchanged(h)) return false;
    this.current.set(key, h);
    return true;
  }

  /** Whether preload() found the entry's .drv files missing from the store. */
  lacksStore(key: string): boolean {
    return this.notInStore.has(key);
  }

  /** The entry for `key`, if its files are unchanged (the caller checks sources and store). */
  lookup(key: string): CachedEvaluation | undefined {
    let h = this.current.get(key);
    if (h === undefined) {
      h = this.header(key);
      if (h === undefined || !EvalCache.unchanged(h)) return undefined;
    }
    try {
      const data = fs.readFileSync(this.fileOf(key));
      const body = data.subarray(HEAD + data.readUInt32LE(MAGIC.length));
      if (createHash("sha256").update(body).digest("hex") === h.body) {
        touch(this.fileOf(key));
        return v8.deserialize(body) as CachedEvaluation;
      }
    } catch {
      // unreadable: as damaged
    }
    this.current.delete(key); // damaged (or replaced since): write() replaces it
    return undefined;
  }

  /**
   * Keep `entry` for `key`, with the files it read, unless the entry there (read by this process)
   * says the same. Best effort: a cache that cannot be written only costs time.
   */
  write(key: string, files: [string, string][], absent: string[], entry: CachedEvaluation): void {
    const outcome = createHash("sha256").update(JSON.stringify([entry.tops, entry.sources])).digest("hex");
    const old = this.current.get(key) ?? this.notInStore.get(key);
    if (old !== undefined && old.outcome === outcome && JSON.stringify([old.files, old.absent]) === JSON.stringify([files, absent])) return;
    const body = v8.serialize(entry);
    const step = Math.max(1, Math.ceil(entry.tops.length / PROBES));
    const probe = entry.tops.filter((_, i) => i % step === 0);
    const h = v8.serialize({ files, absent, probe, outcome, body: createHash("sha256").update(body).digest("hex") } satisfies Header);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(h.length);
    writeEntry(this.dir, this.fileOf(key), Buffer.concat([MAGIC, len, createHash("sha256").update(h).digest(), h, body]));
  }
}

let configured: EvalCache | undefined;

/** Set by cli/cli.ts (where the cache lives, what the runtime is); unset, nothing is cached. */
export function useEvalCache(cache: EvalCache | undefined): void {
  configured = cache;
}

export function evalCache(): EvalCache | undefined {
  return configured;
}
