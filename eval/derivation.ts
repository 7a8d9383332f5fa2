// `derivation(attrs)`: Nix's builtins.derivation. Nix: src/libexpr/primops.cc
// (prim_derivationStrict) and primops/derivation.nix. NIX-COMPAT.md §5.4–§5.6.
import {
  CairnError,
  byteString,
  checkName,
  compareUtf8,
  sha256ByteStringHex,
  assembleAterm,
  fixedOutputModulo,
  printInputs,
  printOutputs,
  printRestParts,
  joinRest,
  isAscii,
  replacedInputs,
  makeFixedOutputPath,
  makeOutputPath,
  makeTextPathFromPrinted,
  parseHash,
  parseHashAlgo,
  printStorePath,
  toHex,
  type Derivation as Drv,
  type DerivationOutput as DrvOutput,
  type HashAlgo,
} from "../store/format/index.js";
import { type Context, type OriginTag, coerceToString, emptyContext } from "./coerce.js";
import { evalState, type EvalState, type MadeDerivation, type Origin } from "./state.js";
import { toJson } from "./structured.js";
import { ORIGIN, type Derivation, type DerivationAttrs } from "./values.js";

/** Attributes that never reach the environment (`__structuredAttrs = false` does, as ""). */
const NOT_ENV = new Set(["args", "__ignoreNulls"]);
const NOT_JSON = new Set(["args", "__ignoreNulls", "__structuredAttrs"]);
const EXPERIMENTAL = ["__contentAddressed", "__impure"];

/** `xs` sorted by UTF-8 bytes; for ASCII (attribute names nearly always) that is the native order. */
export function sortUtf8Fast(xs: string[]): string[] {
  return xs.every(isAscii) ? xs.sort() : xs.sort(compareUtf8);
}

function fail(name: string, msg: string, data: Record<string, unknown> = {}): never {
  throw new CairnError("E_EVAL", `derivation '${name}': ${msg}`, { derivation: name, ...data });
}

/** The modulo hash (hex) of a derivation made in this evaluation. */
function moduloHexOf(state: EvalState, drvPath: string): string {
  const made = state.drvs.get(drvPath);
  if (made === undefined) throw new CairnError("E_EVAL", `unknown input derivation '${drvPath}'`, { drvPath });
  return made.moduloHex;
}

interface FixedInfo {
  algo: HashAlgo;
  hex: string;
  method: "flat" | "recursive";
  hashBytes: Uint8Array;
}

function fixedOutput(name: string, str: (k: string) => string | undefined): FixedInfo | undefined {
  const hashStr = str("outputHash");
  if (hashStr === undefined) return undefined;
  const algoStr = str("outputHashAlgo");
  const mode = str("outputHashMode") ?? "flat";
  if (mode !== "flat" && mode !== "recursive") fail(name, `invalid outputHashMode '${mode}', expected "flat" or "recursive"`);
  let h;
  try {
    h = parseHash(hashStr, algoStr ? parseHashAlgo(algoStr) : undefined);
  } catch (e) {
    fail(name, `invalid outputHash: ${(e as Error).message}`);
  }
  return { algo: h.algo, hex: toHex(h.bytes), method: mode, hashBytes: h.bytes };
}

/**
 * One output of a derivation as recipes see it. In a string it is its store path; turning it into
 * text is remembered, which tells apart fixed outputs that share a path (NIX-COMPAT.md §5.6.2).
 * Methods live on the prototype, so a value costs its fields only.
 */
class OutputValue {
  readonly type = "derivation" as const;
  /** Marks a derivation output for coercion (which reads drvPath and outputName through it). */
  readonly [ORIGIN]: OriginTag = this;
  readonly #state: EvalState;
  constructor(
    state: EvalState,
    readonly name: string,
    readonly drvPath: string,
    readonly outPath: string,
    readonly outputName: string,
    readonly system: string,
  ) {
    this.#state = state;
  }
  toString(): string {
    const key = `${this.drvPath}!${this.outputName}`;
    this.#state.stringified.add(key);
    this.#state.recentlyStringified.add(key);
    return this.outPath;
  }
  [Symbol.toPrimitive](): string {
    return this.toString();
  }
}

/**
 * The value derivation() returns: it stands for its first output and has one frozen value per
 * output (`drv.dev`), each of which also reaches the others.
 */
function makeValue<O extends string>(
  state: EvalState,
  made: MadeDerivation,
  outputNames: O[],
  outPaths: ReadonlyMap<string, string>,
  system: string,
  attrs: Readonly<Record<string, unknown>>,
): Derivation<O> {
  const outputs = Object.freeze([...outputNames]);
  const outs = outputNames.map((o) => new OutputValue(state, made.name, made.drvPath, outPaths.get(o)!, o, system));
  const all = Object.freeze(outs.slice());
  const value = new OutputValue(state, made.name, made.drvPath, outs[0]!.outPath, outputNames[0]!, system);
  const complete = (v: OutputValue) => {
    const r = v as unknown as Record<string, unknown>;
    r.outputs = outputs;
    r.all = all;
    r.drvAttrs = attrs;
    for (let i = 0; i < outs.length; i++) if (!(outputNames[i]! in r)) r[outputNames[i]!] = outs[i];
    return Object.freeze(v);
  };
  outs.forEach(complete);
  return complete(value) as unknown as Derivation<O>;
}

/** Nix's builtins.derivation. */
export function derivation<const O extends string = "out">(attrs: DerivationAttrs & { outputs?: readonly O[] }): Derivation<O> {
  const state = evalState();
  if (typeof attrs !== "object" || attrs === null) throw new CairnError("E_EVAL", "derivation: expected an attribute set");
  const rawName = attrs.name;
  if (typeof rawName !== "string") throw new CairnError("E_EVAL", "derivation: required attribute 'name' is missing or not a string");
  const name = rawName;
  try {
    checkName(name, "derivation name");
    if (name.endsWith(".drv")) throw new Error("derivation names are not allowed to end in '.drv'");
    checkName(`${name}.drv`, "derivation name");
  } catch (e) {
    fail(name, (e as Error).message);
  }
  for (const k of EXPERIMENTAL) {
    if (attrs[k] === true) fail(name, `'${k}' (an experimental Nix feature) is not supported by cairn`);
  }
  const structured = attrs.__structuredAttrs === true;
  const ignoreNulls = attrs.__ignoreNulls === true;
  const ctx: Context = emptyContext();
  const args: string[] = [];
  const keys: string[] = [];
  for (const k in attrs) {
    const v = attrs[k];
    if (Object.hasOwn(attrs, k) && v !== undefined && !(ignoreNulls && v === null)) keys.push(k);
  }
  sortUtf8Fast(keys);
  const where = (k: string) => `derivation '${name}', attribute '${k}'`;
  const strAttr = (k: string): string | undefined => {
    const v = attrs[k];
    if (v === undefined || (ignoreNulls && v === null)) return undefined;
    if (structured && typeof v !== "string") fail(name, `attribute '${k}' must be a string with __structuredAttrs`);
    return coerceToString(state, v, ctx, where(k));
  };

  // outputs
  let outputNames: string[] = ["out"];
  if (attrs.outputs !== undefined) {
    const v = attrs.outputs as unknown;
    if (!Array.isArray(v) || v.some((o) => typeof o !== "string")) fail(name, "'outputs' must be a list of strings");
    const joined = (v as string[]).join(" ");
    outputNames = joined.split(/[ \t\n\r]+/).filter((s) => s !== "");
    if (outputNames.length === 0) fail(name, "derivation cannot have an empty set of outputs");
    const seen = new Set<string>();
    for (const o of outputNames) {
      if (o === "drv") fail(name, "invalid derivation output name 'drv'");
      if (seen.has(o)) fail(name, `duplicate derivation output '${o}'`);
      seen.add(o);
      try {
        checkName(o === "out" ? name : `${name}-${o}`, "output name");
      } catch (e) {
        fail(name, `invalid output name '${o}': ${(e as Error).message}`);
      }
    }
  }

  // args
  if (attrs.args !== undefined) {
    if (!Array.isArray(attrs.args)) fail(name, "'args' must be a list");
    (attrs.args as unknown[]).forEach((a, i) => args.push(coerceToString(state, a, ctx, `derivation '${name}', args[${i}]`)));
  }

  // Converted once: the env below reuses them (a __toString runs once, as in Nix).
  const builder = strAttr("builder");
  const system = strAttr("system");
  if (builder === undefined || builder === "") fail(name, "required attribute 'builder' is missing");
  if (system === undefined || system === "") fail(name, "required attribute 'system' is missing");

  // The environment in byte order, with an (empty for now) entry per output, which overrides an
  // attribute of the same name.
  const outSorted = [...outputNames].sort(compareUtf8);
  const env = new Map<string, string>();
  // Whether every form of the ATerm is ASCII: store paths are when the store dir is, and
  // byteString returns ASCII text itself and anything else re-encoded.
  let ascii = isAscii(state.storeDir);
  const bytes = (s: string) => {
    const b = byteString(s);
    if (b !== s) ascii = false;
    return b;
  };
  let j = 0;
  const put = (k: string, v: string) => {
    for (; j < outSorted.length && outSorted[j]! <= k; j++) env.set(outSorted[j]!, "");
    if (!env.has(k)) env.set(k, v);
  };
  if (structured) {
    const json: Record<string, unknown> = {};
    for (const k of keys) if (!NOT_JSON.has(k)) json[k] = attrs[k];
    put("__json", bytes(toJson(state, json, ctx, `derivation '${name}'`)));
  } else {
    for (const k of keys) {
      if (NOT_ENV.has(k)) continue;
      const v = k === "builder" ? builder : k === "system" ? system : coerceToString(state, attrs[k], ctx, where(k));
      put(bytes(k), bytes(v));
    }
  }
  for (; j < outSorted.length; j++) env.set(outSorted[j]!, "");

  // env holds byte strings; the outputHash attributes are ASCII when valid.
  const fixed = fixedOutput(name, (k) => (k in attrs ? (structured ? (attrs[k] as string) : env.get(k)) : undefined));
  if (fixed !== undefined && (outputNames.length !== 1 || outputNames[0] !== "out")) {
    fail(name, "multiple outputs are not supported in fixed-output derivations");
  }

  const drv: Drv = {
    outputs: new Map<string, DrvOutput>(),
    inputDrvs: ctx.drvs,
    inputSrcs: ctx.srcs,
    platform: bytes(system),
    builder: bytes(builder),
    args: args.map(bytes),
    env,
  };
  for (const o of outSorted) drv.outputs.set(o, { path: "", hashAlgo: "", hash: "" });

  // Every ATerm form is put together from parts printed once: the inputs with modulo hashes
  // serve both the masked form (which gives the output paths) and this derivation's own modulo
  // hash; the rest has a gap for each output's env variable.
  const outPaths = new Map<string, string>();
  const outHashParts: [string, string][] = [];
  const rest = printRestParts(drv);
  const insReplaced = printInputs(replacedInputs(drv, (p) => moduloHexOf(state, p)));
  if (fixed !== undefined) {
    const sp = makeFixedOutputPath(state.storeDir, name, { method: fixed.method, hash: { algo: fixed.algo, bytes: fixed.hashBytes } });
    const p = printStorePath(state.storeDir, sp);
    drv.outputs.set("out", { path: p, hashAlgo: (fixed.method === "recursive" ? "r:" : "") + fixed.algo, hash: fixed.hex });
    env.set("out", p);
    outPaths.set("out", p);
    outHashParts.push(["out", sp.hashPart]);
  } else {
    // The masked form: every output's path and env variable empty.
    const masked = assembleAterm(printOutputs(drv, true), insReplaced, joinRest(rest, () => ""));
    const h = sha256ByteStringHex(masked, ascii);
    for (const o of outSorted) {
      const sp = makeOutputPath(state.storeDir, o, h, name);
      const p = printStorePath(state.storeDir, sp);
      drv.outputs.set(o, { path: p, hashAlgo: "", hash: "" });
      env.set(o, p);
      outPaths.set(o, p);
      outHashParts.push([o, sp.hashPart]);
    }
  }

  const outsFinal = printOutputs(drv);
  const restFinal = joinRest(rest, (o) => env.get(o)!);
  const aterm = assembleAterm(outsFinal, printInputs(drv.inputDrvs), restFinal);
  const atermHash = sha256ByteStringHex(aterm, ascii);
  // Without input derivations the modulo form is the final text itself.
  const moduloHex =
    fixed !== undefined
      ? toHex(fixedOutputModulo(drv))
      : drv.inputDrvs.size === 0
        ? atermHash
        : sha256ByteStringHex(assembleAterm(outsFinal, insReplaced, restFinal), ascii);
  // References are paths this evaluation made or copied: already valid store paths.
  // Store paths of one store: their UTF-16 order is their byte order (they differ after the
  // store dir, in ASCII).
  const references: string[] = [];
  drv.inputSrcs.forEach((p) => references.push(p));
  drv.inputDrvs.forEach((_o, p) => references.push(p));
  references.sort();
  const sp = makeTextPathFromPrinted(state.storeDir, `${name}.drv`, atermHash, references);
  const drvPath = printStorePath(state.storeDir, sp);
  let made = state.drvs.get(drvPath);
  if (made === undefined) {
    made = { drvPath, name, text: state.arena.add(aterm), references, moduloHex };
    state.drvs.set(drvPath, made);
    state.onMade?.(drvPath);
    // A new .drv path's and input-addressed output's hash parts are new (they hash this very
    // derivation); fixed outputs of different derivations may share a path.
    state.byHashPart.set(sp.hashPart, { kind: "drv", path: drvPath });
    for (const [o, hashPart] of outHashParts) {
      const origin: Origin = { kind: "output", path: outPaths.get(o)!, drvPath, output: o };
      if (fixed !== undefined) state.addOrigin(hashPart, origin);
      else state.byHashPart.set(hashPart, origin);
    }
  }
  state.recentlyStringified.clear();
  return makeValue(state, made, outputNames as O[], outPaths, system, attrs);
}
