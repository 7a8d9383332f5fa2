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
// ignored. CAIRN_EVAL_CACHE=0 turns the cache off.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { threadId } from "node:worker_threads";
import v8 from "node:v8";
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

/** What is checked before the result is decoded. */
interface Header {
  files: [string, string][];
  absent: string[];
  /** A few of the tops, to guess (from the file system alone) whether the store has them. */
  probe: string[];
}

const MAGIC = Buffer.from("cairn-eval-cache-1\n");
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

export class EvalCache {
  private fingerprint: string | undefined;
  /** Entries read and found current by preload(), by key, their result not decoded yet. */
  private readonly checked = new Map<string, Buffer>();

  constructor(
    private readonly dir: string,
    /** Node's version and platform and the variables that change JavaScript's behaviour. */
    private readonly runtime: string,
  ) {}

  key(storeDir: string, file: string, attrs: readonly string[]): string {
    this.fingerprint ??= `${codeFingerprint()}\0${localTime()}`;
    const h = createHash("sha256").update(MAGIC).update(this.fingerprint).update("\0").update(this.runtime);
    for (const part of [storeDir, path.resolve(file), ...attrs]) h.update("\0").update(part);
    return h.digest("hex");
  }

  private fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.eval`);
  }

  /** The entry's header and the rest, if the file is whole; else undefined. */
  private load(key: string): { header: Header; body: Buffer } | undefined {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.fileOf(key));
    } catch {
      return undefined;
    }
    const start = MAGIC.length + 32;
    if (data.length < start + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const rest = data.subarray(start);
    if (!createHash("sha256").update(rest).digest().equals(data.subarray(MAGIC.length, start))) return undefined;
    const headerEnd = 4 + rest.readUInt32LE(0);
    try {
      return { header: v8.deserialize(rest.subarray(4, headerEnd)) as Header, body: rest.subarray(headerEnd) };
    } catch {
      return undefined;
    }
  }

  /** Whether the files `h` records are as they were. */
  private static current(h: Header): boolean {
    return h.files.every(([f, sum]) => sha256File(f) === sum) && h.absent.every((f) => !fs.existsSync(f));
  }

  /**
   * Whether an entry for `key` is current, as far as this can tell without hashing the sources or
   * opening the store (the probed tops exist on disk): cli/main.ts then gives the evaluation thread
   * no head start. Checked entries are kept for lookup().
   */
  preload(key: string): boolean {
    const e = this.load(key);
    if (e === undefined || !EvalCache.current(e.header)) return false;
    this.checked.set(key, e.body);
    return e.header.probe.every((p) => fs.existsSync(p));
  }

  /** The entry for `key`, if its files are unchanged (the caller checks sources and store). */
  lookup(key: string): CachedEvaluation | undefined {
    let body = this.checked.get(key);
    if (body === undefined) {
      const e = this.load(key);
      if (e === undefined || !EvalCache.current(e.header)) return undefined;
      body = e.body;
    }
    try {
      return v8.deserialize(body) as CachedEvaluation;
    } catch {
      return undefined;
    }
  }

  /** Keep `entry` for `key`, with the files it read. Best effort: a cache that cannot be written only costs time. */
  write(key: string, files: [string, string][], absent: string[], entry: CachedEvaluation): void {
    const step = Math.max(1, Math.ceil(entry.tops.length / PROBES));
    const header: Header = { files, absent, probe: entry.tops.filter((_, i) => i % step === 0) };
    const h = v8.serialize(header);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(h.length);
    const rest = Buffer.concat([len, h, v8.serialize(entry)]);
    const f = this.fileOf(key);
    const tmp = `${f}.${process.pid}.${threadId}.tmp`;
    try {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(tmp, Buffer.concat([MAGIC, createHash("sha256").update(rest).digest(), rest]));
      fs.renameSync(tmp, f);
    } catch {
      fs.rmSync(tmp, { force: true });
    }
  }
}

let configured: EvalCache | undefined;

/** Set by cli/main.ts (where the cache lives, what the runtime is); unset, nothing is cached. */
export function useEvalCache(cache: EvalCache | undefined): void {
  configured = cache;
}

export function evalCache(): EvalCache | undefined {
  return configured;
}
