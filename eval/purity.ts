// What an evaluation depended on, so that the evaluation cache (cli/eval-cache.ts) keeps only
// evaluations it can check: those that read nothing but their recipe files (and JSON modules),
// the path() sources (which the main thread records) and what the cache key holds (store dir,
// the recipe and attributes, Node's version, the locale and time zone variables).
// Everything else a recipe can reach through JavaScript's and Node's APIs is watched on the
// evaluation thread, and one use makes the evaluation uncacheable: process (beyond its platform
// and versions), the clock, Math.random, performance, crypto, fetch, Intl, import.meta.resolve,
// and any module the linker cannot see into (packages, builtins that do I/O). This guards against
// accidental impurity, as Nix's pure evaluation does; it is not a security boundary (a recipe is
// code the user runs).
import { createHash } from "node:crypto";

/** What an evaluation thread's evaluations so far depended on. */
export interface EvalDeps {
  /** Recipe files and JSON modules loaded: [absolute path, sha256 of the bytes, hex]. */
  files: [string, string][];
  /** Files whose absence decided an import (`./x.js` naming ./x.ts). */
  absent: string[];
  /** The first thing read that the cache cannot check (the evaluation is then not cached). */
  impure?: string;
}

/** Builtins with no I/O of their own: importing them keeps an evaluation cacheable. */
const PURE_BUILTINS = new Set(
  ["path", "path/posix", "path/win32", "url", "assert", "assert/strict", "querystring", "string_decoder", "punycode", "buffer", "events"].map(
    (m) => `node:${m}`,
  ),
);

/** process members that say which machine and Node this is (in the cache key) or only act. */
const PROCESS_OK = new Set<PropertyKey>(["platform", "arch", "version", "versions", "release", "features", "config", "emitWarning", "nextTick"]);

export class Purity {
  private readonly files = new Map<string, string>();
  private readonly absent = new Set<string>();
  private impure: string | undefined;
  private paused = 0;

  /** Something was read that the cache cannot check. */
  note(what: string): void {
    if (this.paused === 0) this.impure ??= what;
  }

  /** A file the evaluation read, with its bytes. */
  read(file: string, bytes: string | Uint8Array): void {
    this.files.set(file, createHash("sha256").update(bytes).digest("hex"));
  }

  /** A file whose absence decided an import. */
  missing(file: string): void {
    this.absent.add(file);
  }

  /** A module imported through Node (not a recipe file): only pure builtins keep the evaluation cacheable. */
  imported(url: string): void {
    if (!PURE_BUILTINS.has(url)) this.note(`imports ${url}`);
  }

  /** Run cairn's own code that may use what is watched (the stripper: wasm glue may read the clock). */
  untracked<T>(f: () => T): T {
    this.paused++;
    try {
      return f();
    } finally {
      this.paused--;
    }
  }

  deps(): EvalDeps {
    return { files: [...this.files], absent: [...this.absent], ...(this.impure !== undefined ? { impure: this.impure } : {}) };
  }

  /** Watch the globals through which code reaches the environment, the clock and randomness. */
  watchGlobals(g: typeof globalThis = globalThis): void {
    const note = (what: string) => this.note(what);
    const realProcess = g.process;
    Object.defineProperty(g, "process", {
      configurable: true,
      writable: true,
      value: new Proxy(realProcess, {
        get(t, k) {
          if (!PROCESS_OK.has(k)) note(`process.${String(k)}`);
          return Reflect.get(t, k, t);
        },
      }),
    });
    const RealDate = g.Date;
    const now = () => {
      note("the clock (Date.now)");
      return RealDate.now();
    };
    const date: DateConstructor = new Proxy(RealDate, {
      construct(t, args, target): object {
        if (args.length === 0) note("the clock (new Date())");
        return Reflect.construct(t, args, target === date ? t : target);
      },
      apply(t, self, args) {
        note("the clock (Date())");
        return Reflect.apply(t, self, args);
      },
      get(t, k) {
        return k === "now" ? now : Reflect.get(t, k, t);
      },
    });
    Object.defineProperty(RealDate.prototype, "constructor", { value: date, writable: true, configurable: true });
    g.Date = date;
    const random = Math.random;
    Math.random = () => {
      note("Math.random");
      return random();
    };
    // Intl formats the current time when given none, and reads the locale.
    for (const name of ["performance", "crypto", "fetch", "navigator", "WebSocket", "EventSource", "Intl"]) {
      const d = Object.getOwnPropertyDescriptor(g, name);
      if (d === undefined) continue;
      const read = d.get !== undefined ? d.get.bind(g) : () => d.value as unknown;
      Object.defineProperty(g, name, {
        configurable: true,
        get() {
          note(name);
          return read();
        },
      });
    }
  }
}
