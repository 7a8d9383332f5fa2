// Property tests (fast-check) for the ATerm printer and parser of store derivations
// (NIX-COMPAT.md §5.2): for random derivations whose strings are byte strings — every byte
// 0–255 in the escaped fields (builder, args, env keys and values), every byte but `"` and `\`
// in the fields Nix writes raw — printing, parsing and printing again gives the same text, the
// parsed derivation is the one printed, and the text does not depend on insertion order.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { derivationBytes, parseDerivation, printDerivation, type Derivation } from "../../../store/format/index.js";

const bytesToString = (b: number[]) => Buffer.from(b).toString("latin1");

/** A byte string of any bytes, with the escaped ones (`" \ LF CR TAB`) and NUL/DEL/0xff frequent. */
const anyBytes = (maxLength = 24) =>
  fc
    .array(fc.oneof(fc.constantFrom(0x22, 0x5c, 0x0a, 0x0d, 0x09, 0x00, 0x7f, 0xff, 0x6e, 0x72, 0x74, 0x2c, 0x29, 0x5d), fc.integer({ min: 0, max: 255 })), { maxLength })
    .map(bytesToString);

/** A byte string for the fields Nix prints unescaped: any byte but `"` and `\`. */
const rawBytes = (maxLength = 16) =>
  fc.array(fc.integer({ min: 0, max: 255 }).filter((b) => b !== 0x22 && b !== 0x5c), { maxLength }).map(bytesToString);

/** Plain ASCII for the unescaped fields (no control characters). */
const plainBytes = (maxLength = 16) =>
  fc.array(fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789+-._?=/:".split("").map((c) => c.charCodeAt(0))), { maxLength }).map(bytesToString);

type Str = fc.Arbitrary<string>;

function derivationArb(raw: Str, escaped: Str): fc.Arbitrary<Derivation> {
  const path = raw.map((s) => "/" + s);
  const uniqueKeyed = <V>(key: Str, value: fc.Arbitrary<V>, maxLength: number) =>
    fc.uniqueArray(fc.tuple(key, value), { selector: (e) => e[0], maxLength }).map((es) => new Map(es));
  return fc.record({
    outputs: uniqueKeyed(
      raw,
      fc.record({ path: fc.oneof(fc.constant(""), path), hashAlgo: fc.oneof(fc.constant(""), raw), hash: fc.oneof(fc.constant(""), raw) }),
      4,
    ),
    inputDrvs: uniqueKeyed(path, fc.uniqueArray(raw, { maxLength: 3 }).map((a) => new Set(a)), 4),
    inputSrcs: fc.uniqueArray(path, { maxLength: 4 }).map((a) => new Set(a)),
    platform: raw,
    builder: escaped,
    args: fc.array(escaped, { maxLength: 5 }),
    env: uniqueKeyed(escaped, escaped, 8),
  });
}

/** The derivation as plain sorted data, to compare structurally. */
function normal(d: Derivation) {
  const byKey = <V>(m: Map<string, V>) => [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return {
    outputs: byKey(d.outputs).map(([k, o]) => [k, o.path, o.hashAlgo, o.hash]),
    inputDrvs: byKey(d.inputDrvs).map(([k, s]) => [k, [...s].sort()]),
    inputSrcs: [...d.inputSrcs].sort(),
    platform: d.platform,
    builder: d.builder,
    args: d.args,
    env: byKey(d.env),
  };
}

/** The same derivation with every map and set built in reverse order. */
function reversed(d: Derivation): Derivation {
  return {
    outputs: new Map([...d.outputs].reverse()),
    inputDrvs: new Map([...d.inputDrvs].reverse().map(([k, s]) => [k, new Set([...s].reverse())])),
    inputSrcs: new Set([...d.inputSrcs].reverse()),
    platform: d.platform,
    builder: d.builder,
    args: [...d.args],
    env: new Map([...d.env].reverse()),
  };
}

const RUNS = { numRuns: 400 };

describe("ATerm: printDerivation ∘ parseDerivation ∘ printDerivation = printDerivation", () => {
  it("on derivations with every byte 0–255 in env values, env keys, args and the builder", () => {
    fc.assert(
      fc.property(derivationArb(rawBytes(), anyBytes()), (d) => {
        const text = printDerivation(d);
        const parsed = parseDerivation(text, "generated");
        expect(printDerivation(parsed)).toBe(text);
        expect(normal(parsed)).toEqual(normal(d));
      }),
      RUNS,
    );
  });

  it("through bytes: derivationBytes → parseDerivation(Uint8Array) → derivationBytes", () => {
    fc.assert(
      fc.property(derivationArb(rawBytes(), anyBytes()), (d) => {
        const bytes = derivationBytes(d);
        expect(Buffer.from(bytes).toString("latin1")).toBe(printDerivation(d));
        const again = derivationBytes(parseDerivation(bytes, "generated"));
        expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
      }),
      RUNS,
    );
  });

  it("the text does not depend on the order maps and sets were filled in", () => {
    fc.assert(
      fc.property(derivationArb(rawBytes(), anyBytes()), (d) => {
        expect(printDerivation(reversed(d))).toBe(printDerivation(d));
      }),
      RUNS,
    );
  });

  it("escaped fields never leave a raw LF, CR, TAB, or an unescaped quote or backslash", () => {
    fc.assert(
      fc.property(derivationArb(plainBytes(), anyBytes()), (d) => {
        const text = printDerivation(d);
        expect(text).not.toMatch(/[\n\r\t]/);
        expect(text.startsWith("Derive([")).toBe(true);
        expect(text.endsWith(")")).toBe(true);
        // Every backslash starts an escape pair; every other quote delimits a string.
        const unescaped = text.replace(/\\[\\"nrt]/g, "");
        expect(unescaped).not.toContain("\\");
        // Strings come in pairs of quotes: the number of delimiting quotes is even.
        expect((unescaped.match(/"/g) ?? []).length % 2).toBe(0);
      }),
      RUNS,
    );
  });

  it("a single escaped value: every byte round-trips, and exactly the five special ones are escaped", () => {
    fc.assert(
      fc.property(anyBytes(64), (v) => {
        const d: Derivation = {
          outputs: new Map([["out", { path: "/nix/store/x-y", hashAlgo: "", hash: "" }]]),
          inputDrvs: new Map(),
          inputSrcs: new Set(),
          platform: "x86_64-linux",
          builder: v,
          args: [v],
          env: new Map([[v, v]]),
        };
        const text = printDerivation(d);
        const esc = `"${v.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]!)}"`;
        expect(text).toBe(`Derive([("out","/nix/store/x-y","","")],[],[],"x86_64-linux",${esc},[${esc}],[(${esc},${esc})])`);
        const p = parseDerivation(text);
        expect([p.builder, p.args[0], [...p.env][0]]).toEqual([v, v, [v, v]]);
      }),
      RUNS,
    );
  });
});
