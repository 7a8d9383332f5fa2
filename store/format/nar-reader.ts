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

/** A token as it appears in a NAR: 64-bit length, bytes, zero padding to 8. */
function serialised(t: string): Uint8Array {
  const b = new Uint8Array(8 + t.length + ((8 - (t.length % 8)) % 8));
  b[0] = t.length;
  for (let i = 0; i < t.length; i++) b[8 + i] = t.charCodeAt(i);
  return b;
}
const T_OPEN = serialised("(");
const T_CLOSE = serialised(")");
const T_TYPE = serialised("type");
const T_REGULAR = serialised("regular");
const T_CONTENTS = serialised("contents");
const T_ENTRY = serialised("entry");
const T_NAME = serialised("name");
const T_NODE = serialised("node");
const T_TARGET = serialised("target");

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Performance: a NAR is mostly fixed tokens ("(", "type", "regular", "contents", "entry", …).
// `accept` reads the bytes of the token expected next in one request and compares them whole;
// when they differ (another token, or a malformed one), the bytes are put back and the general
// token reader below reads them again, so errors, offsets and reasons are those it has always
// given. A fast token is never longer than the tokens that may stand in its place, so nothing
// beyond what the general reader would read is ever requested. Lengths and their padding are
// requested together. Restoring 20,000 files spends most of its CPU here.
//
// The generators are module functions over one state object, not closures made per parse: a
// generator function's closures each have their own prototype, so each NAR gave V8 new maps for
// the generator objects, and every NAR of a copy deoptimised the parser again ("wrong map",
// "wrong call target") and had it recompiled on V8's background threads (~0.4 s of CPU for
// 20 NARs, bench/README.md).
class ParseState {
  offset = 0;
  /** Bytes read ahead by a failed `accept`, served before any new request. */
  pending: Uint8Array | undefined = undefined;
  ppos = 0;
  constructor(readonly events: NarEvents) {}
}
type Step<T> = Generator<number, T, Uint8Array>;

function* take(s: ParseState, n: number): Step<Uint8Array> {
  let b: Uint8Array;
  const pending = s.pending;
  if (pending === undefined) b = yield n;
  else {
    const avail = pending.length - s.ppos;
    if (avail >= n) {
      b = pending.subarray(s.ppos, s.ppos + n);
      s.ppos += n;
    } else {
      const rest: Uint8Array = yield n - avail;
      b = new Uint8Array(avail + rest.length);
      b.set(pending.subarray(s.ppos));
      b.set(rest, avail);
      s.ppos = pending.length;
    }
    if (s.ppos === pending.length) s.pending = undefined;
  }
  if (b.length < n) fail("truncated", "NAR is truncated", s.offset + b.length);
  s.offset += n;
  return b;
}
/** Consume the serialised token `t` if it comes next; otherwise consume nothing. */
function* accept(s: ParseState, t: Uint8Array): Step<boolean> {
  if (s.pending !== undefined) return false;
  const b: Uint8Array = yield t.length;
  if (sameBytes(b, t)) {
    s.offset += t.length;
    return true;
  }
  s.pending = new Uint8Array(b); // the driver's buffer is only lent
  s.ppos = 0;
  return false;
}
function* int(s: ParseState): Step<number> {
  const b = yield* take(s, 8);
  const lo = b[0]! | (b[1]! << 8) | (b[2]! << 16);
  const mid = (b[3]! | (b[4]! << 8) | (b[5]! << 16)) >>> 0;
  if (b[6]! !== 0 || b[7]! !== 0 || mid >= 1 << 21) fail("too-large", "NAR length field is too large", s.offset - 8);
  return lo + mid * 0x1000000;
}
/** `len` bytes followed by their zero padding, in one request; returns the bytes (lent). */
function* padded(s: ParseState, len: number): Step<Uint8Array> {
  const p = (8 - (len % 8)) % 8;
  const b = yield* take(s, len + p);
  for (let i = len; i < len + p; i++) if (b[i] !== 0) fail("bad-padding", "NAR padding is not zero", s.offset - p - len + i);
  return b.subarray(0, len);
}
function* str(s: ParseState, max: number, what: string): Step<Uint8Array> {
  const at = s.offset;
  const len = yield* int(s);
  if (len > max) fail("too-long", `${what} of ${len} bytes exceeds the limit of ${max}`, at);
  return len === 0 ? new Uint8Array(0) : new Uint8Array(yield* padded(s, len));
}
function* tag(s: ParseState): Step<string> {
  return dec.decode(yield* str(s, MAX_TAG, "NAR token"));
}
function* expect(s: ParseState, t: Uint8Array, want: string): Step<void> {
  if (yield* accept(s, t)) return;
  const at = s.offset;
  const got = yield* tag(s);
  if (got !== want) fail("unexpected-token", `expected '${want}' in NAR, got ${JSON.stringify(got)}`, at);
}

function* node(s: ParseState, path: Uint8Array[]): Step<void> {
  const events = s.events;
  yield* expect(s, T_OPEN, "(");
  yield* expect(s, T_TYPE, "type");
  const at = s.offset;
  const type = (yield* accept(s, T_REGULAR)) ? "regular" : yield* tag(s);
  switch (type) {
    case "regular": {
      let executable = false;
      if (!(yield* accept(s, T_CONTENTS))) {
        let t = yield* tag(s);
        if (t === "executable") {
          const v = yield* str(s, MAX_TAG, "executable marker");
          if (v.length !== 0) fail("bad-executable", "NAR 'executable' marker must be empty", s.offset - 8);
          executable = true;
          t = yield* tag(s);
        }
        if (t !== "contents") fail("unexpected-token", `expected 'contents' in NAR, got ${JSON.stringify(t)}`, s.offset);
      }
      let size = yield* int(s);
      events.regular(path, executable, size);
      while (size > 0) {
        const n = Math.min(size, CONTENT_CHUNK);
        // The last chunk comes with its padding.
        events.contents(n === size ? yield* padded(s, n) : yield* take(s, n));
        size -= n;
      }
      events.endRegular();
      yield* expect(s, T_CLOSE, ")");
      return;
    }
    case "symlink": {
      yield* expect(s, T_TARGET, "target");
      const target = yield* str(s, NAR_MAX_TARGET, "symlink target");
      if (target.length === 0 || target.includes(0)) {
        fail("bad-target", "NAR symlink target is empty or contains NUL", s.offset);
      }
      events.symlink(path, target);
      yield* expect(s, T_CLOSE, ")");
      return;
    }
    case "directory": {
      if (path.length >= NAR_MAX_DEPTH) {
        fail("too-deep", `NAR exceeds the maximum directory depth of ${NAR_MAX_DEPTH}`, at);
      }
      events.directory(path);
      let prev: Uint8Array | undefined;
      for (;;) {
        const tat = s.offset;
        if (!(yield* accept(s, T_ENTRY))) {
          const t = yield* tag(s);
          if (t === ")") {
            events.endDirectory?.(path);
            return;
          }
          if (t !== "entry") fail("unexpected-token", `expected 'entry' or ')' in NAR, got ${JSON.stringify(t)}`, tat);
        }
        yield* expect(s, T_OPEN, "(");
        yield* expect(s, T_NAME, "name");
        const nat = s.offset;
        const name = yield* str(s, NAR_MAX_NAME, "NAR entry name");
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
        yield* expect(s, T_NODE, "node");
        yield* node(s, [...path, name]);
        yield* expect(s, T_CLOSE, ")");
      }
    }
    default:
      fail("unknown-type", `unknown NAR node type ${JSON.stringify(type)}`, at);
  }
}

export function* parseNar(events: NarEvents): NarParser {
  const s = new ParseState(events);
  // Whatever is not a NAR (a gzip file, 0 bytes, nix-archive-2) gets one clear error.
  let magic: Uint8Array | undefined;
  try {
    magic = yield* str(s, MAX_TAG, "NAR magic");
  } catch {
    magic = undefined;
  }
  if (magic === undefined || dec.decode(magic) !== "nix-archive-1") {
    fail("not-a-nar", "input is not a Nix archive (expected 'nix-archive-1')", 0);
  }
  yield* node(s, []);
  // Unreachable (fast tokens are never longer than what may stand in their place); kept as a guard.
  if (s.pending !== undefined) fail("trailing-data", "NAR parser read past the end of the NAR", s.offset);
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

/**
 * Drive a parser by pushing chunks of any size as they arrive (a decompressor's output stream).
 * Requests the chunks satisfy whole are passed through without a copy; others are assembled in
 * one reused buffer (the parser copies whatever it keeps). Bytes after the NAR's end are an
 * error, as is an input that ends before it.
 */
export class NarPushParser {
  private readonly parser: NarParser;
  private want: number;
  private staged: Uint8Array = new Uint8Array(0);
  private have = 0;
  private finished = false;
  /** Bytes of NAR consumed so far. */
  size = 0;

  constructor(
    events: NarEvents,
    /** Sees each pushed chunk once it has been consumed whole (not what an error stopped in). */
    private readonly onBytes?: (chunk: Uint8Array) => void,
  ) {
    this.parser = parseNar(events);
    this.want = this.step(undefined);
  }

  /** Whether the NAR's last byte has been consumed. */
  get done(): boolean {
    return this.finished;
  }

  private step(chunk: Uint8Array | undefined): number {
    if (chunk !== undefined) this.size += chunk.length;
    const r = chunk === undefined ? this.parser.next() : this.parser.next(chunk);
    if (r.done) {
      this.finished = true;
      return 0;
    }
    return r.value;
  }

  push(input: Uint8Array): void {
    // Streams give Buffers; the parser is fed plain Uint8Arrays only (one type: see FdReader).
    const chunk = Object.getPrototypeOf(input) === Uint8Array.prototype ? input : new Uint8Array(input.buffer, input.byteOffset, input.length);
    let pos = 0;
    while (pos < chunk.length) {
      if (this.finished) {
        throw new CairnError("E_NAR_FORMAT", `trailing data after the NAR's ${this.size} bytes`, {
          reason: "trailing-data",
          offset: this.size,
        });
      }
      const left = chunk.length - pos;
      if (this.have === 0 && left >= this.want) {
        const n = this.want;
        this.want = this.step(chunk.subarray(pos, pos + n));
        pos += n;
        continue;
      }
      if (this.staged.length < this.want) {
        const bigger = new Uint8Array(Math.max(this.want, 64));
        bigger.set(this.staged.subarray(0, this.have));
        this.staged = bigger;
      }
      const n = Math.min(left, this.want - this.have);
      this.staged.set(chunk.subarray(pos, pos + n), this.have);
      this.have += n;
      pos += n;
      if (this.have === this.want) {
        this.have = 0;
        this.want = this.step(this.staged.subarray(0, this.want));
      }
    }
    // All of it was consumed: passed on in one piece (a token at a time cost more than the hashing).
    if (chunk.length > 0) this.onBytes?.(chunk);
  }

  /** The input ended: the NAR must be complete. Returns its size. */
  end(): number {
    // A short final chunk, then nothing: the parser reports where and how the NAR was cut (it
    // throws on any short answer, so this ends).
    if (!this.finished) this.step(this.staged.subarray(0, this.have));
    while (!this.finished) this.step(new Uint8Array(0));
    return this.size;
  }
}
