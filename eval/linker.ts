// Loading recipe modules with node:vm's SourceTextModule: V8's own ES module semantics, with a
// code cache (Node 20 has no other way to cache compiled ESM: a 4 MB recipe compiles in ~180 ms,
// and loads from its cache in ~20 ms) and without module hooks, whose loader thread costs ~70 ms
// to start. Needs --experimental-vm-modules: the evaluation worker runs with it (eval/worker.ts).
// - "cairn" is this installation's library, wherever the recipe lives;
// - recipe files (.ts/.mts stripped of types, .js/.mjs as they are; outside node_modules) are
//   loaded here; `import "./x.js"` names ./x.ts when only that exists (TypeScript's convention);
// - anything else (node: builtins, packages, JSON) is imported by Node and passed through;
// - an import cycle between recipe files is an error naming the cycle.
import fs from "node:fs";
import path from "node:path";
import process from "node:process";
import vm from "node:vm";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CairnError } from "../store/format/errors.js";
import type { Purity } from "./purity.js";
import { LocatedSyntaxError, RecipeCache, locateSyntaxError } from "./strip.js";

const CODE_CACHE = "v8-module-cache-1";
const isRecipeUrl = (url: string) => url.startsWith("file:") && !url.includes("/node_modules/") && /\.(m?ts|m?js)$/.test(url);

type Attributes = Record<string, string>;

export class RecipeLinker {
  /** url -> module, recipe or passed through; each is made once per evaluation. */
  private readonly modules = new Map<string, Promise<vm.Module>>();
  /** Static imports between recipe files seen so far (for naming cycles). */
  private readonly edges = new Map<string, Set<string>>();
  private readonly library: vm.SyntheticModule;

  constructor(
    library: Record<string, unknown>,
    private readonly cache: RecipeCache,
    /** Told every file read, and every module loaded that it cannot see into. */
    private readonly purity: Purity,
  ) {
    this.library = passThrough(library, "cairn");
  }

  /** Import a recipe file (running it) and return its namespace. */
  async import(file: string): Promise<Record<string, unknown>> {
    const abs = path.resolve(file);
    if (!fs.existsSync(abs)) throw new CairnError("E_NOT_FOUND", `recipe '${file}' does not exist`, { file });
    const m = await this.load(pathToFileURL(abs).href, {});
    await this.ready(m);
    return m.namespace as Record<string, unknown>;
  }

  /** Link and run `m` (and what it imports) unless done already. */
  private async ready(m: vm.Module): Promise<void> {
    if (m.status === "unlinked") await m.link((spec, referrer, extra) => this.linked(spec, referrer.identifier, attributesOf(extra)));
    if (m.status === "linked") await m.evaluate();
    if (m.status === "errored") throw m.error;
  }

  private async linked(specifier: string, parent: string, attributes: Attributes): Promise<vm.Module> {
    const url = this.resolve(specifier, parent);
    if (isRecipeUrl(url) && isRecipeUrl(parent)) {
      const cycle = this.pathTo(url, parent);
      if (cycle !== undefined) {
        const names = [...cycle, url].map((u) => path.relative(process.cwd(), fileURLToPath(u)) || u);
        throw new Error(`import cycle between recipe files: ${names.join(" -> ")}`);
      }
      let set = this.edges.get(parent);
      if (set === undefined) this.edges.set(parent, (set = new Set()));
      set.add(url);
    }
    return this.load(url, attributes);
  }

  private pathTo(from: string, to: string, seen = new Set<string>()): string[] | undefined {
    if (from === to) return [to];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const next of this.edges.get(from) ?? []) {
      const rest = this.pathTo(next, to, seen);
      if (rest) return [from, ...rest];
    }
    return undefined;
  }

  /** The URL `specifier` names from the module at `parent` (import.meta.resolve's answer). */
  resolve(specifier: string, parent: string): string {
    if (specifier === "cairn") return "cairn:";
    if (/^(\.{0,2}\/|file:)/.test(specifier)) {
      const url = new URL(specifier, parent);
      if (url.protocol === "file:" && specifier.endsWith(".js") && !fs.existsSync(fileURLToPath(url))) {
        const ts = new URL(url.href.slice(0, -3) + ".ts");
        if (fs.existsSync(fileURLToPath(ts))) {
          this.purity.missing(fileURLToPath(url));
          return ts.href;
        }
      }
      return url.href;
    }
    // Packages and builtins: Node's own resolution, from the importing file's place. It reads
    // package.json files the evaluation cache does not check, unless it names a builtin.
    const url = import.meta.resolve(specifier, parent);
    if (!url.startsWith("node:")) this.purity.note(`resolves '${specifier}'`);
    return url;
  }

  private load(url: string, attributes: Attributes): Promise<vm.Module> {
    if (url === "cairn:") return Promise.resolve(this.library);
    let m = this.modules.get(url);
    if (m === undefined) {
      m = isRecipeUrl(url) ? Promise.resolve().then(() => this.compile(url)) : this.external(url, attributes);
      this.modules.set(url, m);
    }
    return m;
  }

  private async external(url: string, attributes: Attributes): Promise<vm.Module> {
    const ns = (await import(url, Object.keys(attributes).length > 0 ? { with: attributes } : undefined)) as Record<string, unknown>;
    // A JSON file gives its bytes (checked by their hash); a package or builtin may read anything.
    if (url.startsWith("file:") && url.endsWith(".json") && !url.includes("/node_modules/")) {
      try {
        this.purity.read(fileURLToPath(url), fs.readFileSync(fileURLToPath(url)));
      } catch {
        this.purity.note(`imports ${url}`);
      }
    } else this.purity.imported(url);
    return passThrough(ns, url);
  }

  private compile(url: string): vm.SourceTextModule {
    const file = fileURLToPath(url);
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch (e) {
      const err = new Error(`Cannot find module '${file}': ${(e as NodeJS.ErrnoException).code}`);
      throw Object.assign(err, { code: "ERR_MODULE_NOT_FOUND" });
    }
    this.purity.read(file, bytes);
    const source = bytes.toString("utf8");
    const code = /\.m?ts$/.test(file) ? this.purity.untracked(() => this.cache.stripped(file, source)) : source;
    // Keyed by the exact text: V8 checks a code cache against the source's length only. Node 20
    // loses a module's import() callback when it comes from a code cache ("A dynamic import
    // callback was not specified"): modules that may use import() are compiled afresh.
    const cacheable = !/\bimport\s*\(/.test(code);
    const key = this.cache.key(CODE_CACHE, process.versions.v8, code);
    const cachedData = cacheable ? this.cache.read(key, ".v8") : undefined;
    const make = (data: Buffer | undefined) =>
      new vm.SourceTextModule(code, {
        identifier: url,
        ...(data !== undefined ? { cachedData: data } : {}),
        initializeImportMeta: (meta) => {
          meta.url = url;
          const resolve = (s: string) => {
            if (!/^(\.{0,2}\/|file:)/.test(s)) this.purity.note("import.meta.resolve");
            return this.resolve(s, url);
          };
          Object.assign(meta, { filename: file, dirname: path.dirname(file), resolve });
        },
        importModuleDynamically: (async (spec: string, referrer: vm.Module, attrs: unknown) => {
          const m = await this.linked(spec, referrer.identifier, attributesOf({ attributes: attrs }));
          await this.ready(m);
          return m;
        }) as unknown as vm.SourceTextModuleOptions["importModuleDynamically"],
      });
    let m: vm.SourceTextModule;
    let fresh = cachedData === undefined;
    try {
      try {
        m = make(cachedData);
      } catch (e) {
        if (cachedData === undefined || !/cachedData/.test(String(e))) throw e;
        m = make(undefined); // a cache V8 refuses (made with other flags): replaced below
        fresh = true;
      }
    } catch (e) {
      if (!(e instanceof SyntaxError)) throw e;
      // V8 does not say where; the stripper's parser usually can.
      throw new LocatedSyntaxError(locateSyntaxError(file, source) ?? `${file}: SyntaxError: ${e.message}`);
    }
    // Made before evaluation, which V8 requires; it then holds the top-level code.
    if (fresh && cacheable) this.cache.write(key, ".v8", (m as unknown as { createCachedData(): Buffer }).createCachedData());
    return m;
  }
}

function attributesOf(extra: unknown): Attributes {
  const e = extra as { attributes?: Attributes; assert?: Attributes } | undefined;
  return { ...(e?.assert ?? {}), ...(e?.attributes ?? {}) };
}

/** A module whose exports are those of an already loaded namespace. */
function passThrough(ns: Record<string, unknown>, identifier: string): vm.SyntheticModule {
  const names = Object.keys(ns);
  return new vm.SyntheticModule(
    names,
    function (this: vm.SyntheticModule) {
      for (const n of names) this.setExport(n, ns[n]);
    },
    { identifier },
  );
}
