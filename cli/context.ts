// What every command gets from cli/main.ts and cli/cli.ts: configuration resolved from flags and
// environment (those two alone read process.env/argv), and the helpers to open the store and print.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "../store/format/errors.js";
import { Layout } from "../store/layout.js";
import type { LocalStore, StoreHooks } from "../store/local-store.js";

export interface Env {
  CAIRN_ROOT?: string;
  CAIRN_STORE_DIR?: string;
  XDG_DATA_HOME?: string;
  XDG_CACHE_HOME?: string;
  HOME?: string;
  /** builder */
  CAIRN_MAX_JOBS?: string;
  TERM?: string;
  /** gc: FIFO sync points for interleaving tests; automatic optimise after builds */
  CAIRN_TEST_GC_SYNC_1?: string;
  CAIRN_TEST_GC_SYNC_2?: string;
  CAIRN_TEST_GC_SYNC_3?: string;
  CAIRN_AUTO_OPTIMISE?: string;
  /** binary caches */
  CAIRN_SUBSTITUTERS?: string;
  CAIRN_TRUSTED_PUBLIC_KEYS?: string;
  /** shell */
  SHELL?: string;
  PATH?: string;
  /** system: what statfs says is free on the ESP (tests that cannot mount a small file system) */
  CAIRN_TEST_ESP_FREE?: string;
}

export interface GlobalOptions {
  root?: string;
  storeDir?: string;
  json?: boolean;
}

export interface Context {
  env: Env;
  hooks: StoreHooks;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Runs `f` with a signal that fires on SIGINT/SIGTERM (cli.ts installs the handlers). */
  withCancellation<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** The variables cairn reads, from the process's environment (which the caller passes). */
export function envFrom(e: Readonly<Record<string, string | undefined>>): Env {
  return {
    CAIRN_ROOT: e.CAIRN_ROOT,
    CAIRN_STORE_DIR: e.CAIRN_STORE_DIR,
    XDG_DATA_HOME: e.XDG_DATA_HOME,
    XDG_CACHE_HOME: e.XDG_CACHE_HOME,
    HOME: e.HOME,
    CAIRN_MAX_JOBS: e.CAIRN_MAX_JOBS,
    TERM: e.TERM,
    CAIRN_TEST_GC_SYNC_1: e.CAIRN_TEST_GC_SYNC_1,
    CAIRN_TEST_GC_SYNC_2: e.CAIRN_TEST_GC_SYNC_2,
    CAIRN_TEST_GC_SYNC_3: e.CAIRN_TEST_GC_SYNC_3,
    CAIRN_AUTO_OPTIMISE: e.CAIRN_AUTO_OPTIMISE,
    CAIRN_SUBSTITUTERS: e.CAIRN_SUBSTITUTERS,
    CAIRN_TRUSTED_PUBLIC_KEYS: e.CAIRN_TRUSTED_PUBLIC_KEYS,
    SHELL: e.SHELL,
    PATH: e.PATH,
    CAIRN_TEST_ESP_FREE: e.CAIRN_TEST_ESP_FREE,
  };
}

/** CAIRN_CRASH_AT=<point>:<n> kills this process (SIGKILL) at the n-th time it reaches <point>. */
export function crashHook(spec: string | undefined): ((point: string) => void) | undefined {
  if (!spec) return undefined;
  const m = /^([\w.-]+):(\d+)$/.exec(spec);
  if (!m) throw new CairnError("E_USAGE", `CAIRN_CRASH_AT='${spec}': expected <point>:<n>`);
  const [, at, nth] = m;
  let hits = 0;
  return (point) => {
    if (point === at && ++hits === Number(nth)) process.kill(process.pid, "SIGKILL");
  };
}

/** A command's context in this process: `env` read by the caller, CAIRN_CRASH_AT's hook. */
export function processContext(env: Env, crashAt: string | undefined, withCancellation: Context["withCancellation"]): Context {
  return {
    env,
    hooks: { crash: crashHook(crashAt) },
    // Getters: process.stdout makes a stream (and may load net/tty) on first use.
    get stdoutIsTTY() {
      return !!process.stdout.isTTY;
    },
    get stderrIsTTY() {
      return !!process.stderr.isTTY;
    },
    withCancellation,
  };
}

export function resolveLayout(ctx: Pick<Context, "env">, opts: GlobalOptions): Layout {
  const root =
    opts.root ??
    ctx.env.CAIRN_ROOT ??
    path.join(ctx.env.XDG_DATA_HOME ?? path.join(ctx.env.HOME ?? "/", ".local/share"), "cairn");
  const storeDir = opts.storeDir ?? ctx.env.CAIRN_STORE_DIR;
  return new Layout(root, storeDir);
}

/** Where type-stripped recipes are cached: $XDG_CACHE_HOME/cairn/recipes. */
export function recipeCacheDir(ctx: Pick<Context, "env">): string {
  return path.join(ctx.env.XDG_CACHE_HOME ?? path.join(ctx.env.HOME ?? "/", ".cache"), "cairn", "recipes");
}

/** Where evaluations are cached (cli/eval-cache.ts): $XDG_CACHE_HOME/cairn/eval. */
export function evalCacheDir(ctx: Pick<Context, "env">): string {
  return path.join(ctx.env.XDG_CACHE_HOME ?? path.join(ctx.env.HOME ?? "/", ".cache"), "cairn", "eval");
}

/** Loaded on demand: lmdb costs ~70 ms to import, which `hash` and `dump` should not pay. */
export async function openStore(ctx: Context, opts: GlobalOptions): Promise<LocalStore> {
  const { LocalStore } = await import("../store/local-store.js");
  return LocalStore.open(resolveLayout(ctx, opts), ctx.hooks);
}

/**
 * The store, opened on first use (the first `await`, `then` or `catch`). Commands that evaluate a
 * recipe hand their evaluation thread its work first: opening the store (loading LMDB, reading the
 * database) would otherwise delay that on this thread, and the evaluation is what they wait for.
 */
export class LazyStore implements PromiseLike<LocalStore> {
  private opened: Promise<LocalStore> | undefined;
  constructor(private readonly open: () => Promise<LocalStore>) {}
  then<A = LocalStore, B = never>(ok?: ((s: LocalStore) => A | PromiseLike<A>) | null, fail?: ((e: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    this.opened ??= this.open();
    return this.opened.then(ok, fail);
  }
  /** Close the store if it was opened (errors opening it were reported to whoever awaited it). */
  async close(): Promise<void> {
    await this.opened?.then(
      (s) => s.close(),
      () => {},
    );
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Write all of `data` to an fd, synchronously; copes with non-blocking pipes. */
export function writeAll(fd: number, data: Uint8Array | string): void {
  const buf = typeof data === "string" ? Buffer.from(data) : data;
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(fd, buf, off, buf.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "EAGAIN") Atomics.wait(sleeper, 0, 0, 2);
      else throw e;
    }
  }
}

export const out = (s: string) => writeAll(1, s);
export const err = (s: string) => writeAll(2, s);

/**
 * A store path given on the command line, where a symlink into the store (`./result`) stands for
 * its target, as Nix's followLinksToStorePath.
 */
export function followLinksToStorePath(layout: Layout, arg: string): string {
  let p = arg;
  for (let i = 0; i < 40 && !p.startsWith(`${layout.storeDir}/`); i++) {
    const abs = path.resolve(p);
    if (abs.startsWith(`${layout.realStoreDir}/`)) return `${layout.storeDir}/${abs.slice(layout.realStoreDir.length + 1).split("/")[0]}`;
    let target: string;
    try {
      target = fs.readlinkSync(abs);
    } catch {
      return arg;
    }
    p = path.resolve(path.dirname(abs), target);
  }
  return p.startsWith(`${layout.storeDir}/`) ? `${layout.storeDir}/${p.slice(layout.storeDir.length + 1).split("/")[0]}` : arg;
}
