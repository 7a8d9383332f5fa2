// `derivation(attrs)`: Nix's builtins.derivation. Nix: src/libexpr/primops.cc
// (prim_derivationStrict) and primops/derivation.nix. NIX-COMPAT.md §5.4–§5.6.
//
// Recipes call it by the thousand, and a command runs it once per derivation in a fresh process:
// most calls run before V8 has optimised it. So the work is split into small functions that each
// get hot (and compiled) early, objects have fixed shapes, no closure is made per call, and what
// depends only on the attribute names (their order, their ATerm text, which one is `builder`) is
// worked out once per shape of attribute set (a `Plan`).
import { compareUtf8, toHex } from "../store/format/bytes.js";
import { byteString, escapeAterm, isAscii, sha256ByteStringHex } from "../store/format/derivation.js";
import { CairnError } from "../store/format/errors.js";
import { HASH_SIZE, isHashAlgo, parseHash, parseHashAlgo, sha256Hex, storePathHashPart } from "../store/format/hash.js";
import { checkName, nameError } from "../store/format/store-path.js";
import { Context, coerceToString, scanContext } from "./coerce.js";
import { evalState } from "./state.js";
import { toJson } from "./structured.js";
import { MODULO, ORIGIN } from "./values.js";
/** `xs` sorted by UTF-8 bytes; for ASCII (attribute names nearly always) that is the native order. */
export function sortUtf8Fast(xs) {
    return xs.every(isAscii) ? xs.sort() : xs.sort(compareUtf8);
}
function fail(name, msg, data = {}) {
    throw new CairnError("E_EVAL", `derivation '${name}': ${msg}`, { derivation: name, ...data });
}
// ---- plans: what depends on the attribute names only ----------------------------------------
/** Index in the plan's keys of the attributes derivation() reads by name (-1: absent). */
var At;
(function (At) {
    At[At["name"] = 0] = "name";
    At[At["builder"] = 1] = "builder";
    At[At["system"] = 2] = "system";
    At[At["outputs"] = 3] = "outputs";
    At[At["args"] = 4] = "args";
    At[At["structuredAttrs"] = 5] = "structuredAttrs";
    At[At["ignoreNulls"] = 6] = "ignoreNulls";
    At[At["contentAddressed"] = 7] = "contentAddressed";
    At[At["impure"] = 8] = "impure";
    At[At["outputHash"] = 9] = "outputHash";
    At[At["outputHashAlgo"] = 10] = "outputHashAlgo";
    At[At["outputHashMode"] = 11] = "outputHashMode";
    At[At["count"] = 12] = "count";
})(At || (At = {}));
const NAMED = [
    "name",
    "builder",
    "system",
    "outputs",
    "args",
    "__structuredAttrs",
    "__ignoreNulls",
    "__contentAddressed",
    "__impure",
    "outputHash",
    "outputHashAlgo",
    "outputHashMode",
];
class Plan {
    keys;
    /** Key indices in byte order of the names. */
    order;
    /** Per position in `order`: the name as a byte string. */
    byteKeys;
    /** Per position in `order`: `(` + the name as an ATerm string + `,`. */
    heads;
    /** The same with the value's opening quote, and with a comma before (not the first entry). */
    leads;
    commaLeads;
    /** Per position in `order`: the last value met there that needed no escaping. */
    plain;
    /** Per position in `order`: 0 never in the environment, 1 in it, 2 also in __json. */
    kinds;
    asciiKeys;
    at;
    constructor(keys) {
        this.keys = keys;
        const n = keys.length;
        this.order = Array.from({ length: n }, (_, i) => i);
        this.asciiKeys = keys.every(isAscii);
        // Byte strings sort natively; names are their own byte strings when ASCII.
        const byteKeys = keys.map(byteString);
        this.order.sort((a, b) => (byteKeys[a] < byteKeys[b] ? -1 : byteKeys[a] > byteKeys[b] ? 1 : a - b));
        this.byteKeys = this.order.map((i) => byteKeys[i]);
        this.heads = this.byteKeys.map((k) => `(${escapeAterm(k)},`);
        this.leads = this.heads.map((h) => h + '"');
        this.commaLeads = this.heads.map((h) => "," + h + '"');
        this.plain = this.heads.map(() => undefined);
        this.kinds = this.order.map((i) => {
            const k = keys[i];
            return k === "args" || k === "__ignoreNulls" ? 0 : k === "__structuredAttrs" ? 1 : 2;
        });
        this.at = NAMED.map((k) => keys.indexOf(k));
    }
}
const MAX_PLANS = 64;
/** Most recently used first. */
const plans = [];
function sameKeys(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
function planFor(keys) {
    for (let p = 0; p < plans.length; p++) {
        const plan = plans[p];
        if (sameKeys(plan.keys, keys)) {
            if (p > 0) {
                plans[p] = plans[p - 1];
                plans[p - 1] = plan;
            }
            return plan;
        }
    }
    const plan = new Plan(keys);
    if (plans.length >= MAX_PLANS)
        plans.pop();
    plans.unshift(plan);
    return plan;
}
// ---- one call's state -----------------------------------------------------------------------
/** What one derivation() call builds up (one object per call, of one shape). */
class Job {
    state;
    name;
    /** Whether every byte string met so far is ASCII (then ATerms hash as JS strings). */
    ascii = true;
    /**
     * Whether the value coerceAttr() last gave may need escaping or converting to bytes (text from
     * the recipe); numbers, booleans, null and store paths never do.
     */
    raw = false;
    ctx = new Context();
    /** The environment part of the ATerm, each output's variable `""` (masked). */
    env = "[";
    /** Where the `""` of each output's variable is in `env`. */
    gaps = [];
    entries = 0;
    /** The outputHash* attributes as the environment has them (undefined: absent). */
    hash = undefined;
    hashAlgo = undefined;
    hashMode = undefined;
    /** What finish() works out. */
    drvPath = "";
    moduloHex = "";
    /** In the order of the sorted output names. */
    outPaths = [];
    constructor(state, name) {
        this.state = state;
        this.name = name;
    }
    /** A value as an ATerm string: its bytes, quoted and escaped. */
    quote(s) {
        if (!NEEDS_WORK.test(s))
            return '"' + s + '"';
        const b = byteString(s);
        if (b !== s)
            this.ascii = false;
        return escapeAterm(b);
    }
    bytes(s) {
        const b = byteString(s);
        if (b !== s)
            this.ascii = false;
        return b;
    }
    /** An entry of plan position `p` with value `s` (a JS string; `raw`: it may need escaping). */
    entry(plan, p, s, raw) {
        // The last plain value at this position is remembered: recipes repeat many (system, flags).
        if (!raw || s === plan.plain[p] || !NEEDS_WORK.test(s)) {
            if (raw)
                plan.plain[p] = s;
            this.env += (this.entries++ === 0 ? plan.leads[p] : plan.commaLeads[p]) + s + '")';
        }
        else
            this.env += (this.entries++ === 0 ? "" : ",") + plan.heads[p] + this.quote(s) + ")";
    }
    /** The gap for an output's variable. */
    gap(output) {
        this.env += this.entries++ === 0 ? '("' + output + '",' : ',("' + output + '",';
        this.gaps.push(this.env.length);
        this.env += '"")';
    }
    endEnv() {
        this.env += "]";
    }
    /**
     * `head` and the masked environment cut around the environment's gaps. Slicing flattens them
     * once: otherwise each of the three ATerm forms would walk their hundred pieces again when
     * hashed (~2 µs a walk). The whole (flat now) is the last piece.
     */
    pieces(head) {
        const whole = head + this.env;
        const gaps = this.gaps;
        const off = head.length;
        const pieces = [whole.slice(0, off + gaps[0])];
        for (let i = 0; i < gaps.length; i++)
            pieces.push(whole.slice(off + gaps[i] + 2, i + 1 < gaps.length ? off + gaps[i + 1] : whole.length));
        pieces.push(whole);
        return pieces;
    }
}
/** Special characters of ATerm strings, or non-ASCII (which needs converting to bytes). */
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /["\\\n\r\t]|[^\x00-\x7f]/;
function where(name, key) {
    return `derivation '${name}', attribute '${key}'`;
}
/** `v` as an environment string (Nix's coerceToString), adding its context; plain values inline. */
function coerceAttr(job, v, key) {
    job.raw = false;
    switch (typeof v) {
        case "string":
            job.raw = true;
            if (v.indexOf(job.state.pathPrefix) >= 0)
                scanContext(job.state, v, job.ctx, where(job.name, key));
            return v;
        case "boolean":
            return v ? "1" : "";
        case "number":
            if (Number.isSafeInteger(v))
                return String(v);
            break;
        case "object":
            if (v === null)
                return "";
            if (v instanceof OutputValue) {
                const o = v[ORIGIN];
                job.ctx.addDrvOutput(o.drvPath, o.outputName, v[MODULO]);
                job.raw = !job.state.plainStoreDir;
                return v.outPath;
            }
            if (Array.isArray(v))
                return coerceList(job, v, key);
    }
    job.raw = true;
    return coerceToString(job.state, v, job.ctx, where(job.name, key));
}
/** A list: elements separated by a space, but none after an empty list. */
function coerceList(job, v, key) {
    let out = "";
    const n = v.length;
    for (let i = 0; i < n; i++) {
        const x = v[i];
        let s;
        if (typeof x === "string") {
            if (x.indexOf(job.state.pathPrefix) >= 0)
                scanContext(job.state, x, job.ctx, `${where(job.name, key)}[${i}]`);
            s = x;
            job.raw = true;
        }
        else if (x instanceof OutputValue) {
            const o = x[ORIGIN];
            job.ctx.addDrvOutput(o.drvPath, o.outputName, x[MODULO]);
            s = x.outPath;
            if (!job.state.plainStoreDir)
                job.raw = true;
        }
        else {
            job.raw = true;
            s = coerceToString(job.state, x, job.ctx, `${where(job.name, key)}[${i}]`);
            if (Array.isArray(x) && x.length === 0) {
                out += s;
                continue;
            }
        }
        out += i < n - 1 ? s + " " : s;
    }
    return out;
}
// ---- the attributes -------------------------------------------------------------------------
function checkDrvName(name) {
    // Name characters and a length that leaves room for ".drv": checked in full only if not.
    if (name.length <= 207 && nameError(name) === undefined && !name.endsWith(".drv"))
        return;
    try {
        checkName(name, "derivation name");
        if (name.endsWith(".drv"))
            throw new Error("derivation names are not allowed to end in '.drv'");
        checkName(`${name}.drv`, "derivation name");
    }
    catch (e) {
        fail(name, e.message);
    }
}
const DEFAULT_OUTPUTS = Object.freeze(["out"]);
function outputNamesOf(name, v) {
    if (!Array.isArray(v) || v.some((o) => typeof o !== "string"))
        fail(name, "'outputs' must be a list of strings");
    const joined = v.join(" ");
    const outputNames = joined.split(/[ \t\n\r]+/).filter((s) => s !== "");
    if (outputNames.length === 0)
        fail(name, "derivation cannot have an empty set of outputs");
    const seen = new Set();
    for (const o of outputNames) {
        if (o === "drv")
            fail(name, "invalid derivation output name 'drv'");
        if (seen.has(o))
            fail(name, `duplicate derivation output '${o}'`);
        seen.add(o);
        try {
            checkName(o === "out" ? name : `${name}-${o}`, "output name");
        }
        catch (e) {
            fail(name, `invalid output name '${o}': ${e.message}`);
        }
    }
    return outputNames;
}
/** The `args` list as an ATerm list of strings. */
function argsOf(job, v) {
    if (!Array.isArray(v))
        fail(job.name, "'args' must be a list");
    let s = "[";
    for (let i = 0; i < v.length; i++) {
        const a = coerceToString(job.state, v[i], job.ctx, `derivation '${job.name}', args[${i}]`);
        s += (i > 0 ? "," : "") + job.quote(a);
    }
    return s + "]";
}
/** Converted once: the environment reuses it (a __toString runs once, as in Nix). */
function strAttr(job, v, key, structured, ignoreNulls) {
    if (v === undefined || (ignoreNulls && v === null))
        return undefined;
    if (structured && typeof v !== "string")
        fail(job.name, `attribute '${key}' must be a string with __structuredAttrs`);
    return coerceToString(job.state, v, job.ctx, where(job.name, key));
}
/**
 * The environment in byte order, with a gap for each output's variable (which overrides an
 * attribute of the same name), into `job`'s segments.
 */
function buildEnv(job, plan, vals, outSorted, builder, system, ignoreNulls) {
    const at = plan.at;
    let j = 0;
    let last;
    for (let p = 0; p < plan.order.length; p++) {
        if (plan.kinds[p] === 0)
            continue;
        const i = plan.order[p];
        const v = vals[i];
        if (v === undefined || (ignoreNulls && v === null))
            continue;
        const s = i === at[At.builder] ? builder : i === at[At.system] ? system : coerceAttr(job, v, plan.keys[i]);
        const k = plan.byteKeys[p];
        for (; j < outSorted.length && outSorted[j] <= k; j++)
            job.gap(outSorted[j]);
        // An output's variable (empty for now) or an earlier name with the same bytes wins.
        let b;
        if (j > 0 && outSorted[j - 1] === k)
            b = "";
        else if (k !== last) {
            job.entry(plan, p, s, i === at[At.builder] || i === at[At.system] || job.raw);
            if (!plan.asciiKeys)
                job.ascii = false;
            b = s;
        }
        last = k;
        if (b !== undefined && (i === at[At.outputHash] || i === at[At.outputHashAlgo] || i === at[At.outputHashMode])) {
            if (i === at[At.outputHash])
                job.hash = byteString(b);
            else if (i === at[At.outputHashAlgo])
                job.hashAlgo = byteString(b);
            else
                job.hashMode = byteString(b);
        }
    }
    for (; j < outSorted.length; j++)
        job.gap(outSorted[j]);
    job.endEnv();
}
/** `__structuredAttrs = true`: the attributes as one `__json` variable. */
function buildStructuredEnv(job, plan, vals, outSorted, ignoreNulls) {
    const json = {};
    for (let p = 0; p < plan.order.length; p++) {
        const i = plan.order[p];
        const v = vals[i];
        if (plan.kinds[p] === 2 && v !== undefined && !(ignoreNulls && v === null))
            json[plan.keys[i]] = v;
    }
    const s = job.bytes(toJson(job.state, json, job.ctx, `derivation '${job.name}'`));
    let j = 0;
    for (; j < outSorted.length && outSorted[j] <= "__json"; j++)
        job.gap(outSorted[j]);
    if (j === 0 || outSorted[j - 1] !== "__json")
        job.env += (job.entries++ === 0 ? '("__json",' : ',("__json",') + escapeAterm(s) + ")";
    for (; j < outSorted.length; j++)
        job.gap(outSorted[j]);
    job.endEnv();
    const raw = (k) => (plan.at[k] >= 0 ? vals[plan.at[k]] : undefined);
    job.hash = raw(At.outputHash);
    job.hashAlgo = raw(At.outputHashAlgo);
    job.hashMode = raw(At.outputHashMode);
}
const LOWER_HEX = /^[0-9a-f]*$/;
function fixedOutput(job) {
    const hashStr = job.hash;
    if (hashStr === undefined)
        return undefined;
    const algoStr = job.hashAlgo;
    const mode = job.hashMode ?? "flat";
    if (mode !== "flat" && mode !== "recursive")
        fail(job.name, `invalid outputHashMode '${mode}', expected "flat" or "recursive"`);
    // A bare base16 hash of the given algorithm (the usual spelling) is its own text.
    if (algoStr !== undefined && isHashAlgo(algoStr) && hashStr.length === 2 * HASH_SIZE[algoStr] && LOWER_HEX.test(hashStr)) {
        return { algo: algoStr, hex: hashStr, method: mode };
    }
    let h;
    try {
        h = parseHash(hashStr, algoStr ? parseHashAlgo(algoStr) : undefined);
    }
    catch (e) {
        fail(job.name, `invalid outputHash: ${e.message}`);
    }
    return { algo: h.algo, hex: toHex(h.bytes), method: mode };
}
// ---- inputs ---------------------------------------------------------------------------------
/** (key, output) pairs grouped: keys in order, each once, with their output names in order. */
class Grouped {
    keys = [];
    outs = [];
}
/** Group parallel lists of keys and output names (unsorted, repeats allowed). Keys and names are ASCII. */
function group(ks, os) {
    const n = ks.length;
    const idx = [];
    for (let i = 0; i < n; i++) {
        const k = ks[i];
        const o = os[i];
        let j = i - 1;
        for (; j >= 0; j--) {
            const kj = ks[idx[j]];
            if (kj < k || (kj === k && os[idx[j]] <= o))
                break;
            idx[j + 1] = idx[j];
        }
        idx[j + 1] = i;
    }
    const g = new Grouped();
    let last;
    for (let t = 0; t < n; t++) {
        const k = ks[idx[t]];
        const o = os[idx[t]];
        if (last !== undefined && g.keys[g.keys.length - 1] === k) {
            if (last[last.length - 1] !== o)
                last.push(o);
        }
        else {
            g.keys.push(k);
            g.outs.push((last = [o]));
        }
    }
    return g;
}
/** `[("key",["out",…]),…]` */
function printGrouped(g) {
    let s = "[";
    for (let i = 0; i < g.keys.length; i++) {
        s += i > 0 ? ',("' + g.keys[i] + '",[' : '("' + g.keys[i] + '",[';
        const outs = g.outs[i];
        for (let j = 0; j < outs.length; j++)
            s += j > 0 ? ',"' + outs[j] + '"' : '"' + outs[j] + '"';
        s += "])";
    }
    return s + "]";
}
/** The inputs with each .drv path replaced by its modulo hash (equal ones merge). */
function replacedInputs(state, ctx) {
    const hexes = ctx.drvModulos;
    for (let i = 0; i < hexes.length; i++) {
        if (hexes[i] !== "")
            continue;
        // Found in text: looked up.
        const p = ctx.drvPaths[i];
        const made = state.drvs.get(p);
        if (made === undefined)
            throw new CairnError("E_EVAL", `unknown input derivation '${p}'`, { drvPath: p });
        hexes[i] = made.moduloHex;
    }
    return group(hexes, ctx.drvOutputs);
}
/** `["a","b"]` of strings needing no escapes. */
function printPaths(xs) {
    let s = "[";
    for (let i = 0; i < xs.length; i++)
        s += i > 0 ? ',"' + xs[i] + '"' : '"' + xs[i] + '"';
    return s + "]";
}
/** Sources and derivations, merged in order (store paths of one store: UTF-16 order is byte order). */
function mergeSorted(a, b) {
    const out = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length)
        out.push(a[i] <= b[j] ? a[i++] : b[j++]);
    while (i < a.length)
        out.push(a[i++]);
    while (j < b.length)
        out.push(b[j++]);
    return out;
}
const NO_OUTPUTS = Object.freeze([]);
// ---- the value ------------------------------------------------------------------------------
/**
 * One output of a derivation as recipes see it. In a string it is its store path; turning it into
 * text is remembered, which tells apart fixed outputs that share a path (NIX-COMPAT.md §5.6.2).
 * Methods live on the prototype, so a value costs its fields only. Every field is set in the
 * constructor (one shape), then the output names are added and the value frozen.
 */
class OutputValue {
    name;
    drvPath;
    outPath;
    outputName;
    system;
    type = "derivation";
    /** Marks a derivation output for coercion (which reads drvPath and outputName through it). */
    [ORIGIN] = this;
    outputs;
    all = NO_OUTPUTS;
    drvAttrs;
    [MODULO];
    #state;
    constructor(state, name, drvPath, outPath, outputName, system, outputs, drvAttrs, moduloHex) {
        this.name = name;
        this.drvPath = drvPath;
        this.outPath = outPath;
        this.outputName = outputName;
        this.system = system;
        this.outputs = outputs;
        this.drvAttrs = drvAttrs;
        this[MODULO] = moduloHex;
        this.#state = state;
    }
    toString() {
        const key = `${this.drvPath}!${this.outputName}`;
        this.#state.stringified.add(key);
        this.#state.recentlyStringified.add(key);
        return this.outPath;
    }
    [Symbol.toPrimitive]() {
        return this.toString();
    }
}
/** Add each output by name (unless the name is taken) and freeze. */
function complete(v, outs) {
    const r = v;
    r.all = outs;
    for (let i = 0; i < outs.length; i++) {
        const o = outs[i].outputName;
        if (!(o in r))
            r[o] = outs[i];
    }
    return Object.freeze(v);
}
/**
 * The value derivation() returns: it stands for its first output and has one frozen value per
 * output (`drv.dev`), each of which also reaches the others.
 */
function makeValue(state, name, drvPath, moduloHex, outputNames, outPaths, system, attrs) {
    const outputs = outputNames === DEFAULT_OUTPUTS ? DEFAULT_OUTPUTS : Object.freeze(outputNames.slice());
    const outs = [];
    for (let i = 0; i < outputNames.length; i++) {
        outs.push(new OutputValue(state, name, drvPath, outPaths[i], outputNames[i], system, outputs, attrs, moduloHex));
    }
    const all = Object.freeze(outs);
    const value = new OutputValue(state, name, drvPath, outPaths[0], outputNames[0], system, outputs, attrs, moduloHex);
    for (let i = 0; i < outs.length; i++)
        complete(outs[i], all);
    return complete(value, all);
}
// ---- derivation() ---------------------------------------------------------------------------
/** Nix's builtins.derivation. */
export function derivation(attrs) {
    const state = evalState();
    if (typeof attrs !== "object" || attrs === null)
        throw new CairnError("E_EVAL", "derivation: expected an attribute set");
    const keys = Object.keys(attrs);
    const plan = planFor(keys);
    const vals = [];
    for (let i = 0; i < keys.length; i++)
        vals.push(attrs[keys[i]]);
    const at = plan.at;
    const rawName = at[At.name] >= 0 ? vals[at[At.name]] : undefined;
    if (typeof rawName !== "string")
        throw new CairnError("E_EVAL", "derivation: required attribute 'name' is missing or not a string");
    const name = rawName;
    checkDrvName(name);
    if (at[At.contentAddressed] >= 0 && vals[at[At.contentAddressed]] === true)
        fail(name, "'__contentAddressed' (an experimental Nix feature) is not supported by cairn");
    if (at[At.impure] >= 0 && vals[at[At.impure]] === true)
        fail(name, "'__impure' (an experimental Nix feature) is not supported by cairn");
    const structured = at[At.structuredAttrs] >= 0 && vals[at[At.structuredAttrs]] === true;
    const ignoreNulls = at[At.ignoreNulls] >= 0 && vals[at[At.ignoreNulls]] === true;
    const job = new Job(state, name);
    const outputsAttr = at[At.outputs] >= 0 ? vals[at[At.outputs]] : undefined;
    const outputNames = outputsAttr === undefined ? DEFAULT_OUTPUTS : outputNamesOf(name, outputsAttr);
    const argsAttr = at[At.args] >= 0 ? vals[at[At.args]] : undefined;
    const args = argsAttr === undefined ? "[]" : argsOf(job, argsAttr);
    const builder = strAttr(job, at[At.builder] >= 0 ? vals[at[At.builder]] : undefined, "builder", structured, ignoreNulls);
    const system = strAttr(job, at[At.system] >= 0 ? vals[at[At.system]] : undefined, "system", structured, ignoreNulls);
    if (builder === undefined || builder === "")
        fail(name, "required attribute 'builder' is missing");
    if (system === undefined || system === "")
        fail(name, "required attribute 'system' is missing");
    const outSorted = outputNames.length === 1 ? outputNames : outputNames.slice().sort(compareUtf8);
    if (structured)
        buildStructuredEnv(job, plan, vals, outSorted, ignoreNulls);
    else
        buildEnv(job, plan, vals, outSorted, builder, system, ignoreNulls);
    const fixed = fixedOutput(job);
    if (fixed !== undefined && (outputNames.length !== 1 || outputNames[0] !== "out")) {
        fail(name, "multiple outputs are not supported in fixed-output derivations");
    }
    if (!state.asciiStoreDir)
        job.ascii = false;
    finish(job, outSorted, fixed, `"${job.bytes(system)}",${job.quote(builder)},${args},`);
    state.recentlyStringified.clear();
    const outPaths = outSorted === outputNames ? job.outPaths : outputNames.map((o) => job.outPaths[outSorted.indexOf(o)]);
    return makeValue(state, name, job.drvPath, job.moduloHex, outputNames, outPaths, system, attrs);
}
/**
 * Print the ATerm forms, hash them, register the derivation. The inputs with modulo hashes serve
 * both the masked form (which gives the output paths) and this derivation's own modulo hash.
 * `restHead` is platform, builder and args, each followed by a comma.
 */
function finish(job, outSorted, fixed, restHead) {
    const state = job.state;
    const storeDir = state.storeDir;
    const name = job.name;
    const ctx = job.ctx;
    const srcs = ctx.sortedSrcs();
    const head = printPaths(srcs) + "," + restHead;
    const inputs = group(ctx.drvPaths, ctx.drvOutputs);
    const hasInputs = inputs.keys.length > 0;
    const insReplaced = hasInputs ? printGrouped(replacedInputs(state, ctx)) : "[]";
    const pieces = job.pieces(head);
    const outPaths = job.outPaths;
    const hashParts = [];
    let outsFinal;
    let moduloHex;
    if (fixed !== undefined) {
        const algo = (fixed.method === "recursive" ? "r:" : "") + fixed.algo;
        const fingerprint = fixed.method === "recursive" && fixed.algo === "sha256"
            ? `source:sha256:${fixed.hex}:${storeDir}:${name}`
            : `output:out:sha256:${sha256Hex(`fixed:out:${algo}:${fixed.hex}:`)}:${storeDir}:${name}`;
        const hashPart = storePathHashPart(fingerprint);
        const p = `${storeDir}/${hashPart}-${name}`;
        outPaths.push(p);
        hashParts.push(hashPart);
        outsFinal = '[("out","' + p + '","' + algo + '","' + fixed.hex + '")]';
        // Only its hash and output path count.
        moduloHex = sha256ByteStringHex(`fixed:out:${algo}:${fixed.hex}:${p}`, job.ascii);
    }
    else {
        // The masked form: every output's path and variable empty.
        let outsMasked = "[";
        for (let i = 0; i < outSorted.length; i++)
            outsMasked += (i > 0 ? ',("' : '("') + outSorted[i] + '","","","")';
        const masked = "Derive(" + outsMasked + "]," + insReplaced + "," + pieces[outSorted.length + 1] + ")";
        const h = sha256ByteStringHex(masked, job.ascii);
        outsFinal = "[";
        for (let i = 0; i < outSorted.length; i++) {
            const o = outSorted[i];
            const pathName = o === "out" ? name : name + "-" + o;
            const hashPart = storePathHashPart(`output:${o}:sha256:${h}:${storeDir}:${pathName}`);
            // Template literals: measured ~2x cheaper than a chain of + for strings kept as Map keys.
            const p = `${storeDir}/${hashPart}-${pathName}`;
            outPaths.push(p);
            hashParts.push(hashPart);
            outsFinal += (i > 0 ? ',("' : '("') + o + '","' + p + '","","")';
        }
        outsFinal += "]";
    }
    let restFinal = pieces[0];
    for (let i = 0; i < outPaths.length; i++)
        restFinal += '"' + outPaths[i] + '"' + pieces[i + 1];
    restFinal += ")";
    const aterm = "Derive(" + outsFinal + "," + (hasInputs ? printGrouped(inputs) : "[]") + "," + restFinal;
    const atermHash = sha256ByteStringHex(aterm, job.ascii);
    // Without input derivations the modulo form is the final text itself.
    moduloHex ??= hasInputs ? sha256ByteStringHex("Derive(" + outsFinal + "," + insReplaced + "," + restFinal, job.ascii) : atermHash;
    const references = hasInputs ? mergeSorted(srcs, inputs.keys) : srcs;
    let fingerprint = "text";
    for (let i = 0; i < references.length; i++)
        fingerprint += ":" + references[i];
    const drvHashPart = storePathHashPart(`${fingerprint}:sha256:${atermHash}:${storeDir}:${name}.drv`);
    const drvPath = `${storeDir}/${drvHashPart}-${name}.drv`;
    if (!state.drvs.has(drvPath))
        register(state, drvPath, name, aterm, references, moduloHex, drvHashPart, outSorted, outPaths, hashParts, fixed !== undefined);
    job.drvPath = drvPath;
    job.moduloHex = moduloHex;
}
function register(state, drvPath, name, aterm, references, moduloHex, drvHashPart, outSorted, outPaths, hashParts, fixed) {
    const arena = state.arena;
    const start = arena.add(aterm);
    const made = { drvPath, name, chunk: arena.chunk, start, end: arena.used, references, moduloHex, seen: 0, referenced: 0 };
    state.drvs.set(drvPath, made);
    state.onMade?.(drvPath);
    // A new .drv path's and input-addressed output's hash parts are new (they hash this very
    // derivation); fixed outputs of different derivations may share a path.
    state.addMade(drvHashPart, drvPath, "", drvPath);
    for (let i = 0; i < outSorted.length; i++) {
        if (fixed)
            state.addOrigin(hashParts[i], { kind: "output", path: outPaths[i], drvPath, output: outSorted[i] });
        else
            state.addMade(hashParts[i], drvPath, outSorted[i], outPaths[i]);
    }
}
//# sourceMappingURL=derivation.js.map