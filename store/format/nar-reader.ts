// Streaming NAR reader. Nix: src/libutil/archive.cc (parse), with the checks later Nix added
// (bounded lengths before allocation, depth limit, strict name order, zero padding).
// The parser is a generator: it yields how many bytes it needs next and is resumed with exactly
// that many (fewer only at end of input). Drivers feed it from a buffer, an fd or a stream, so
// the grammar lives in one place and memory stays flat whatever lengths a NAR declares.
import { CairnError } from "./errors.js";
import { compareBytes } from "./bytes.js";
import { NAR_MAX_DEPTH, NAR_MAX_NAME, NAR_MAX_TARGET } from "./nar.js";

/** Receives the tree as it is parsed. Paths are entry names from the root (empty = the root). */
export interface NarEvents {
  directory(path: readonly Uint8Array[]): void;
  regular(path: readonly Uint8Array[], executable: boolean, size: number): void;
  /** A chunk of the current regular file; valid only during the call. */
  contents(chunk: Uint8Array): void;
  endRegular(): void;
  symlink(path: readonly Uint8Array[], target: Uint8Array): void;
  /** After a directory's last entry. */
  endDirectory?(path: readonly Uint8Array[]): void;
}

export type NarParser = Generator<number, void, Uint8Array>;

const MAX_TAG = 32;
const CONTENT_CHUNK = 1 << 20;

function fail(reason: string, message: string, offset: number): never {
  throw new CairnError(
    reason === "truncated" ? "E_NAR_TRUNCATED" : "E_NAR_FORMAT",
    `${message} (at byte ${offset})`,
    { reason, offset },
  );
}

// ignoreBOM: by default a TextDecoder strips a leading U+FEFF, which made the 4-byte token
// EF BB BF 28 read as "(": a non-canonical NAR that was accepted.
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const show = (b: Uint8Array) => JSON.stringify(dec.decode(b.subarray(0, 40)));

export function* parseNar(events: NarEvents): NarParser {
  let offset = 0;

  function* take(n: number): Generator<number, Uint8Array, Uint8Array> {
    const b: Uint8Array = yield n;
    if (b.length < n) fail("truncated", "NAR is truncated", offset + b.length);
    offset += n;
    return b;
  }
  function* int(): Generator<number, number, Uint8Array> {
    const b = yield* take(8);
    const lo = b[0]! | (b[1]! << 8) | (b[2]! << 16);
    const mid = (b[3]! | (b[4]! << 8) | (b[5]! << 16)) >>> 0;
    if (b[6]! !== 0 || b[7]! !== 0 || mid >= 1 << 21) fail("too-large", "NAR length field is too large", offset - 8);
    return lo + mid * 0x1000000;
  }
  function* padding(len: number): Generator<number, void, Uint8Array> {
    const p = (8 - (len % 8)) % 8;
    if (p === 0) return;
    const b = yield* take(p);
    for (let i = 0; i < p; i++) if (b[i] !== 0) fail("bad-padding", "NAR padding is not zero", offset - p + i);
  }
  function* str(max: number, what: string): Generator<number, Uint8Array, Uint8Array> {
    const at = offset;
    const len = yield* int();
    if (len > max) fail("too-long", `${what} of ${len} bytes exceeds the limit of ${max}`, at);
    const b = len === 0 ? new Uint8Array(0) : new Uint8Array(yield* take(len));
    yield* padding(len);
    return b;
  }
  function* tag(): Generator<number, string, Uint8Array> {
    return dec.decode(yield* str(MAX_TAG, "NAR token"));
  }
  function* expect(want: string): Generator<number, void, Uint8Array> {
    const at = offset;
    const got = yield* tag();
    if (got !== want) fail("unexpected-token", `expected '${want}' in NAR, got ${JSON.stringify(got)}`, at);
  }

  function* node(path: Uint8Array[]): Generator<number, void, Uint8Array> {
    yield* expect("(");
    yield* expect("type");
    const at = offset;
    const type = yield* tag();
    switch (type) {
      case "regular": {
        let t = yield* tag();
        let executable = false;
        if (t === "executable") {
          const v = yield* str(MAX_TAG, "executable marker");
          if (v.length !== 0) fail("bad-executable", "NAR 'executable' marker must be empty", offset - 8);
          executable = true;
          t = yield* tag();
        }
        if (t !== "contents") fail("unexpected-token", `expected 'contents' in NAR, got ${JSON.stringify(t)}`, offset);
        let size = yield* int();
        events.regular(path, executable, size);
        const total = size;
        while (size > 0) {
          const n = Math.min(size, CONTENT_CHUNK);
          events.contents(yield* take(n));
          size -= n;
        }
        yield* padding(total);
        events.endRegular();
        yield* expect(")");
        return;
      }
      case "symlink": {
        yield* expect("target");
        const target = yield* str(NAR_MAX_TARGET, "symlink target");
        if (target.length === 0 || target.includes(0)) {
          fail("bad-target", "NAR symlink target is empty or contains NUL", offset);
        }
        events.symlink(path, target);
        yield* expect(")");
        return;
      }
      case "directory": {
        if (path.length >= NAR_MAX_DEPTH) {
          fail("too-deep", `NAR exceeds the maximum directory depth of ${NAR_MAX_DEPTH}`, at);
        }
        events.directory(path);
        let prev: Uint8Array | undefined;
        for (;;) {
          const tat = offset;
          const t = yield* tag();
          if (t === ")") {
            events.endDirectory?.(path);
            return;
          }
          if (t !== "entry") fail("unexpected-token", `expected 'entry' or ')' in NAR, got ${JSON.stringify(t)}`, tat);
          yield* expect("(");
          yield* expect("name");
          const nat = offset;
          const name = yield* str(NAR_MAX_NAME, "NAR entry name");
          const badName =
            name.length === 0 ||
            name.includes(0x2f) ||
            name.includes(0) ||
            (name.length === 1 && name[0] === 0x2e) ||
            (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
          if (badName) fail("bad-name", `invalid file name ${show(name)} in NAR`, nat);
          if (prev !== undefined && compareBytes(prev, name) >= 0) {
            fail("unsorted", `NAR directory is not sorted: ${show(name)} after ${show(prev)}`, nat);
          }
          prev = name;
          yield* expect("node");
          yield* node([...path, name]);
          yield* expect(")");
        }
      }
      default:
        fail("unknown-type", `unknown NAR node type ${JSON.stringify(type)}`, at);
    }
  }

  // Whatever is not a NAR (a gzip file, 0 bytes, nix-archive-2) gets one clear error.
  let magic: Uint8Array | undefined;
  try {
    magic = yield* str(MAX_TAG, "NAR magic");
  } catch {
    magic = undefined;
  }
  if (magic === undefined || dec.decode(magic) !== "nix-archive-1") {
    fail("not-a-nar", "input is not a Nix archive (expected 'nix-archive-1')", 0);
  }
  yield* node([]);
}

/** Feed a parser from an in-memory NAR; trailing bytes are an error. */
export function parseNarBuffer(nar: Uint8Array, events: NarEvents): void {
  const p = parseNar(events);
  let pos = 0;
  let r = p.next();
  while (!r.done) {
    const n = r.value;
    const chunk = nar.subarray(pos, Math.min(pos + n, nar.length));
    pos += chunk.length;
    r = p.next(chunk);
  }
  if (pos !== nar.length) {
    throw new CairnError("E_NAR_FORMAT", `NAR has ${nar.length - pos} trailing bytes (at byte ${pos})`, {
      reason: "trailing-data",
      offset: pos,
    });
  }
}

/** Events that do nothing: validate a NAR without materialising it. */
export const discardEvents: NarEvents = {
  directory() {},
  regular() {},
  contents() {},
  endRegular() {},
  symlink() {},
};

/**
 * Drive a parser from a pull source: `read(n)` returns up to `n` bytes (fewer only at the end).
 * `onBytes` sees every byte consumed (to hash the NAR as it is read). Returns the NAR's size.
 */
export function parseNarFrom(
  read: (n: number) => Uint8Array,
  events: NarEvents,
  onBytes?: (chunk: Uint8Array) => void,
): number {
  const p = parseNar(events);
  let size = 0;
  let r = p.next();
  while (!r.done) {
    const chunk = read(r.value);
    size += chunk.length;
    onBytes?.(chunk);
    r = p.next(chunk);
  }
  return size;
}
