// Store derivations: the model, ATerm printing and parsing, hashDerivationModulo, output paths.
// Nix: src/libstore/derivations.cc (unparse, parseDerivation, hashDerivationModulo).
//
// Every string in a Derivation is a *byte string*: a JS string whose code units are the bytes
// (latin1), so ATerm text round-trips byte-exactly, non-UTF-8 included, and the default JS string
// order is Nix's byte order. `byteString`/`fromByteString` convert at the edges.
import { CairnError } from "./errors.js";
import { sha256, sha256Hex } from "./hash.js";
import { toHex } from "./bytes.js";
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
/** Whether a byte string is ASCII, i.e. its own UTF-8 (nearly every ATerm is). */
export function isAscii(s) {
    return ASCII.test(s);
}
/** A UTF-8 JS string as a byte string. */
export function byteString(s) {
    // Pure ASCII (the common case) is already its own byte string.
    return isAscii(s) ? s : Buffer.from(s, "utf8").toString("latin1");
}
/** A byte string back to a JS string (invalid UTF-8 becomes U+FFFD). */
export function fromByteString(b) {
    return isAscii(b) ? b : Buffer.from(b, "latin1").toString("utf8");
}
/** The keys of a map or set in byte order (no copy made when already in order: the usual case). */
function sortedKeys(m) {
    const keys = [];
    let inOrder = true;
    m.forEach((_v, k) => {
        if (inOrder && keys.length > 0 && keys[keys.length - 1] > k)
            inOrder = false;
        keys.push(k);
    });
    // Byte strings: the default (UTF-16 code unit) order is their byte order.
    return inOrder ? keys : keys.sort();
}
const SPECIAL = /["\\\n\r\t]/;
/** A byte string as an ATerm string literal: quoted, with `"` `\\` and newline, CR, tab escaped. */
export function escapeAterm(s) {
    if (!SPECIAL.test(s))
        return `"${s}"`;
    let out = '"';
    let start = 0;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        let r;
        if (c === 0x22)
            r = '\\"';
        else if (c === 0x5c)
            r = "\\\\";
        else if (c === 0x0a)
            r = "\\n";
        else if (c === 0x0d)
            r = "\\r";
        else if (c === 0x09)
            r = "\\t";
        if (r !== undefined) {
            out += s.slice(start, i) + r;
            start = i + 1;
        }
    }
    return out + s.slice(start) + '"';
}
/** `[x,…]` of the items, each printed by `f` (no intermediate arrays). */
function list(xs, f) {
    let s = "[";
    for (let i = 0; i < xs.length; i++)
        s += (i > 0 ? "," : "") + f(xs[i]);
    return s + "]";
}
const raw = (s) => `"${s}"`;
// The parts of an ATerm that differ between the masked, final and modulo forms; eval prints
// each once and concatenates (`Derive(OUTPUTS,INPUTS,REST)`). Evaluation prints 30,000 of them
// for 10,000 derivations: they avoid iterators and temporary arrays.
export function printOutputs(drv, masked = false) {
    let s = "[";
    for (const n of sortedKeys(drv.outputs)) {
        const o = drv.outputs.get(n);
        if (s.length > 1)
            s += ",";
        s += `(${raw(n)},${raw(masked ? "" : o.path)},${raw(o.hashAlgo)},${raw(o.hash)})`;
    }
    return s + "]";
}
export function printInputs(inputs) {
    let s = "[";
    for (const p of sortedKeys(inputs)) {
        if (s.length > 1)
            s += ",";
        s += `(${raw(p)},${list(sortedKeys(inputs.get(p)), raw)})`;
    }
    return s + "]";
}
export function printRestParts(drv) {
    let cur = `${list(sortedKeys(drv.inputSrcs), raw)},${raw(drv.platform)},${escapeAterm(drv.builder)},${list(drv.args, escapeAterm)},[`;
    const segments = [];
    const slots = [];
    let first = true;
    for (const k of sortedKeys(drv.env)) {
        if (!first)
            cur += ",";
        first = false;
        if (drv.outputs.has(k)) {
            segments.push(`${cur}(${escapeAterm(k)},`);
            slots.push(k);
            cur = ")";
        }
        else
            cur += `(${escapeAterm(k)},${escapeAterm(drv.env.get(k))})`;
    }
    segments.push(cur + "]");
    return { segments, slots };
}
/** The rest with each output-named variable's value from `fill` (masked: always ""). */
export function joinRest(parts, fill) {
    let s = parts.segments[0];
    for (let i = 0; i < parts.slots.length; i++)
        s += escapeAterm(fill(parts.slots[i])) + parts.segments[i + 1];
    return s;
}
/** Sources, platform, builder, args and environment. */
export function printRest(drv, masked = false) {
    return joinRest(printRestParts(drv), masked ? () => "" : (k) => drv.env.get(k));
}
export function assembleAterm(outputs, inputs, rest) {
    return `Derive(${outputs},${inputs},${rest})`;
}
/** ATerm text of `drv` as a byte string. */
export function printDerivation(drv, opts = {}) {
    const masked = opts.masked === true;
    return assembleAterm(printOutputs(drv, masked), printInputs(opts.inputs ?? drv.inputDrvs), printRest(drv, masked));
}
export function derivationBytes(drv, opts) {
    const s = printDerivation(drv, opts);
    return new Uint8Array(Buffer.from(s, "latin1"));
}
/**
 * sha256 of a byte string. ASCII text is hashed as is (node:crypto's one-shot hash of a string is
 * the cheapest call measured, ~1.6 µs per KB); callers hashing several forms of one text pass
 * `ascii` once.
 */
export function sha256ByteString(s, ascii = isAscii(s)) {
    return sha256(ascii ? s : Buffer.from(s, "latin1"));
}
/** The same as lower-case hex. */
export function sha256ByteStringHex(s, ascii = isAscii(s)) {
    return sha256Hex(ascii ? s : Buffer.from(s, "latin1"));
}
// ---- parsing ----------------------------------------------------------------------------------
class AtermReader {
    s;
    what;
    pos = 0;
    constructor(s, what) {
        this.s = s;
        this.what = what;
    }
    fail(expected) {
        const got = this.pos < this.s.length ? JSON.stringify(this.s.slice(this.pos, this.pos + 12)) : "end of input";
        throw new CairnError("E_BAD_DERIVATION", `${this.what}: expected ${expected} at byte ${this.pos}, got ${got}`, {
            input: this.what,
            offset: this.pos,
        });
    }
    expect(lit) {
        if (!this.s.startsWith(lit, this.pos))
            this.fail(`'${lit}'`);
        this.pos += lit.length;
    }
    peek(c) {
        return this.s[this.pos] === c;
    }
    string() {
        if (!this.peek('"'))
            this.fail("a string");
        this.pos++;
        let out = "";
        let start = this.pos;
        for (;;) {
            if (this.pos >= this.s.length)
                this.fail("a closing '\"'");
            const c = this.s.charCodeAt(this.pos);
            if (c === 0x22)
                break;
            if (c === 0x5c) {
                out += this.s.slice(start, this.pos);
                this.pos++;
                if (this.pos >= this.s.length)
                    this.fail("an escaped character");
                const e = this.s[this.pos];
                out += e === "n" ? "\n" : e === "r" ? "\r" : e === "t" ? "\t" : e;
                start = this.pos + 1;
            }
            this.pos++;
        }
        out += this.s.slice(start, this.pos);
        this.pos++;
        return out;
    }
    path() {
        const p = this.string();
        if (!p.startsWith("/")) {
            this.pos -= p.length + 2;
            this.fail("an absolute path");
        }
        return p;
    }
    /** `[` item (`,` item)* `]` */
    list(item) {
        this.expect("[");
        const out = [];
        if (this.peek("]")) {
            this.pos++;
            return out;
        }
        for (;;) {
            out.push(item());
            if (this.peek(",")) {
                this.pos++;
                continue;
            }
            this.expect("]");
            return out;
        }
    }
    end() {
        if (this.pos !== this.s.length)
            this.fail("end of input");
    }
}
/** Parse ATerm bytes (or a byte string). `what` names the input in errors. */
export function parseDerivation(text, what = "derivation") {
    const s = typeof text === "string" ? text : Buffer.from(text).toString("latin1");
    const r = new AtermReader(s, what);
    const unique = (m, k, v, kind) => {
        if (m.has(k)) {
            throw new CairnError("E_BAD_DERIVATION", `${what}: duplicate ${kind} '${fromByteString(k)}'`, { input: what, key: k });
        }
        m.set(k, v);
    };
    r.expect("Derive(");
    const outputs = new Map();
    for (const [n, o] of r.list(() => {
        r.expect("(");
        const name = r.string();
        r.expect(",");
        const path = r.string();
        r.expect(",");
        const hashAlgo = r.string();
        r.expect(",");
        const hash = r.string();
        r.expect(")");
        return [name, { path, hashAlgo, hash }];
    })) {
        unique(outputs, n, o, "output");
    }
    r.expect(",");
    const inputDrvs = new Map();
    for (const [p, names] of r.list(() => {
        r.expect("(");
        const p = r.path();
        r.expect(",");
        const names = r.list(() => r.string());
        r.expect(")");
        return [p, new Set(names)];
    })) {
        unique(inputDrvs, p, names, "input derivation");
    }
    r.expect(",");
    const inputSrcs = new Set(r.list(() => r.path()));
    r.expect(",");
    const platform = r.string();
    r.expect(",");
    const builder = r.string();
    r.expect(",");
    const args = r.list(() => r.string());
    r.expect(",");
    const env = new Map();
    for (const [k, v] of r.list(() => {
        r.expect("(");
        const k = r.string();
        r.expect(",");
        const v = r.string();
        r.expect(")");
        return [k, v];
    })) {
        unique(env, k, v, "environment variable");
    }
    r.expect(")");
    r.end();
    return { outputs, inputDrvs, inputSrcs, platform, builder, args, env };
}
// ---- hashes -----------------------------------------------------------------------------------
export function isFixedOutput(drv) {
    const out = drv.outputs.get("out");
    return drv.outputs.size === 1 && out !== undefined && out.hash !== "";
}
/** The inputDrvs of `drv` with each .drv path replaced by its modulo hash (hex); equal ones merge. */
export function replacedInputs(drv, lookup) {
    const replaced = new Map();
    for (const [p, names] of drv.inputDrvs) {
        const h = lookup(p);
        const k = typeof h === "string" ? h : toHex(h);
        const set = replaced.get(k);
        if (set === undefined)
            replaced.set(k, new Set(names));
        else
            for (const n of names)
                set.add(n);
    }
    return replaced;
}
/**
 * Nix's hashDerivationModulo. `lookup(drvPath)` gives the modulo hash (bytes or hex) of an input
 * derivation (callers memoise: eval from what it made, import from the .drv files it read). For
 * a new derivation, pass `masked` (or a masked copy): output paths and their env variables empty.
 */
export function hashDerivationModulo(drv, lookup, masked = false) {
    if (isFixedOutput(drv))
        return fixedOutputModulo(drv);
    return sha256ByteString(printDerivation(drv, { inputs: replacedInputs(drv, lookup), masked }));
}
/** The modulo hash of a fixed-output derivation: only its hash and output path count. */
export function fixedOutputModulo(drv) {
    const o = drv.outputs.get("out");
    return sha256(Buffer.from(`fixed:out:${o.hashAlgo}:${o.hash}:${o.path}`, "latin1"));
}
/** The masked form of `drv`: every output path and the env variable of every output emptied. */
export function maskOutputs(drv) {
    const outputs = new Map();
    const env = new Map(drv.env);
    for (const [n, o] of drv.outputs) {
        outputs.set(n, { ...o, path: "" });
        env.set(n, "");
    }
    return { ...drv, outputs, env };
}
//# sourceMappingURL=derivation.js.map