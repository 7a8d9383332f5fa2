// Nix's attribute conversion (coerceToString with "coerce more") and string context.
// Nix: src/libexpr/eval.cc (coerceToString), primops.cc (derivationStrict). NIX-COMPAT.md §5.6.
import { CairnError } from "../store/format/errors.js";
import { HASH_PART_LEN } from "../store/format/store-path.js";
import { MODULO, ORIGIN, isDerivationOutput } from "./values.js";
/**
 * String context: sources (inputSrcs) and used outputs of derivations (inputDrvs), as they are
 * found, duplicates included (derivation() sorts and merges the few it gets; arrays, not a Set
 * and a Map of Sets, since a derivation's context is a handful of entries).
 */
export class Context {
    srcs = [];
    /** drvPaths[i] has output drvOutputs[i] used. */
    drvPaths = [];
    drvOutputs = [];
    /** The derivation's modulo hash where known at hand ("": to be looked up). */
    drvModulos = [];
    addSrc(path) {
        this.srcs.push(path);
    }
    addDrvOutput(drvPath, output, moduloHex = "") {
        this.drvPaths.push(drvPath);
        this.drvOutputs.push(output);
        this.drvModulos.push(moduloHex);
    }
    /** The sources, sorted, each once. */
    sortedSrcs() {
        return sortUnique(this.srcs);
    }
    /** Used outputs by derivation, each once (`.drv` path -> output names; unsorted). */
    drvs() {
        const m = new Map();
        for (let i = 0; i < this.drvPaths.length; i++) {
            const s = m.get(this.drvPaths[i]);
            if (s === undefined)
                m.set(this.drvPaths[i], new Set([this.drvOutputs[i]]));
            else
                s.add(this.drvOutputs[i]);
        }
        return m;
    }
}
export function emptyContext() {
    return new Context();
}
/** `xs` sorted in place (store paths: their UTF-16 order is their byte order) without repeats. */
export function sortUnique(xs) {
    const n = xs.length;
    if (n < 2)
        return xs;
    for (let i = 1; i < n; i++) {
        const x = xs[i];
        let j = i - 1;
        for (; j >= 0 && xs[j] > x; j--)
            xs[j + 1] = xs[j];
        xs[j + 1] = x;
    }
    let w = 1;
    for (let i = 1; i < n; i++)
        if (xs[i] !== xs[w - 1])
            xs[w++] = xs[i];
    xs.length = w;
    return xs;
}
/** Why a value cannot become a string, in Nix's words. */
function typeName(v) {
    if (typeof v === "function")
        return "a function";
    if (Array.isArray(v))
        return "a list";
    if (typeof v === "object")
        return "a set";
    return typeof v;
}
/** Format a float as C's %f does (Nix: env strings). */
export function formatFloat(x) {
    if (Number.isNaN(x))
        return x < 0 ? "-nan" : "nan";
    if (!Number.isFinite(x))
        return x < 0 ? "-inf" : "inf";
    if (Math.abs(x) < 1e21)
        return (Object.is(x, -0) ? "-" : "") + x.toFixed(6);
    // toFixed switches to exponent form at 1e21; BigInt gives the exact integer digits.
    return BigInt(x).toString() + ".000000";
}
function intString(n, where) {
    if (typeof n === "bigint") {
        if (n < -(2n ** 63n) || n >= 2n ** 63n) {
            throw new CairnError("E_EVAL", `${where}: integer ${n} does not fit in 64 bits`, { where });
        }
        return n.toString();
    }
    if (!Number.isSafeInteger(n)) {
        throw new CairnError("E_EVAL", `${where}: integer ${n} is beyond 2^53 and cannot be represented exactly; use a bigint (${BigInt(n)}n)`, { where });
    }
    return String(n);
}
/**
 * Find the store paths made in this evaluation inside `s` and add them to `ctx`. A hash part
 * shared by several fixed-output derivations resolves to those turned into strings.
 */
export function scanContext(state, s, ctx, where) {
    const prefix = state.pathPrefix;
    for (let i = s.indexOf(prefix); i >= 0; i = s.indexOf(prefix, i + 1)) {
        const h = i + prefix.length;
        if (h + HASH_PART_LEN >= s.length || s.charCodeAt(h + HASH_PART_LEN) !== 0x2d)
            continue;
        // Every hash part known is valid nix32: anything else is simply not found.
        const known = state.lookup(s.slice(h, h + HASH_PART_LEN));
        if (known === undefined)
            continue;
        if (!Array.isArray(known)) {
            // One origin (nearly always): no lists made.
            if (s.startsWith(known.path, i) && !isNameChar(s.charCodeAt(i + known.path.length)))
                addOrigin(ctx, known, where);
            continue;
        }
        const matching = known.filter((o) => s.startsWith(o.path, i) && !isNameChar(s.charCodeAt(i + o.path.length)));
        if (matching.length === 0)
            continue;
        const outputs = matching.filter((o) => o.kind === "output");
        if (outputs.length > 0) {
            // Several fixed-output derivations can share one output path; text cannot say which was
            // meant. Prefer those interpolated since the last derivation() call (this call's own
            // template strings), then those ever interpolated, then all of them.
            const key = (o) => (o.kind === "output" ? `${o.drvPath}!${o.output}` : "");
            let used = outputs;
            if (outputs.length > 1) {
                const recent = outputs.filter((o) => state.recentlyStringified.has(key(o)));
                const ever = outputs.filter((o) => state.stringified.has(key(o)));
                used = recent.length > 0 ? recent : ever.length > 0 ? ever : outputs;
            }
            for (const o of used)
                addOrigin(ctx, o, where);
            continue;
        }
        addOrigin(ctx, matching[0], where);
    }
}
function addOrigin(ctx, o, where) {
    if (o.kind === "output")
        ctx.addDrvOutput(o.drvPath, o.output);
    else if (o.kind === "source")
        ctx.addSrc(o.path);
    else {
        throw new CairnError("E_EVAL", `${where}: uses the derivation file '${o.path}' itself (drvPath); cairn does not support depending on a .drv's closure this way`, { where, path: o.path });
    }
}
function isNameChar(c) {
    // A path continues while name characters follow; NaN (end of string) ends it.
    return ((c >= 0x30 && c <= 0x39) ||
        (c >= 0x41 && c <= 0x5a) ||
        (c >= 0x61 && c <= 0x7a) ||
        c === 0x2b ||
        c === 0x2d ||
        c === 0x2e ||
        c === 0x5f ||
        c === 0x3f ||
        c === 0x3d);
}
/**
 * Convert a value to an env string, adding its context. `where` names the attribute for errors.
 * Lists use Nix's spacing: a space after each element but the last, and none after an element
 * that is itself an empty list.
 */
export function coerceToString(state, v, ctx, where) {
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
            if (v === null)
                return "";
            if (isDerivationOutput(v)) {
                const o = v[ORIGIN];
                ctx.addDrvOutput(o.drvPath, o.outputName, o[MODULO]);
                return v.outPath;
            }
            if (Array.isArray(v)) {
                let out = "";
                for (let i = 0; i < v.length; i++) {
                    const x = v[i];
                    out += coerceToString(state, x, ctx, `${where}[${i}]`);
                    if (i < v.length - 1 && !(Array.isArray(x) && x.length === 0))
                        out += " ";
                }
                return out;
            }
            const o = v;
            if (typeof o.__toString === "function")
                return coerceToString(state, o.__toString(o), ctx, where);
            if ("outPath" in o)
                return coerceToString(state, o.outPath, ctx, where);
            break;
        }
    }
    throw new CairnError("E_EVAL", `${where}: cannot coerce ${typeName(v)} to a string`, { where });
}
//# sourceMappingURL=coerce.js.map