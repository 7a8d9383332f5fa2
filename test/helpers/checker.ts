// An independent checker for the store invariants of RELIABILITY.md §3.2 (I2, I3, I5), run after
// crashes and stress runs. It shares no code with cairn's store: its own NAR serialiser, nix32 and
// store-path arithmetic over node:crypto, and it learns what the database holds only from
// `cairn path-info --json` / `cairn verify --json` output and by listing the store directory.
// Also here: an async way to run the CLI (for kills at a chosen instant and for parallel lanes).
import { spawn } from "node:child_process";
import { createHash, type Hash as CryptoHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { CLI } from "./cli.js";

// ---- running the CLI asynchronously ------------------------------------------------------------

export interface AsyncRunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  out: string;
  stderr: string;
  /** Wall time from spawn to exit. */
  ms: number;
  /** True when `killAfterMs` fired before the process exited. */
  killedByUs: boolean;
}

export interface AsyncRunOptions {
  env?: Record<string, string | undefined>;
  input?: Uint8Array | string;
  cwd?: string;
  /** Send SIGKILL this many milliseconds after the spawn. */
  killAfterMs?: number;
}

export function runCairn(args: string[], opts: AsyncRunOptions = {}): Promise<AsyncRunResult> {
  return runNode([CLI, ...args], opts);
}

/** Run `node ARGS…` (without CAIRN_CRASH_AT unless `env` sets it). */
export function runNode(args: string[], opts: AsyncRunOptions = {}): Promise<AsyncRunResult> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CAIRN_CRASH_AT;
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { env, cwd: opts.cwd, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let killedByUs = false;
    let timer: NodeJS.Timeout | undefined;
    if (opts.killAfterMs !== undefined) {
      timer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          killedByUs = true;
          child.kill("SIGKILL");
        }
      }, opts.killAfterMs);
    }
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.stdin.on("error", () => {
      /* EPIPE when the process dies before reading all of its input */
    });
    child.on("error", reject);
    child.on("close", (status, signal) => {
      if (timer !== undefined) clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({
        status,
        signal,
        stdout,
        out: stdout.toString(),
        stderr: Buffer.concat(err).toString(),
        ms: performance.now() - t0,
        // A process that exited just before the signal was sent ran to completion.
        killedByUs: killedByUs && signal === "SIGKILL",
      });
    });
    child.stdin.end(opts.input ?? "");
  });
}

// ---- hashing: nix32, NAR, store paths ----------------------------------------------------------

const NIX32 = "0123456789abcdfghijklmnpqrsvwxyz";

export function nix32(bytes: Uint8Array): string {
  const len = Math.ceil((bytes.length * 8) / 5);
  let s = "";
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    const c = (bytes[i]! >> j) | (i + 1 < bytes.length ? bytes[i + 1]! << (8 - j) : 0);
    s += NIX32[c & 0x1f];
  }
  return s;
}

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest();

function compress(bytes: Uint8Array, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < bytes.length; i++) out[i % size]! ^= bytes[i]!;
  return out;
}

function makePath(storeDir: string, type: string, innerHex: string, name: string): string {
  const fp = `${type}:sha256:${innerHex}:${storeDir}:${name}`;
  return `${storeDir}/${nix32(compress(sha256(fp), 20))}-${name}`;
}

/**
 * `nix-store --add` of a tree whose NAR SHA-256 is `narSha256`; with references (addToStore of a
 * source that refers to other paths, e.g. a user environment), `source:<ref>:<ref>…`, sorted.
 */
export function sourcePath(storeDir: string, name: string, narSha256: Uint8Array, references: readonly string[] = []): string {
  const type = ["source", ...[...references].sort()].join(":");
  return makePath(storeDir, type, Buffer.from(narSha256).toString("hex"), name);
}

/** `nix-store --add-fixed sha256` of a file whose bytes hash to `fileSha256`. */
export function flatPath(storeDir: string, name: string, fileSha256: Uint8Array): string {
  const inner = sha256(`fixed:out:sha256:${Buffer.from(fileSha256).toString("hex")}:`).toString("hex");
  return makePath(storeDir, "output:out", inner, name);
}

export interface NarDigest {
  sha256: Buffer;
  size: number;
  /** `sha256-<base64>`, as `cairn path-info --json` prints it. */
  sri: string;
  nix32: string;
}

/** Serialise the file tree at `p` as a NAR into `sink` (the top level is lstat'ed). */
export function dumpNar(p: string, sink: (b: Buffer) => void): number {
  let size = 0;
  const put = (b: Buffer) => {
    sink(b);
    size += b.length;
  };
  const int = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    put(b);
  };
  const pad = (n: number) => {
    if (n % 8 !== 0) put(Buffer.alloc(8 - (n % 8)));
  };
  const str = (s: string | Buffer) => {
    const b = typeof s === "string" ? Buffer.from(s) : s;
    int(b.length);
    put(b);
    pad(b.length);
  };
  const node = (q: Buffer) => {
    const st = fs.lstatSync(q);
    str("(");
    str("type");
    if (st.isSymbolicLink()) {
      str("symlink");
      str("target");
      str(fs.readlinkSync(q, { encoding: "buffer" }));
    } else if (st.isFile()) {
      str("regular");
      if (st.mode & 0o100) {
        str("executable");
        str("");
      }
      str("contents");
      const fd = fs.openSync(q, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const len = fs.fstatSync(fd).size;
        int(len);
        const buf = Buffer.alloc(1 << 16);
        let left = len;
        while (left > 0) {
          const n = fs.readSync(fd, buf, 0, Math.min(buf.length, left), null);
          if (n === 0) throw new Error(`${q.toString()}: shrank while being read`);
          put(Buffer.from(buf.subarray(0, n)));
          left -= n;
        }
        pad(len);
      } finally {
        fs.closeSync(fd);
      }
    } else if (st.isDirectory()) {
      str("directory");
      const names = fs.readdirSync(q, { encoding: "buffer" }).sort(Buffer.compare);
      for (const n of names) {
        str("entry");
        str("(");
        str("name");
        str(n);
        str("node");
        node(Buffer.concat([q, Buffer.from("/"), n]));
        str(")");
      }
    } else {
      throw new Error(`${q.toString()}: not a regular file, directory or symlink`);
    }
    str(")");
  };
  str("nix-archive-1");
  node(Buffer.from(p));
  return size;
}

export function narDigest(p: string): NarDigest {
  const h: CryptoHash = createHash("sha256");
  const size = dumpNar(p, (b) => h.update(b));
  const d = h.digest();
  return { sha256: d, size, sri: `sha256-${d.toString("base64")}`, nix32: nix32(d) };
}

export function narBytes(p: string): Buffer {
  const parts: Buffer[] = [];
  dumpNar(p, (b) => parts.push(b));
  return Buffer.concat(parts);
}

export function fileSha256(p: string): Buffer {
  return sha256(fs.readFileSync(p));
}

/**
 * NIX-COMPAT.md §3.3: the `demo` tree, its NAR hash and `nix-store --add` path as Nix 2.8 computes
 * them. Returns what is wrong (empty when the checker's own arithmetic is right).
 */
export function checkerSelfTest(scratch: string): string[] {
  const demo = path.join(scratch, "demo");
  fs.mkdirSync(path.join(demo, "bin"), { recursive: true });
  fs.writeFileSync(path.join(demo, "README"), "x", { mode: 0o644 });
  fs.writeFileSync(path.join(demo, "bin/run"), "echo\n", { mode: 0o755 });
  fs.chmodSync(path.join(demo, "bin/run"), 0o755);
  fs.symlinkSync("README", path.join(demo, "link"));
  const d = narDigest(demo);
  const wrong: string[] = [];
  if (d.nix32 !== "0558rlyig55mm50wjmh8n07rb4dps4fagl702ng7qf4d8ziqrcfr") wrong.push(`demo NAR hash ${d.nix32}`);
  if (d.size !== 872) wrong.push(`demo NAR size ${d.size}`);
  const sp = sourcePath("/nix/store", "demo", d.sha256);
  if (sp !== "/nix/store/dplha0nkgwvks5y02kbg0h22xx1x96nc-demo") wrong.push(`demo store path ${sp}`);
  fs.mkdirSync(path.join(scratch, "empty"));
  if (narDigest(path.join(scratch, "empty")).size !== 96) wrong.push("empty directory NAR is not 96 bytes");
  return wrong;
}

// ---- the checker -------------------------------------------------------------------------------

export interface PathInfoJson {
  path: string;
  narHash: string;
  narSize: number;
  references: string[];
  ca?: string;
  registrationTime: number;
}

export interface VerifyJson {
  checked: number;
  problems: { path: string; kind: string; detail: string; repaired: boolean }[];
  garbage: string[];
}

export interface StoreCheck {
  /** Valid paths, as `cairn path-info --json` reports them. */
  valid: Map<string, PathInfoJson>;
  /** One line per broken invariant; empty when the store is consistent. */
  violations: string[];
  /** Store entries that are not valid paths (including `.tmp-*`), for the record. */
  unregistered: string[];
}

export interface CheckOptions {
  root: string;
  /** The logical store dir (default ROOT/store). */
  storeDir?: string;
  /** Paths to ask about even when nothing is on disk for them. */
  paths?: string[];
  /**
   * `checked` of a `cairn verify --all --json` run just before: how many paths the DB holds.
   * Without it the checker runs `cairn verify --all --json` itself.
   */
  verifyChecked?: number;
  env?: Record<string, string | undefined>;
}

const BASE_RE = /^[0123456789abcdfghijklmnpqrsvwxyz]{32}-[A-Za-z0-9+\-._?=]+$/;

async function pathInfos(paths: string[], env: Record<string, string | undefined>, violations: string[]) {
  const found = new Map<string, PathInfoJson>();
  if (paths.length === 0) return found;
  const r = await runCairn(["path-info", "--json", ...paths], { env });
  let arr: (PathInfoJson & { valid?: boolean })[];
  try {
    arr = JSON.parse(r.out) as (PathInfoJson & { valid?: boolean })[];
  } catch {
    violations.push(`I1: cairn path-info gave no JSON (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
    return found;
  }
  for (const o of arr) if (o.valid !== false) found.set(o.path, o);
  return found;
}

/** Check I2 (valid paths present, NAR hash/size as recorded), I3 (references valid), I5 (canonical). */
export async function checkStore(opts: CheckOptions): Promise<StoreCheck> {
  const realStore = path.join(opts.root, "store");
  const storeDir = opts.storeDir ?? realStore;
  const env = { ...opts.env, CAIRN_ROOT: opts.root, CAIRN_STORE_DIR: storeDir };
  const violations: string[] = [];
  let names: string[] = [];
  try {
    names = fs.readdirSync(realStore);
  } catch {
    /* no store yet */
  }
  const candidates = new Set<string>(opts.paths ?? []);
  for (const n of names) if (BASE_RE.test(n)) candidates.add(`${storeDir}/${n}`);
  const valid = await pathInfos([...candidates], env, violations);

  // I3: references are valid (ask about those not seen yet).
  const refs = new Set<string>();
  for (const info of valid.values()) for (const r of info.references) if (!valid.has(r)) refs.add(r);
  const refInfos = await pathInfos([...refs], env, violations);
  for (const [p, i] of refInfos) valid.set(p, i);
  for (const info of valid.values()) {
    for (const r of info.references) if (!valid.has(r)) violations.push(`I3: '${info.path}' refers to invalid '${r}'`);
  }

  // Every valid path was seen: the DB holds no valid path without files (which listing misses).
  let checked = opts.verifyChecked;
  if (checked === undefined) {
    const r = await runCairn(["verify", "--all", "--json"], { env });
    try {
      const rep = JSON.parse(r.out) as VerifyJson;
      checked = rep.checked;
      for (const p of rep.problems) violations.push(`verify: ${p.kind}: '${p.path}': ${p.detail}`);
    } catch {
      violations.push(`I1: cairn verify gave no JSON (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
    }
  }
  if (checked !== undefined && checked !== valid.size) {
    violations.push(`I2: the DB holds ${checked} valid paths, but only ${valid.size} have files in the store`);
  }

  let storeUid = -1;
  try {
    storeUid = fs.statSync(realStore).uid;
  } catch {
    /* reported per path below */
  }
  // I5 allows more than one link only for files `cairn optimise` shared through ROOT/store/.links.
  const linkedInodes = new Set<number>();
  try {
    for (const n of fs.readdirSync(path.join(realStore, ".links"))) linkedInodes.add(fs.lstatSync(path.join(realStore, ".links", n)).ino);
  } catch {
    /* no .links */
  }
  for (const info of valid.values()) {
    const base = info.path.slice(storeDir.length + 1);
    const real = path.join(realStore, base);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(real);
    } catch {
      violations.push(`I2: valid path '${info.path}' is missing on disk`);
      continue;
    }
    // I2: content.
    let d: NarDigest;
    try {
      d = narDigest(real);
    } catch (e) {
      violations.push(`I2: '${info.path}' cannot be read: ${(e as Error).message}`);
      continue;
    }
    if (d.sri !== info.narHash) violations.push(`I2: '${info.path}': NAR hash ${d.sri}, recorded ${info.narHash}`);
    if (d.size !== info.narSize) violations.push(`I2: '${info.path}': NAR size ${d.size}, recorded ${info.narSize}`);
    // Content addressing: the name follows from the content.
    const name = base.slice(33);
    if (info.ca?.startsWith("fixed:r:sha256:")) {
      if (sourcePath(storeDir, name, d.sha256, info.references) !== info.path) violations.push(`I2: '${info.path}' is not the path of its NAR hash`);
    } else if (info.ca?.startsWith("fixed:sha256:") || info.ca?.startsWith("text:sha256:")) {
      const h = st.isFile() ? nix32(fileSha256(real)) : "(not a regular file)";
      if (info.ca.slice(info.ca.lastIndexOf(":") + 1) !== h) violations.push(`I2: '${info.path}': ca ${info.ca}, file hashes to ${h}`);
      if (info.ca.startsWith("fixed:") && st.isFile() && flatPath(storeDir, name, fileSha256(real)) !== info.path) {
        violations.push(`I2: '${info.path}' is not the path of its file hash`);
      }
    }
    // I5: canonical metadata.
    const walk = (q: string) => {
      const s = fs.lstatSync(q);
      const rel = path.relative(realStore, q);
      const perm = s.mode & 0o7777;
      if (s.isDirectory()) {
        if (perm !== 0o555) violations.push(`I5: '${rel}': directory mode ${perm.toString(8)}`);
      } else if (s.isFile()) {
        if (perm !== 0o444 && perm !== 0o555) violations.push(`I5: '${rel}': file mode ${perm.toString(8)}`);
        if (s.nlink !== 1 && !linkedInodes.has(s.ino)) violations.push(`I5: '${rel}': ${s.nlink} hard links`);
      } else if (!s.isSymbolicLink()) {
        violations.push(`I5: '${rel}': not a regular file, directory or symlink`);
      }
      if (s.mtimeMs !== 1000) violations.push(`I5: '${rel}': mtime ${s.mtimeMs / 1000}, expected 1`);
      if (s.uid !== storeUid) violations.push(`I5: '${rel}': owner ${s.uid}, store owner ${storeUid}`);
      if (s.isDirectory()) for (const n of fs.readdirSync(q)) walk(path.join(q, n));
    };
    walk(real);
  }
  const unregistered = names.filter((n) => n !== ".trash" && n !== ".links" && !valid.has(`${storeDir}/${n}`)).sort();
  return { valid, violations, unregistered };
}
