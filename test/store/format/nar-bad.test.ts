// The bad-NAR corpus of RELIABILITY.md §6 (test/fixtures/nar-bad, made by scripts/gen-bad-nars.mjs):
// each fixture is refused with the expected CairnError code and data.reason, quickly and with flat
// memory, and the writer refuses to produce what the reader refuses.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CairnError,
  NAR_MAX_DEPTH,
  discardEvents,
  memTree,
  narBytes,
  parseNarBuffer,
  type MemTree,
} from "../../../store/format/index.js";

const DIR = fileURLToPath(new URL("../../fixtures/nar-bad/", import.meta.url));
const expected = JSON.parse(readFileSync(DIR + "expected.json", "utf8")) as Record<
  string,
  { code: string; reason: string; case: string }
>;

function refusal(nar: Uint8Array): CairnError {
  try {
    parseNarBuffer(nar, discardEvents);
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    return e as CairnError;
  }
  throw new Error("the NAR was accepted");
}

/** Run `f`, returning how long it took and how much the heap and RSS grew (MB). */
function measure(f: () => void): { ms: number; heapMB: number; rssMB: number } {
  global.gc?.();
  const m0 = process.memoryUsage();
  const t0 = performance.now();
  f();
  const ms = performance.now() - t0;
  const m1 = process.memoryUsage();
  return { ms, heapMB: (m1.heapUsed - m0.heapUsed) / 2 ** 20, rssMB: (m1.rss - m0.rss) / 2 ** 20 };
}

// --- NAR building for the run-time cases -------------------------------------------------------
function str(s: string): Buffer {
  const b = Buffer.from(s);
  const out = Buffer.alloc(8 + b.length + ((8 - (b.length % 8)) % 8));
  out.writeUInt32LE(b.length, 0);
  b.copy(out, 8);
  return out;
}
const toks = (...ts: string[]) => Buffer.concat(ts.map(str));

/** `levels` directories nested in each other (the root counts), the innermost empty; built by repetition. */
function nestedNar(levels: number): Uint8Array {
  const head = toks("nix-archive-1", "(", "type", "directory");
  const open = toks("entry", "(", "name", "d", "node", "(", "type", "directory");
  const close = toks(")", ")"); // the directory, then its entry
  const n = levels - 1;
  return new Uint8Array(
    Buffer.concat([head, Buffer.alloc(open.length * n, open), str(")"), Buffer.alloc(close.length * n, close)]),
  );
}

function nestedTree(levels: number): MemTree {
  let t: MemTree = { type: "directory", entries: {} };
  for (let i = 1; i < levels; i++) t = { type: "directory", entries: { d: t } };
  return t;
}

// -----------------------------------------------------------------------------------------------
describe("bad NAR fixtures (RELIABILITY.md §6)", () => {
  it("expected.json lists exactly the fixtures on disk", () => {
    const onDisk = readdirSync(DIR).filter((f) => f.endsWith(".nar")).sort();
    expect(onDisk).toEqual(Object.keys(expected).sort());
    expect(onDisk.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(expected))("%s is refused (%j)", (file, want) => {
    const nar = new Uint8Array(readFileSync(DIR + file));
    let err: CairnError | undefined;
    const m = measure(() => {
      err = refusal(nar);
    });
    expect({ code: err!.code, reason: err!.data.reason }).toEqual({ code: want.code, reason: want.reason });
    expect(typeof err!.data.offset).toBe("number");
    expect(err!.data.offset as number).toBeLessThanOrEqual(nar.length);
    // Declared lengths of 1 MiB, 4 GiB, 2^63 and 2^64-1 are refused at once, without allocating.
    expect(m.ms).toBeLessThan(250);
    expect(m.heapMB).toBeLessThan(50);
  });

  it("the refusals cover every reason the reader has", () => {
    const reasons = new Set(Object.values(expected).map((e) => e.reason));
    for (const r of [
      "truncated", "too-large", "bad-padding", "too-long", "unexpected-token", "bad-executable",
      "bad-target", "too-deep", "bad-name", "unsorted", "unknown-type", "not-a-nar", "trailing-data",
    ]) {
      expect(reasons).toContain(r);
    }
  });
});

describe("nesting depth (N-12)", () => {
  it(`${NAR_MAX_DEPTH} nested directories are fine, ${NAR_MAX_DEPTH + 1} are not`, () => {
    const ok = nestedNar(NAR_MAX_DEPTH);
    parseNarBuffer(ok, discardEvents);
    expect(Buffer.compare(narBytes(memTree(nestedTree(NAR_MAX_DEPTH))), ok)).toBe(0);
    const bad = refusal(nestedNar(NAR_MAX_DEPTH + 1));
    expect([bad.code, bad.data.reason]).toEqual(["E_NAR_FORMAT", "too-deep"]);
    expect(Buffer.compare(nestedNar(65), readFileSync(DIR + "depth-65.nar"))).toBe(0);
  });

  it("depth 100,000 is refused quickly with too-deep: no RangeError, flat memory", () => {
    const nar = nestedNar(100_000);
    expect(nar.length).toBeGreaterThan(10_000_000);
    let err: CairnError | undefined;
    const m = measure(() => {
      err = refusal(nar);
    });
    expect([err!.code, err!.data.reason]).toEqual(["E_NAR_FORMAT", "too-deep"]);
    expect(m.ms).toBeLessThan(250);
    expect(m.heapMB).toBeLessThan(50);
  });

  it("the writer refuses depth 65 and 100,000 the same way", () => {
    for (const levels of [NAR_MAX_DEPTH + 1, 100_000]) {
      let err: unknown;
      try {
        narBytes(memTree(nestedTree(levels)));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CairnError);
      expect([(err as CairnError).code, (err as CairnError).data.reason]).toEqual(["E_NAR_FORMAT", "too-deep"]);
    }
  });
});

describe("the writer does not produce what the reader refuses", () => {
  const writeErr = (t: MemTree) => {
    try {
      narBytes(memTree(t));
    } catch (e) {
      expect(e).toBeInstanceOf(CairnError);
      return [(e as CairnError).code, (e as CairnError).data.reason];
    }
    return undefined;
  };
  const file: MemTree = { type: "regular", contents: "x" };

  it.each(["", ".", "..", "a/b", "../../etc/x", "a\0b", "n".repeat(256)])("entry name %j", (name) => {
    expect(writeErr({ type: "directory", entries: new Map([[name, file]]) })).toEqual(["E_NAR_FORMAT", "bad-name"]);
  });

  it.each(["", "a\0b", "t".repeat(4096)])("symlink target %j", (target) => {
    expect(writeErr({ type: "symlink", target })).toEqual(["E_NAR_FORMAT", "bad-target"]);
  });

  it("two entries with the same name bytes (N-7)", () => {
    const t: MemTree = {
      type: "directory",
      entries: new Map<string | Uint8Array, MemTree>([
        ["a", file],
        [new Uint8Array([0x61]), file],
      ]),
    };
    expect(writeErr(t)).toEqual(["E_NAR_FORMAT", "duplicate-name"]);
  });

  it("names of 255 bytes and targets of 4095 bytes are fine", () => {
    const t: MemTree = { type: "directory", entries: { ["n".repeat(255)]: { type: "symlink", target: "t".repeat(4095) } } };
    parseNarBuffer(narBytes(memTree(t)), discardEvents);
  });
});
