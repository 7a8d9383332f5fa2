// `derivation(attrs)`: Nix's builtins.derivation. Nix: src/libexpr/primops.cc
// (prim_derivationStrict) and primops/derivation.nix. NIX-COMPAT.md §5.4–§5.6.
import {
  CairnError,
  byteString,
  checkName,
  compareUtf8,
  sha256ByteString,
  assembleAterm,
  fixedOutputModulo,
  printInputs,
  printOutputs,
  printRest,
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
import { type Context, coerceToString, emptyContext } from "./coerce.js";
import { evalState, type EvalState, type MadeDerivation } from "./state.js";
import { toJson } from "./structured.js";
import { ORIGIN, type Derivation, type DerivationAttrs, type DerivationOutput } from "./values.js";

/** Attributes that never reach the environment (`__structuredAttrs = false` does, as ""). */
const NOT_ENV = new Set(["args", "__ignoreNulls"]);
const NOT_JSON = new Set(["args", "__ignoreNulls", "__structuredAttrs"]);

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

/** Make the derivation value recipes see. Output values are frozen objects with an identity. */
function makeValue<O extends string>(made: MadeDerivation, outputNames: O[], system: string, attrs: Readonly<Record<string, unknown>>): Derivation<O> {
  const state = evalState();
  const outs = new Map<string, DerivationOutput>();
  for (const o of outputNames) {
    const outPath = made.drv.outputs.get(o)!.path;
    const key = `${made.drvPath}!${o}`;
    const v = {
      type: "derivation" as const,
      name: made.name,
      drvPath: made.drvPath,
      outPath,
      outputName: o,
      system,
    };
    // Remember which derivation was turned into text: resolves fixed outputs sharing a path.
    const asString = () => {
      state.stringified.add(key);
      state.recentlyStringified.add(key);
      return outPath;
    };
    Object.defineProperties(v, {
      toString: { value: asString },
      [Symbol.toPrimitive]: { value: asString },
      [ORIGIN]: { value: { drvPath: made.drvPath, output: o }, enumerable: true },
    });
    outs.set(o, v);
  }
  const first = outs.get(outputNames[0]!)!;
  const all = outputNames.map((o) => outs.get(o)!);
  const value: Record<string | symbol, unknown> = {
    ...first,
    outputs: Object.freeze([...outputNames]),
    all: Object.freeze(all),
    drvAttrs: attrs,
  };
  Object.defineProperties(value, {
    toString: { value: (first as { toString(): string }).toString },
    [Symbol.toPrimitive]: { value: (first as { toString(): string }).toString },
  });
  for (const [o, v] of outs) {
    Object.assign(v, { outputs: value.outputs, all: value.all, drvAttrs: attrs });
    if (!(o in value)) value[o] = v;
  }
  for (const v of outs.values()) {
    for (const [o2, v2] of outs) if (!(o2 in v)) (v as unknown as Record<string, unknown>)[o2] = v2;
    Object.freeze(v);
  }
  return Object.freeze(value) as unknown as Derivation<O>;
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
  for (const k of ["__contentAddressed", "__impure"]) {
    if (attrs[k] === true) fail(name, `'${k}' (an experimental Nix feature) is not supported by cairn`);
  }
  const structured = attrs.__structuredAttrs === true;
  const ignoreNulls = attrs.__ignoreNulls === true;
  const ctx: Context = emptyContext();
  const env = new Map<string, string>();
  const args: string[] = [];
  const keys = Object.keys(attrs)
    .filter((k) => attrs[k] !== undefined && !(ignoreNulls && attrs[k] === null))
    .sort(compareUtf8);
  const strAttr = (k: string): string | undefined => {
    const v = attrs[k];
    if (v === undefined || (ignoreNulls && v === null)) return undefined;
    if (structured && typeof v !== "string") fail(name, `attribute '${k}' must be a string with __structuredAttrs`);
    return coerceToString(state, v, ctx, `derivation '${name}', attribute '${k}'`);
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

  const builder = strAttr("builder");
  const system = strAttr("system");
  if (builder === undefined || builder === "") fail(name, "required attribute 'builder' is missing");
  if (system === undefined || system === "") fail(name, "required attribute 'system' is missing");

  if (structured) {
    const json: Record<string, unknown> = {};
    for (const k of keys) if (!NOT_JSON.has(k)) json[k] = attrs[k];
    env.set("__json", byteString(toJson(state, json, ctx, `derivation '${name}'`)));
  } else {
    for (const k of keys) {
      if (NOT_ENV.has(k)) continue;
      env.set(byteString(k), byteString(coerceToString(state, attrs[k], ctx, `derivation '${name}', attribute '${k}'`)));
    }
  }

  // env holds byte strings; the outputHash attributes are ASCII when valid.
  const fixed = fixedOutput(name, (k) => (k in attrs ? (structured ? (attrs[k] as string) : env.get(k)) : undefined));
  if (fixed !== undefined && (outputNames.length !== 1 || outputNames[0] !== "out")) {
    fail(name, "multiple outputs are not supported in fixed-output derivations");
  }

  const drv: Drv = {
    outputs: new Map<string, DrvOutput>(),
    inputDrvs: ctx.drvs,
    inputSrcs: ctx.srcs,
    platform: byteString(system),
    builder: byteString(builder),
    args: args.map(byteString),
    env,
  };

  const outHashParts: [string, string][] = [];
  // Every ATerm form shares parts: the inputs with modulo hashes serve both the masked form
  // (which gives the output paths) and this derivation's own modulo hash.
  const insReplaced = printInputs(replacedInputs(drv, (p) => moduloHexOf(state, p)));
  if (fixed !== undefined) {
    const sp = makeFixedOutputPath(state.storeDir, name, { method: fixed.method, hash: { algo: fixed.algo, bytes: fixed.hashBytes } });
    const p = printStorePath(state.storeDir, sp);
    drv.outputs.set("out", { path: p, hashAlgo: (fixed.method === "recursive" ? "r:" : "") + fixed.algo, hash: fixed.hex });
    drv.env.set("out", p);
    outHashParts.push(["out", sp.hashPart]);
  } else {
    // The masked form: every output's path and env variable empty.
    for (const o of outputNames) {
      drv.outputs.set(o, { path: "", hashAlgo: "", hash: "" });
      drv.env.set(o, "");
    }
    const h = sha256ByteString(assembleAterm(printOutputs(drv, true), insReplaced, printRest(drv, true)));
    for (const o of outputNames) {
      const sp = makeOutputPath(state.storeDir, o, h, name);
      const p = printStorePath(state.storeDir, sp);
      drv.outputs.set(o, { path: p, hashAlgo: "", hash: "" });
      drv.env.set(o, p);
      outHashParts.push([o, sp.hashPart]);
    }
  }

  const outsFinal = printOutputs(drv);
  const restFinal = printRest(drv);
  const aterm = assembleAterm(outsFinal, printInputs(drv.inputDrvs), restFinal);
  const moduloHex = toHex(fixed !== undefined ? fixedOutputModulo(drv) : sha256ByteString(assembleAterm(outsFinal, insReplaced, restFinal)));
  // References are paths this evaluation made or copied: already valid store paths.
  const references = [...drv.inputSrcs, ...drv.inputDrvs.keys()].sort(compareUtf8);
  const sp = makeTextPathFromPrinted(state.storeDir, `${name}.drv`, sha256ByteString(aterm), references);
  const drvPath = printStorePath(state.storeDir, sp);
  let made = state.drvs.get(drvPath);
  if (made === undefined) {
    made = { drvPath, name, drv, aterm, references, moduloHex };
    state.drvs.set(drvPath, made);
    state.addOrigin(sp.hashPart, { kind: "drv", path: drvPath });
    for (const [o, hashPart] of outHashParts) {
      state.addOrigin(hashPart, { kind: "output", path: drv.outputs.get(o)!.path, drvPath, output: o });
    }
  }
  state.recentlyStringified.clear();
  return makeValue(made, outputNames as O[], system, attrs);
}
