// Property tests (fast-check) for the pure formats: nix32, hash text forms, store path names,
// the NAR writer/reader pair (including mutated NARs) and the reference scanner.
import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CairnError,
  HASH_SIZE,
  NIX32_ALPHABET,
  NarPushParser,
  ReferenceScanner,
  compareBytes,
  decodeNix32,
  encodeNix32,
  memTree,
  nameError,
  narBytes,
  narHashOfFile,
  nix32Length,
  parseBaseName,
  parseHash,
  parseNarBuffer,
  parseStorePath,
  printHash,
  printStorePath,
  scanForReferences,
  type HashAlgo,
  type HashFormat,
  type MemTree,
  type NarEvents,
} from "../../../store/format/index.js";

const ALGOS: HashAlgo[] = ["md5", "sha1", "sha256", "sha512"];
const FORMATS: HashFormat[] = ["base16", "nix32", "base64", "sri"];

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof CairnError)) throw e;
    return e.code;
  }
}

// ---------------------------------------------------------------------------------------------
describe("nix32", () => {
  const sized = fc.constantFrom(16, 20, 32, 64).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

  it("decode(encode(b)) = b, with the documented length and alphabet", () => {
    fc.assert(
      fc.property(sized, (b) => {
        const s = encodeNix32(b);
        expect(s.length).toBe(nix32Length(b.length));
        for (const c of s) expect(NIX32_ALPHABET).toContain(c);
        expect(decodeNix32(s, b.length)).toEqual(b);
      }),
      { numRuns: 1000 },
    );
  });

  it("the first digit is accepted iff it sets no bits beyond the hash", () => {
    fc.assert(
      fc.property(sized, fc.integer({ min: 0, max: 31 }), (b, d) => {
        const n = b.length;
        const L = nix32Length(n);
        // The first character is 5-bit group L-1; only its low (8n - 5(L-1)) bits are inside the hash.
        const room = 8 * n - 5 * (L - 1);
        const s = NIX32_ALPHABET[d]! + encodeNix32(b).slice(1);
        const code = codeOf(() => decodeNix32(s, n));
        if (d < 1 << room) {
          expect(code).toBeUndefined();
          expect(encodeNix32(decodeNix32(s, n))).toBe(s);
        } else {
          expect(code).toBe("E_BAD_BASE32");
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("rejects foreign characters at any position", () => {
    const foreign = fc.constantFrom("e", "o", "u", "t", "E", "A", "Z", "-", "+", "/", "=", " ", "\0", "é", "\u{1f980}".charAt(0), "ſ", "\u0660");
    fc.assert(
      fc.property(sized, foreign, fc.nat(), (b, c, p) => {
        const s = encodeNix32(b);
        const i = p % s.length;
        const bad = s.slice(0, i) + c + s.slice(i + 1);
        expect(codeOf(() => decodeNix32(bad, b.length))).toBe("E_BAD_BASE32");
      }),
      { numRuns: 1000 },
    );
  });

  it("any string either decodes canonically or is refused with E_BAD_BASE32", () => {
    const chars = fc.constantFrom(...NIX32_ALPHABET, "e", "o", "u", "t", "A", "\0", "é");
    const input = fc.constantFrom(16, 20, 32, 64).chain((n) =>
      fc.tuple(
        fc.constant(n),
        fc.oneof(
          fc.string({ unit: chars, minLength: nix32Length(n), maxLength: nix32Length(n) }),
          fc.string({ unit: chars, maxLength: 110 }),
        ),
      ),
    );
    fc.assert(
      fc.property(input, ([n, s]) => {
        let out: Uint8Array;
        try {
          out = decodeNix32(s, n);
        } catch (e) {
          expect(e).toBeInstanceOf(CairnError);
          expect((e as CairnError).code).toBe("E_BAD_BASE32");
          return;
        }
        expect(out.length).toBe(n);
        expect(encodeNix32(out)).toBe(s);
      }),
      { numRuns: 1000 },
    );
  });

  it("narHashOfFile is the sha256 and size of writeNar's NAR of that file", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (contents) => {
        const nar = narBytes(memTree({ type: "regular", contents }));
        const got = narHashOfFile(contents);
        expect(got.size).toBe(nar.length);
        expect(Buffer.from(got.hash.bytes).toString("hex")).toBe(createHash("sha256").update(nar).digest("hex"));
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe("hash text forms", () => {
  const hash = fc
    .constantFrom(...ALGOS)
    .chain((algo) =>
      fc.record({ algo: fc.constant(algo), bytes: fc.uint8Array({ minLength: HASH_SIZE[algo], maxLength: HASH_SIZE[algo] }) }),
    );

  it("parseHash(printHash(h, fmt, withAlgo)) = h for every algorithm and format", () => {
    fc.assert(
      fc.property(hash, fc.constantFrom(...FORMATS), fc.boolean(), (h, fmt, withAlgo) => {
        const s = printHash(h, fmt, withAlgo);
        const typed = withAlgo || fmt === "sri";
        // With the algorithm in the text, context is optional; without it, context is required.
        expect(parseHash(s, h.algo)).toEqual(h);
        if (typed) expect(parseHash(s)).toEqual(h);
        else expect(codeOf(() => parseHash(s))).toBe("E_BAD_HASH");
        // A different context algorithm: refused if the text names the algorithm. A bare body is
        // decoded by its length, as Nix does, so it may happen to fit another algorithm's form
        // (32 hex digits of an md5 are also 32 nix32 digits of a sha1).
        for (const other of ALGOS.filter((a) => a !== h.algo)) {
          let got;
          try {
            got = parseHash(s, other);
          } catch (e) {
            expect(e).toBeInstanceOf(CairnError);
            expect((e as CairnError).code).toBe("E_BAD_HASH");
            continue;
          }
          expect(typed).toBe(false);
          expect(got.algo).toBe(other);
          expect(got.bytes.length).toBe(HASH_SIZE[other]);
        }
        if (fmt === "base16") expect(parseHash(s.toUpperCase().replace(/^[A-Z0-9]+:/, (p) => p.toLowerCase()), h.algo)).toEqual(h);
        // Printing what was parsed gives the same text: one spelling per hash and format.
        expect(printHash(parseHash(s, h.algo), fmt, withAlgo)).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
describe("store paths", () => {
  const NAME_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-._?=";
  const hashPart = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(encodeNix32);

  /** The rules of NIX-COMPAT §2.1, written independently of store-path.ts. */
  function validName(s: string): boolean {
    if (s.length < 1 || s.length > 211) return false;
    for (const c of s) if (!NAME_ALPHABET.includes(c)) return false;
    if (s === "." || s === "..") return false;
    return !s.startsWith(".-") && !s.startsWith("..-");
  }

  const nameChar = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NAME_ALPHABET) },
    { weight: 3, arbitrary: fc.constantFrom(".", "-") },
    { weight: 1, arbitrary: fc.constantFrom("/", "\0", " ", "\n", ":", "@", "é", "\u{1f980}", "\uFB01", "~", "*", "\\", "%") },
  );
  const anyName = fc.oneof(
    fc.string({ unit: nameChar, maxLength: 230 }),
    fc.string({ unit: nameChar, maxLength: 6 }),
    fc.string({ unit: fc.constantFrom(".", "-", "a"), maxLength: 5 }),
    fc.string({ unit: fc.constantFrom(...NAME_ALPHABET), minLength: 205, maxLength: 230 }),
    fc.string({ unit: "binary", maxLength: 20 }),
  );
  const validNameArb = fc.string({ unit: nameChar, minLength: 1, maxLength: 211 }).filter(validName);
  const storeDir = fc.oneof(
    fc.constant("/nix/store"),
    fc
      .array(fc.string({ unit: fc.constantFrom(..."abz09_-."), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
      .filter((cs) => cs.every((c) => c !== "." && c !== ".."))
      .map((cs) => "/" + cs.join("/")),
  );

  it("print/parse round trip for valid names", () => {
    fc.assert(
      fc.property(storeDir, hashPart, validNameArb, (dir, h, name) => {
        const p = { hashPart: h, name };
        const printed = printStorePath(dir, p);
        expect(parseStorePath(dir, printed)).toEqual(p);
        expect(parseBaseName(`${h}-${name}`)).toEqual(p);
      }),
      { numRuns: 1000 },
    );
  });

  it("the name parser accepts exactly what the validator allows (and the validator follows §2.1)", () => {
    fc.assert(
      fc.property(hashPart, anyName, (h, name) => {
        const ok = nameError(name) === undefined;
        expect(ok).toBe(validName(name));
        expect(codeOf(() => parseBaseName(`${h}-${name}`))).toBe(ok ? undefined : "E_BAD_STORE_PATH");
        expect(codeOf(() => parseStorePath("/nix/store", `/nix/store/${h}-${name}`))).toBe(
          ok ? undefined : "E_BAD_STORE_PATH",
        );
      }),
      { numRuns: 3000 },
    );
  });

  it("a hash part with a foreign character is refused", () => {
    fc.assert(
      fc.property(hashPart, fc.nat(31), fc.constantFrom("e", "o", "u", "t", "A", "-", "/", "é"), (h, i, c) => {
        const bad = h.slice(0, i) + c + h.slice(i + 1);
        expect(codeOf(() => parseBaseName(`${bad}-hello`))).toBe("E_BAD_STORE_PATH");
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// NAR trees. `T` is a plain in-memory tree with byte names; `canon` sorts entries by name bytes.
type T =
  | { type: "regular"; executable: boolean; contents: Uint8Array }
  | { type: "symlink"; target: Uint8Array }
  | { type: "directory"; entries: [Uint8Array, T][] };

function toMem(t: T): MemTree {
  switch (t.type) {
    case "regular":
      return { type: "regular", executable: t.executable, contents: t.contents };
    case "symlink":
      return { type: "symlink", target: t.target };
    case "directory":
      return { type: "directory", entries: new Map(t.entries.map(([n, c]) => [n, toMem(c)] as const)) };
  }
}

function canon(t: T): T {
  if (t.type !== "directory") return t;
  const entries = [...t.entries].sort((a, b) => compareBytes(a[0], b[0])).map(([n, c]) => [n, canon(c)] as [Uint8Array, T]);
  return { type: "directory", entries };
}

const write = (t: T) => narBytes(memTree(toMem(t)));

/** A tree with bytes as hex strings: vitest compares big typed arrays element by element, slowly. */
function hexTree(t: T): unknown {
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
  switch (t.type) {
    case "regular":
      return { x: t.executable, c: hex(t.contents) };
    case "symlink":
      return { l: hex(t.target) };
    case "directory":
      return t.entries.map(([n, c]) => [hex(n), hexTree(c)]);
  }
}

/** Parse a NAR back into a tree through the event interface (checking the events' order). */
function readTree(nar: Uint8Array): T {
  let root: T | undefined;
  const dirs: Extract<T, { type: "directory" }>[] = [];
  let open: { node: Extract<T, { type: "regular" }>; size: number; chunks: Uint8Array[] } | undefined;
  const place = (path: readonly Uint8Array[], node: T) => {
    expect(open).toBeUndefined();
    if (path.length === 0) {
      expect(root).toBeUndefined();
      root = node;
    } else {
      // Depth-first order: the parent is the last directory opened one level up.
      const parent = dirs[path.length - 1];
      expect(parent).toBeDefined();
      parent!.entries.push([new Uint8Array(path[path.length - 1]!), node]);
    }
    dirs.length = path.length;
    if (node.type === "directory") dirs.push(node);
  };
  const events: NarEvents = {
    directory(path) {
      place(path, { type: "directory", entries: [] });
    },
    regular(path, executable, size) {
      const node = { type: "regular" as const, executable, contents: new Uint8Array(0) };
      place(path, node);
      open = { node, size, chunks: [] };
    },
    contents(chunk) {
      expect(open).toBeDefined();
      open!.chunks.push(new Uint8Array(chunk));
    },
    endRegular() {
      expect(open).toBeDefined();
      const c = new Uint8Array(Buffer.concat(open!.chunks));
      expect(c.length).toBe(open!.size);
      open!.node.contents = c;
      open = undefined;
    },
    symlink(path, target) {
      place(path, { type: "symlink", target: new Uint8Array(target) });
    },
  };
  parseNarBuffer(nar, events);
  expect(open).toBeUndefined();
  expect(root).toBeDefined();
  return root!;
}

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, "utf8"));
const noSlashNul = (b: Uint8Array) => b.map((x) => (x === 0 || x === 0x2f ? 0x5f : x));

const entryName = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: fc.constantFrom(..."abcAB_.-0z"), minLength: 1, maxLength: 6 }).map(utf8) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 6 }).map(utf8) },
    { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }) },
    { weight: 1, arbitrary: fc.constantFrom("...", ".a", "a.", "\uFB01", "\u{1f980}", "A", "_", "a").map(utf8) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 200, maxLength: 255 }) },
  )
  .map(noSlashNul)
  .filter((b) => !(b.length === 1 && b[0] === 0x2e) && !(b.length === 2 && b[0] === 0x2e && b[1] === 0x2e));

const contents = fc.oneof(
  { weight: 8, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 16000, maxLength: 20000 }) },
);
const target = fc
  .oneof(
    { weight: 8, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }).map(utf8) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 4000, maxLength: 4095 }) },
  )
  .map((b) => b.map((x) => (x === 0 ? 1 : x)));

function treeArb(maxEntries: number, maxDepth: number, contentsArb = contents) {
  return fc.letrec<{ node: T; leaf: T; dir: T }>((tie) => ({
    node: fc.oneof({ maxDepth, depthIdentifier: "nar" }, tie("leaf"), tie("dir")),
    leaf: fc.oneof(
      fc.record({ type: fc.constant("regular" as const), executable: fc.boolean(), contents: contentsArb }),
      fc.record({ type: fc.constant("symlink" as const), target }),
    ),
    dir: fc.record({
      type: fc.constant("directory" as const),
      entries: fc.uniqueArray(fc.tuple(entryName, tie("node")), {
        maxLength: maxEntries,
        selector: ([n]) => Buffer.from(n).toString("hex"),
      }),
    }),
  })).node;
}

describe("NAR writer and reader", () => {
  it("write -> parse -> write is the identity; parse events reproduce the tree", () => {
    fc.assert(
      fc.property(treeArb(5, 4), (t) => {
        const nar = write(t);
        expect(nar.length % 8).toBe(0);
        const back = readTree(nar);
        expect(hexTree(back)).toEqual(hexTree(canon(t)));
        expect(Buffer.compare(write(back), nar)).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mutated NARs: the reader either accepts (and then the input was canonical, so re-serialising
// gives the same bytes) or throws a CairnError E_NAR_FORMAT / E_NAR_TRUNCATED, nothing else.
type Mutation =
  | { kind: "flip"; flips: [number, number][] }
  | { kind: "truncate"; at: number }
  | { kind: "splice"; at: number; del: number; ins: Uint8Array }
  | { kind: "self-splice"; at: number; del: number; from: number; len: number }
  | { kind: "length"; word: number; value: bigint | number }
  | { kind: "word"; word: number; other: number; op: "swap" | "dup" | "drop" }
  | { kind: "rename"; from: number; to: number };

const INTERESTING = [0n, 1n, 7n, 8n, 9n, 13n, 31n, 32n, 33n, 255n, 256n, 4095n, 4096n, 2n ** 31n, 2n ** 32n, 2n ** 45n, 2n ** 48n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant("flip" as const),
    flips: fc.array(fc.tuple(fc.nat(), fc.nat(7)), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant("splice" as const),
    at: fc.nat(),
    del: fc.nat(24),
    ins: fc.oneof(fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ minLength: 8, maxLength: 8 })),
  }),
  fc.record({
    kind: fc.constant("self-splice" as const),
    at: fc.nat(),
    del: fc.nat(64),
    from: fc.nat(),
    len: fc.nat(96),
  }),
  fc.record({
    kind: fc.constant("length" as const),
    word: fc.nat(),
    value: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: -9, max: 9 })),
  }),
  fc.record({ kind: fc.constant("rename" as const), from: fc.nat(), to: fc.nat() }),
  fc.record({
    kind: fc.constant("word" as const),
    word: fc.nat(),
    other: fc.nat(),
    op: fc.constantFrom("swap" as const, "dup" as const, "drop" as const),
  }),
);

const NAME_TOKEN = Buffer.from("04000000000000006e616d6500000000", "hex");

/** The byte ranges of the entry names (length field, bytes, padding) in a well-formed NAR. */
function nameRanges(b: Buffer): [number, number][] {
  const out: [number, number][] = [];
  for (let p = b.indexOf(NAME_TOKEN); p >= 0 && p % 8 === 0 && p + 24 <= b.length; p = b.indexOf(NAME_TOKEN, p + 16)) {
    const len = Number(b.readBigUInt64LE(p + 16));
    out.push([p + 16, p + 24 + Math.ceil(len / 8) * 8]);
  }
  return out;
}

function mutate(nar: Uint8Array, m: Mutation): Uint8Array {
  const n = nar.length;
  const b = Buffer.from(nar);
  const words = Math.floor(n / 8);
  if (words === 0 && (m.kind === "self-splice" || m.kind === "length" || m.kind === "word")) return nar;
  switch (m.kind) {
    case "flip":
      for (const [p, bit] of m.flips) b[p % n]! ^= 1 << bit;
      return new Uint8Array(b);
    case "truncate":
      return new Uint8Array(b.subarray(0, m.at % n));
    case "splice": {
      const at = m.at % (n + 1);
      return new Uint8Array(Buffer.concat([b.subarray(0, at), m.ins, b.subarray(at + m.del)]));
    }
    case "self-splice": {
      // Structure-aware: aligned cut points, the inserted piece copied from the NAR itself.
      const at = (m.at % (words + 1)) * 8;
      const from = (m.from % words) * 8;
      const piece = b.subarray(from, from + m.len * 8);
      return new Uint8Array(Buffer.concat([b.subarray(0, at), piece, b.subarray(at + m.del * 8)]));
    }
    case "length": {
      // Every length field of a NAR is 8-aligned; so is every other word, which is edited too.
      const at = (m.word % words) * 8;
      const v =
        typeof m.value === "bigint" ? m.value : BigInt.asUintN(64, b.readBigUInt64LE(at) + BigInt(m.value));
      b.writeBigUInt64LE(v, at);
      return new Uint8Array(b);
    }
    case "rename": {
      // Replace one entry name by another one: duplicates, order violations, or a valid NAR.
      const r = nameRanges(b);
      if (r.length === 0) return nar;
      const [a0, a1] = r[m.to % r.length]!;
      const [b0, b1] = r[m.from % r.length]!;
      return new Uint8Array(Buffer.concat([b.subarray(0, a0), b.subarray(b0, b1), b.subarray(a1)]));
    }
    case "word": {
      const i = (m.word % words) * 8;
      const j = (m.other % words) * 8;
      const wi = Buffer.from(b.subarray(i, i + 8));
      const wj = Buffer.from(b.subarray(j, j + 8));
      if (m.op === "swap") {
        wj.copy(b, i);
        wi.copy(b, j);
        return new Uint8Array(b);
      }
      if (m.op === "dup") return new Uint8Array(Buffer.concat([b.subarray(0, i), wi, b.subarray(i)]));
      return new Uint8Array(Buffer.concat([b.subarray(0, i), b.subarray(i + 8)]));
    }
  }
}

describe("mutated NARs", () => {
  const outcomes = new Map<string, number>();
  const small = fc.oneof({ weight: 9, arbitrary: fc.uint8Array({ maxLength: 20 }) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) });
  const RUNS = 20_000;

  it(`never throw anything but E_NAR_FORMAT / E_NAR_TRUNCATED, and accept only canonical NARs (${RUNS} cases)`, () => {
    fc.assert(
      fc.property(treeArb(3, 3, small), fc.array(mutation, { minLength: 1, maxLength: 2 }), (t, ms) => {
        let nar = write(t);
        for (const m of ms) if (nar.length > 0) nar = mutate(nar, m);
        let back: T;
        try {
          back = readTree(nar);
        } catch (e) {
          if (!(e instanceof CairnError)) throw e;
          expect(["E_NAR_FORMAT", "E_NAR_TRUNCATED"]).toContain(e.code);
          expect(e.code === "E_NAR_TRUNCATED").toBe(e.data.reason === "truncated");
          const key = `${e.code}/${String(e.data.reason)}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          return;
        }
        outcomes.set("accepted", (outcomes.get("accepted") ?? 0) + 1);
        expect(Buffer.compare(write(back), nar)).toBe(0);
      }),
      { numRuns: RUNS },
    );
    // The mutations must reach the interesting checks, not just the first one.
    for (const r of ["accepted", "truncated", "too-large", "too-long", "unexpected-token", "bad-padding", "bad-name", "unsorted", "unknown-type", "trailing-data", "bad-target", "bad-executable", "not-a-nar"]) {
      expect([...outcomes.keys()].some((k) => k.endsWith(r)), r).toBe(true);
    }
    if (process.env.CAIRN_PROPERTY_STATS) console.log(Object.fromEntries([...outcomes].sort()));
  });
});

describe("NAR push parser", () => {
  /** Every event as text, plus how the parse ended (code, reason, offset; not the wording). */
  function outcome(run: (events: NarEvents) => void): string[] {
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const p = (path: readonly Uint8Array[]) => path.map(hex).join("/");
    const log: string[] = [];
    const events: NarEvents = {
      directory: (path) => void log.push(`d ${p(path)}`),
      regular: (path, x, size) => void log.push(`r ${p(path)} ${x} ${size}`),
      contents: (c) => void log.push(`c ${hex(c)}`),
      endRegular: () => void log.push("e"),
      symlink: (path, t) => void log.push(`l ${p(path)} ${hex(t)}`),
      endDirectory: (path) => void log.push(`/d ${p(path)}`),
    };
    try {
      run(events);
      log.push("ok");
    } catch (e) {
      if (!(e instanceof CairnError)) throw e;
      log.push(`${e.code} ${String(e.data.reason)} ${String(e.data.offset)}`);
    }
    return log;
  }
  const small = fc.uint8Array({ maxLength: 40 });

  it("fed in chunks of any size, it gives the buffer parser's events, errors and offsets", () => {
    fc.assert(
      fc.property(treeArb(3, 3, small), fc.array(mutation, { maxLength: 2 }), fc.array(fc.integer({ min: 1, max: 70 }), { minLength: 1, maxLength: 8 }), (t, ms, cuts) => {
        let nar = write(t);
        for (const m of ms) if (nar.length > 0) nar = mutate(nar, m);
        const want = outcome((ev) => parseNarBuffer(nar, ev));
        const got = outcome((ev) => {
          const parser = new NarPushParser(ev);
          for (let pos = 0, i = 0; pos < nar.length; i++) {
            const n = cuts[i % cuts.length]!;
            parser.push(nar.subarray(pos, pos + n));
            pos += n;
          }
          expect(parser.end()).toBe(nar.length);
        });
        expect(got).toEqual(want);
      }),
      { numRuns: 5000 },
    );
  });

  it("counts and passes on every byte it consumes", () => {
    const nar = write({ type: "directory", entries: [[utf8("a"), { type: "regular", executable: true, contents: utf8("x".repeat(100)) }]] });
    const seen: Uint8Array[] = [];
    const parser = new NarPushParser(
      { directory() {}, regular() {}, contents() {}, endRegular() {}, symlink() {} },
      (c) => void seen.push(new Uint8Array(c)),
    );
    parser.push(nar.subarray(0, 13));
    expect(parser.done).toBe(false);
    parser.push(nar.subarray(13));
    expect(parser.done).toBe(true);
    expect(Buffer.compare(Buffer.concat(seen), nar)).toBe(0);
    expect(parser.end()).toBe(nar.length);
    expect(() => parser.push(new Uint8Array(1))).toThrow(/trailing data after the NAR's \d+ bytes/);
  });
});

// ---------------------------------------------------------------------------------------------
describe("reference scanner", () => {
  const hp = fc.uint8Array({ minLength: 20, maxLength: 20 }).map(encodeNix32);
  const nix32Bytes = fc.string({ unit: fc.constantFrom(...NIX32_ALPHABET), maxLength: 40 }).map((s) => new Uint8Array(Buffer.from(s, "latin1")));
  const filler = fc.oneof(fc.uint8Array({ maxLength: 80 }), nix32Bytes, fc.constant(new Uint8Array(0)));

  const scenario = fc
    .uniqueArray(hp, { minLength: 1, maxLength: 8 })
    .chain((cands) =>
      fc.record({
        cands: fc.constant(cands),
        // Pieces: filler, a whole candidate, or a near miss (a candidate with its last character cut off).
        pieces: fc.array(
          fc.oneof(
            filler.map((b) => ({ b, ins: undefined as string | undefined })),
            fc.constantFrom(...cands).map((c) => ({ b: new Uint8Array(Buffer.from(c, "latin1")), ins: c as string | undefined })),
            fc.constantFrom(...cands).map((c) => ({ b: new Uint8Array(Buffer.from(c.slice(0, 31), "latin1")), ins: undefined })),
          ),
          { maxLength: 12 },
        ),
        cuts: fc.array(fc.nat(), { maxLength: 10 }),
      }),
    );

  it("finds exactly the hash parts that occur, whatever the chunking", () => {
    fc.assert(
      fc.property(scenario, ({ cands, pieces, cuts }) => {
        const hay = Buffer.concat(pieces.map((p) => p.b));
        const inserted = new Set(pieces.flatMap((p) => (p.ins === undefined ? [] : [p.ins])));
        // Oracle: a candidate is found iff it occurs in the haystack (filler can form one by chance).
        const want = new Set(cands.filter((c) => hay.includes(Buffer.from(c, "latin1"))));
        for (const c of inserted) expect(want.has(c)).toBe(true);

        const points = [...new Set(cuts.map((c) => c % (hay.length + 1)))].sort((a, b) => a - b);
        const sc = new ReferenceScanner(cands);
        let prev = 0;
        for (const p of [...points, hay.length]) {
          sc.update(new Uint8Array(hay.subarray(prev, p)));
          prev = p;
        }
        expect(sc.found()).toEqual(want);
        expect(scanForReferences(new Uint8Array(hay), cands)).toEqual(want);
        // One byte at a time is the worst case for the straddling logic.
        if (hay.length < 400) {
          const one = new ReferenceScanner(cands);
          for (let i = 0; i < hay.length; i++) one.update(new Uint8Array(hay.subarray(i, i + 1)));
          expect(one.found()).toEqual(want);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
