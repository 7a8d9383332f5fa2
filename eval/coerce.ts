// Nix's attribute conversion (coerceToString with "coerce more") and string context.
// Nix: src/libexpr/eval.cc (coerceToString), primops.cc (derivationStrict). NIX-COMPAT.md §5.6.
import { CairnError, HASH_PART_LEN, isNix32Char } from "../store/format/index.js";
import type { EvalState, Origin } from "./state.js";
import { ORIGIN, isDerivationOutput } from "./values.js";

/** String context: sources (inputSrcs) and used outputs of derivations (inputDrvs). */
export interface Context {
  srcs: Set<string>;
  drvs: Map<string, Set<string>>;
}

export function emptyContext(): Context {
  return { srcs: new Set(), drvs: new Map() };
}

export function addDrvOutput(ctx: Context, drvPath: string, output: string): void {
  const s = ctx.drvs.get(drvPath);
  if (s === undefined) ctx.drvs.set(drvPath, new Set([output]));
  else s.add(output);
}

/** What a derivation output value carries under ORIGIN (the value itself). */
export interface OriginTag {
  drvPath: string;
  outputName: string;
}

/** Why a value cannot become a string, in Nix's words. */
function typeName(v: unknown): string {
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "a set";
  return typeof v;
}

/** Format a float as C's %f does (Nix: env strings). */
export function formatFloat(x: number): string {
  if (Number.isNaN(x)) return x < 0 ? "-nan" : "nan";
  if (!Number.isFinite(x)) return x < 0 ? "-inf" : "inf";
  if (Math.abs(x) < 1e21) return (Object.is(x, -0) ? "-" : "") + x.toFixed(6);
  // toFixed switches to exponent form at 1e21; BigInt gives the exact integer digits.
  return BigInt(x).toString() + ".000000";
}

function intString(n: number | bigint, where: string): string {
  if (typeof n === "bigint") {
    if (n < -(2n ** 63n) || n >= 2n ** 63n) {
      throw new CairnError("E_EVAL", `${where}: integer ${n} does not fit in 64 bits`, { where });
    }
    return n.toString();
  }
  if (!Number.isSafeInteger(n)) {
    throw new CairnError(
      "E_EVAL",
      `${where}: integer ${n} is beyond 2^53 and cannot be represented exactly; use a bigint (${BigInt(n)}n)`,
      { where },
    );
  }
  return String(n);
}

/**
 * Find the store paths made in this evaluation inside `s` and add them to `ctx`. A hash part
 * shared by several fixed-output derivations resolves to those turned into strings.
 */
export function scanContext(state: EvalState, s: string, ctx: Context, where: string): void {
  const prefix = state.pathPrefix;
  for (let i = s.indexOf(prefix); i >= 0; i = s.indexOf(prefix, i + 1)) {
    const h = i + prefix.length;
    if (h + HASH_PART_LEN >= s.length || s[h + HASH_PART_LEN] !== "-") continue;
    let ok = true;
    for (let k = 0; k < HASH_PART_LEN && ok; k++) ok = isNix32Char(s.charCodeAt(h + k));
    if (!ok) continue;
    const origins = state.origins(s.slice(h, h + HASH_PART_LEN));
    if (origins === undefined) continue;
    const matching = origins.filter((o) => s.startsWith(o.path, i) && !isNameChar(s.charCodeAt(i + o.path.length)));
    if (matching.length === 0) continue;
    const outputs = matching.filter((o) => o.kind === "output");
    if (outputs.length > 0) {
      // Several fixed-output derivations can share one output path; text cannot say which was
      // meant. Prefer those interpolated since the last derivation() call (this call's own
      // template strings), then those ever interpolated, then all of them.
      const key = (o: Origin) => (o.kind === "output" ? `${o.drvPath}!${o.output}` : "");
      let used = outputs;
      if (outputs.length > 1) {
        const recent = outputs.filter((o) => state.recentlyStringified.has(key(o)));
        const ever = outputs.filter((o) => state.stringified.has(key(o)));
        used = recent.length > 0 ? recent : ever.length > 0 ? ever : outputs;
      }
      for (const o of used) if (o.kind === "output") addDrvOutput(ctx, o.drvPath, o.output);
      continue;
    }
    const m = matching[0]!;
    if (m.kind === "source") ctx.srcs.add(m.path);
    else {
      throw new CairnError(
        "E_EVAL",
        `${where}: uses the derivation file '${m.path}' itself (drvPath); cairn does not support depending on a .drv's closure this way`,
        { where, path: m.path },
      );
    }
  }
}

function isNameChar(c: number): boolean {
  // A path continues while name characters follow; NaN (end of string) ends it.
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2b ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x3f ||
    c === 0x3d
  );
}

/**
 * Convert a value to an env string, adding its context. `where` names the attribute for errors.
 * Lists use Nix's spacing: a space after each element but the last, and none after an element
 * that is itself an empty list.
 */
export function coerceToString(state: EvalState, v: unknown, ctx: Context, where: string): string {
  switch (typeof v) {
    case "string":
      scanContext(state, v, ctx, where);
      return v;
    case "number":
      return Number.isInteger(v) ? intString(v, where) : formatFloat(v);
    case "bigint":
      return intString(v, where);
    case "boolean":
      return v ? "1" : "";
    case "undefined":
      return "";
    case "object": {
      if (v === null) return "";
      if (isDerivationOutput(v)) {
        const o = (v as unknown as { [ORIGIN]: OriginTag })[ORIGIN];
        addDrvOutput(ctx, o.drvPath, o.outputName);
        return v.outPath;
      }
      if (Array.isArray(v)) {
        let out = "";
        for (let i = 0; i < v.length; i++) {
          const x: unknown = v[i];
          out += coerceToString(state, x, ctx, `${where}[${i}]`);
          if (i < v.length - 1 && !(Array.isArray(x) && x.length === 0)) out += " ";
        }
        return out;
      }
      const o = v as Record<string, unknown>;
      if (typeof o.__toString === "function") return coerceToString(state, (o.__toString as (s: unknown) => unknown)(o), ctx, where);
      if ("outPath" in o) return coerceToString(state, o.outPath, ctx, where);
      break;
    }
  }
  throw new CairnError("E_EVAL", `${where}: cannot coerce ${typeName(v)} to a string`, { where });
}
