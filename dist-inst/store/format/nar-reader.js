// Streaming NAR reader. Nix: src/libutil/archive.cc (parse), with the checks later Nix added
// (bounded lengths before allocation, depth limit, strict name order, zero padding).
// The parser is a state machine (NarMachine): it says how many bytes it needs next and is fed
// exactly that many (fewer only at end of input). Drivers feed it from a buffer, an fd or a
// stream, so the grammar lives in one place and memory stays flat whatever lengths a NAR declares.
import { CairnError } from "./errors.js";
import { compareBytes } from "./bytes.js";
import { NAR_MAX_DEPTH, NAR_MAX_NAME, NAR_MAX_TARGET } from "./nar.js";
const MAX_TAG = 32;
const CONTENT_CHUNK = 1 << 20;
function fail(reason, message, offset) {
    throw new CairnError(reason === "truncated" ? "E_NAR_TRUNCATED" : "E_NAR_FORMAT", `${message} (at byte ${offset})`, { reason, offset });
}
// ignoreBOM: by default a TextDecoder strips a leading U+FEFF, which made the 4-byte token
// EF BB BF 28 read as "(": a non-canonical NAR that was accepted.
const dec = new TextDecoder("utf-8", { ignoreBOM: true });
const show = (b) => JSON.stringify(dec.decode(b.subarray(0, 40)));
/** A token as it appears in a NAR: 64-bit length, bytes, zero padding to 8. */
function serialised(t) {
    const b = new Uint8Array(8 + t.length + ((8 - (t.length % 8)) % 8));
    b[0] = t.length;
    for (let i = 0; i < t.length; i++)
        b[8 + i] = t.charCodeAt(i);
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
function sameBytes(a, b) {
    if (a.length !== b.length)
        return false;
    for (let i = 0; i < a.length; i++)
        if (a[i] !== b[i])
            return false;
    return true;
}
function decodeInt(b, at) {
    const lo = b[0] | (b[1] << 8) | (b[2] << 16);
    const mid = (b[3] | (b[4] << 8) | (b[5] << 16)) >>> 0;
    if (b[6] !== 0 || b[7] !== 0 || mid >= 1 << 21)
        fail("too-large", "NAR length field is too large", at);
    return lo + mid * 0x1000000;
}
/** Zero padding after `len` bytes of `b` (`b` ends at `end`), else fail. */
function checkPadding(b, len, end) {
    for (let i = len; i < b.length; i++)
        if (b[i] !== 0)
            fail("bad-padding", "NAR padding is not zero", end - b.length + i);
}
const EMPTY = new Uint8Array(0);
const padOf = (n) => (8 - (n % 8)) % 8;
// The parser's steps. R_*: what to do with the bytes of the current request; the others go on
// from a point of the grammar (with bytes from a string read, or none).
const R_ACCEPT = 1; // a fast token's bytes: compared before they count
const R_STR_LEN = 2; // a string's length
const R_STR_BODY = 3; // a string's bytes and padding
const R_SIZE = 4; // a regular file's size
const R_CHUNK = 5; // a piece of a regular file (the last with its padding)
const S_TOKEN = 6; // a token read (for tag())
const S_MAGIC = 7; // the magic string read
const S_EXPECT_OTHER = 8; // expect: not the fast token; read the token
const S_EXPECT_TOKEN = 9; // expect: the token read
const S_OPEN = 10; // a node's "(" read
const S_TYPE = 11; // "type" read
const S_TYPE_OTHER = 12; // the type is not the fast "regular": read it
const S_TYPE_TOKEN = 13; // the type read
const S_REGULAR = 14; // "regular" read
const S_REGULAR_OTHER = 15; // not the fast "contents": read the token
const S_REGULAR_TOKEN = 16; // the token after "regular" read
const S_EXEC_MARKER = 17; // the executable marker read
const S_CONTENTS_TOKEN = 18; // the token that must be "contents" read
const S_CONTENTS = 19; // "contents" read
const S_DATA = 20; // more file data, or the file's end
const S_TARGET_KW = 21; // symlink: "target" read
const S_TARGET = 22; // symlink: the target read
const S_END_NODE = 23; // a node's ")" read
const S_DIR_NEXT = 24; // directory: "entry" or ")" next
const S_DIR_OTHER = 25; // directory: not the fast "entry": read the token
const S_DIR_TOKEN = 26; // directory: the token read
const S_ENTRY = 27; // "entry" read
const S_ENTRY_OPEN = 28; // the entry's "(" read
const S_ENTRY_NAME_KW = 29; // "name" read
const S_NAME = 30; // the name read
const S_NODE_KW = 31; // "node" read: the child node begins
const S_DONE = 32; // the root node is complete
/**
 * The parser (see the top of this file). Each step either goes on at once or asks the driver
 * for bytes; token readers (accept, str, tag, expect) take the step to return to.
 *
 * Performance: a NAR is mostly fixed tokens ("(", "type", "regular", "contents", "entry", …).
 * A fast token is requested whole and compared; when it differs (another token, or a malformed
 * one), its bytes are put back and the general token reader reads them again, so errors,
 * offsets and reasons are those the general reader gives. A fast token is never longer than
 * the tokens that may stand in its place, so nothing beyond what the general reader would read
 * is ever requested. Lengths and their padding are requested together. Restoring 20,000 files
 * spends most of its CPU here. (It was a generator over the same grammar: each token went
 * through four generator objects, and V8 spent ~0.2 s of CPU compiling their yield* chains
 * for a copy of 20 NARs; bench/README.md.)
 */
class NarMachine {
    events;
    /** Bytes wanted next (0 once the NAR is complete). */
    want = 0;
    done = false;
    offset = 0;
    /** Bytes read ahead by a fast token that did not match, served before any new request. */
    pending = undefined;
    ppos = 0;
    /** The step that takes the current request's bytes, and how many it asked for. */
    op = 0;
    need = 0;
    /** The request's first bytes, taken from `pending` (the driver is asked for the rest). */
    head = undefined;
    /** The step to go on with at once (0: wait for the driver), and its bytes. */
    next = 0;
    nextBytes = EMPTY;
    // The token readers' arguments and return steps (none is ever nested in itself).
    acceptToken = EMPTY;
    acceptYes = 0;
    acceptNo = 0;
    strMax = 0;
    strLen = 0;
    strWhat = "";
    strAt = 0;
    strRet = 0;
    tagRet = 0;
    token = "";
    expectWant = "";
    expectAt = 0;
    expectRet = 0;
    // Where the grammar is.
    inMagic = true;
    path = [];
    dirs = [];
    typeAt = 0;
    entryAt = 0;
    nameAt = 0;
    executable = false;
    /** File bytes left, and the size of the piece requested. */
    size = 0;
    piece = 0;
    constructor(events) {
        this.events = events;
        // Whatever is not a NAR (a gzip file, 0 bytes, nix-archive-2) gets one clear error.
        this.str(MAX_TAG, "NAR magic", S_MAGIC);
    }
    /** The bytes of the current request: `want` of them, fewer only at end of input. */
    feed(b) {
        if (!this.inMagic) {
            this.take(b);
            return;
        }
        try {
            this.take(b);
        }
        catch (e) {
            if (this.inMagic)
                fail("not-a-nar", "input is not a Nix archive (expected 'nix-archive-1')", 0);
            throw e;
        }
    }
    take(b) {
        const op = this.op;
        if (op !== R_ACCEPT) {
            const head = this.head;
            if (head !== undefined) {
                const joined = new Uint8Array(head.length + b.length);
                joined.set(head);
                joined.set(b, head.length);
                b = joined;
                this.head = undefined;
            }
            if (b.length < this.need)
                fail("truncated", "NAR is truncated", this.offset + b.length);
            this.offset += this.need;
        }
        this.want = 0;
        let step = op;
        for (;;) {
            this.next = 0;
            this.step(step, b);
            if (this.next === 0)
                return;
            step = this.next;
            b = this.nextBytes;
        }
    }
    /** Go on with `step` at once. */
    go(step, b = EMPTY) {
        this.next = step;
        this.nextBytes = b;
    }
    /** `n` bytes for `step`: from `pending` at once, or asked of the driver. */
    read(n, step) {
        this.op = step;
        this.need = n;
        const pending = this.pending;
        if (pending === undefined) {
            this.want = n;
            return;
        }
        const avail = pending.length - this.ppos;
        if (avail >= n) {
            const b = pending.subarray(this.ppos, this.ppos + n);
            this.ppos += n;
            if (this.ppos === pending.length)
                this.pending = undefined;
            this.offset += n;
            this.go(step, b);
        }
        else {
            this.head = pending.subarray(this.ppos);
            this.pending = undefined;
            this.want = n - avail;
        }
    }
    /** The serialised token `t` if it comes next (then `yes`); otherwise nothing is consumed (`no`). */
    accept(t, yes, no) {
        if (this.pending !== undefined) {
            this.go(no);
            return;
        }
        this.acceptToken = t;
        this.acceptYes = yes;
        this.acceptNo = no;
        this.op = R_ACCEPT;
        this.want = t.length;
    }
    /** A string of at most `max` bytes, then `ret` with a copy of it. */
    str(max, what, ret) {
        this.strMax = max;
        this.strWhat = what;
        this.strRet = ret;
        this.strAt = this.offset;
        this.read(8, R_STR_LEN);
    }
    /** A token, then `ret` with it in `token`. */
    tag(ret) {
        this.tagRet = ret;
        this.str(MAX_TAG, "NAR token", S_TOKEN);
    }
    /** The token `t` (`want` in errors), then `ret`. */
    expect(t, want, ret) {
        this.expectWant = want;
        this.expectRet = ret;
        this.accept(t, ret, S_EXPECT_OTHER);
    }
    step(step, b) {
        const events = this.events;
        switch (step) {
            // ---- token readers
            case R_ACCEPT:
                if (sameBytes(b, this.acceptToken)) {
                    this.offset += b.length;
                    this.go(this.acceptYes);
                }
                else {
                    this.pending = new Uint8Array(b); // the driver's buffer is only lent
                    this.ppos = 0;
                    this.go(this.acceptNo);
                }
                return;
            case R_STR_LEN: {
                const len = decodeInt(b, this.offset - 8);
                if (len > this.strMax)
                    fail("too-long", `${this.strWhat} of ${len} bytes exceeds the limit of ${this.strMax}`, this.strAt);
                this.strLen = len;
                if (len === 0)
                    this.go(this.strRet, new Uint8Array(0));
                else
                    this.read(len + padOf(len), R_STR_BODY);
                return;
            }
            case R_STR_BODY:
                checkPadding(b, this.strLen, this.offset);
                this.go(this.strRet, new Uint8Array(b.subarray(0, this.strLen)));
                return;
            case S_TOKEN:
                this.token = dec.decode(b);
                this.go(this.tagRet);
                return;
            case S_EXPECT_OTHER:
                this.expectAt = this.offset;
                this.tag(S_EXPECT_TOKEN);
                return;
            case S_EXPECT_TOKEN:
                if (this.token !== this.expectWant)
                    fail("unexpected-token", `expected '${this.expectWant}' in NAR, got ${JSON.stringify(this.token)}`, this.expectAt);
                this.go(this.expectRet);
                return;
            // ---- the archive and its nodes
            case S_MAGIC:
                if (dec.decode(b) !== "nix-archive-1")
                    fail("not-a-nar", "input is not a Nix archive (expected 'nix-archive-1')", 0);
                this.inMagic = false;
                this.path = [];
                this.expect(T_OPEN, "(", S_OPEN);
                return;
            case S_OPEN:
                this.expect(T_TYPE, "type", S_TYPE);
                return;
            case S_TYPE:
                this.typeAt = this.offset;
                this.accept(T_REGULAR, S_REGULAR, S_TYPE_OTHER);
                return;
            case S_TYPE_OTHER:
                this.tag(S_TYPE_TOKEN);
                return;
            case S_TYPE_TOKEN:
                if (this.token === "regular")
                    this.go(S_REGULAR);
                else if (this.token === "symlink")
                    this.expect(T_TARGET, "target", S_TARGET_KW);
                else if (this.token === "directory") {
                    if (this.path.length >= NAR_MAX_DEPTH)
                        fail("too-deep", `NAR exceeds the maximum directory depth of ${NAR_MAX_DEPTH}`, this.typeAt);
                    events.directory(this.path);
                    this.dirs.push({ path: this.path, prev: undefined });
                    this.go(S_DIR_NEXT);
                }
                else
                    fail("unknown-type", `unknown NAR node type ${JSON.stringify(this.token)}`, this.typeAt);
                return;
            // ---- regular files
            case S_REGULAR:
                this.executable = false;
                this.accept(T_CONTENTS, S_CONTENTS, S_REGULAR_OTHER);
                return;
            case S_REGULAR_OTHER:
                this.tag(S_REGULAR_TOKEN);
                return;
            case S_REGULAR_TOKEN:
                if (this.token === "executable")
                    this.str(MAX_TAG, "executable marker", S_EXEC_MARKER);
                else
                    this.go(S_CONTENTS_TOKEN);
                return;
            case S_EXEC_MARKER:
                if (b.length !== 0)
                    fail("bad-executable", "NAR 'executable' marker must be empty", this.offset - 8);
                this.executable = true;
                this.tag(S_CONTENTS_TOKEN);
                return;
            case S_CONTENTS_TOKEN:
                if (this.token !== "contents")
                    fail("unexpected-token", `expected 'contents' in NAR, got ${JSON.stringify(this.token)}`, this.offset);
                this.go(S_CONTENTS);
                return;
            case S_CONTENTS:
                this.read(8, R_SIZE);
                return;
            case R_SIZE:
                this.size = decodeInt(b, this.offset - 8);
                events.regular(this.path, this.executable, this.size);
                this.go(S_DATA);
                return;
            case S_DATA:
                if (this.size === 0) {
                    events.endRegular();
                    this.expect(T_CLOSE, ")", S_END_NODE);
                    return;
                }
                this.piece = Math.min(this.size, CONTENT_CHUNK);
                // The last piece comes with its padding.
                this.read(this.piece === this.size ? this.piece + padOf(this.piece) : this.piece, R_CHUNK);
                return;
            case R_CHUNK:
                if (b.length !== this.piece) {
                    checkPadding(b, this.piece, this.offset);
                    b = b.subarray(0, this.piece);
                }
                events.contents(b);
                this.size -= this.piece;
                this.go(S_DATA);
                return;
            // ---- symlinks
            case S_TARGET_KW:
                this.str(NAR_MAX_TARGET, "symlink target", S_TARGET);
                return;
            case S_TARGET:
                if (b.length === 0 || b.includes(0))
                    fail("bad-target", "NAR symlink target is empty or contains NUL", this.offset);
                events.symlink(this.path, b);
                this.expect(T_CLOSE, ")", S_END_NODE);
                return;
            // ---- directories
            case S_END_NODE:
                // Back in the directory that holds the node: the entry's ")" next. The root: done.
                if (this.dirs.length === 0)
                    this.go(S_DONE);
                else
                    this.expect(T_CLOSE, ")", S_DIR_NEXT);
                return;
            case S_DIR_NEXT:
                this.entryAt = this.offset;
                this.accept(T_ENTRY, S_ENTRY, S_DIR_OTHER);
                return;
            case S_DIR_OTHER:
                this.tag(S_DIR_TOKEN);
                return;
            case S_DIR_TOKEN:
                if (this.token === ")") {
                    const d = this.dirs.pop();
                    events.endDirectory?.(d.path);
                    this.go(S_END_NODE);
                    return;
                }
                if (this.token !== "entry")
                    fail("unexpected-token", `expected 'entry' or ')' in NAR, got ${JSON.stringify(this.token)}`, this.entryAt);
                this.go(S_ENTRY);
                return;
            case S_ENTRY:
                this.expect(T_OPEN, "(", S_ENTRY_OPEN);
                return;
            case S_ENTRY_OPEN:
                this.expect(T_NAME, "name", S_ENTRY_NAME_KW);
                return;
            case S_ENTRY_NAME_KW:
                this.nameAt = this.offset;
                this.str(NAR_MAX_NAME, "NAR entry name", S_NAME);
                return;
            case S_NAME: {
                const name = b;
                const badName = name.length === 0 ||
                    name.includes(0x2f) ||
                    name.includes(0) ||
                    (name.length === 1 && name[0] === 0x2e) ||
                    (name.length === 2 && name[0] === 0x2e && name[1] === 0x2e);
                if (badName)
                    fail("bad-name", `invalid file name ${show(name)} in NAR`, this.nameAt);
                const d = this.dirs[this.dirs.length - 1];
                if (d.prev !== undefined && compareBytes(d.prev, name) >= 0) {
                    fail("unsorted", `NAR directory is not sorted: ${show(name)} after ${show(d.prev)}`, this.nameAt);
                }
                d.prev = name;
                this.expect(T_NODE, "node", S_NODE_KW);
                return;
            }
            case S_NODE_KW: {
                const d = this.dirs[this.dirs.length - 1];
                this.path = [...d.path, d.prev];
                this.expect(T_OPEN, "(", S_OPEN);
                return;
            }
            case S_DONE:
                // Unreachable (fast tokens are never longer than what may stand in their place); kept as a guard.
                if (this.pending !== undefined)
                    fail("trailing-data", "NAR parser read past the end of the NAR", this.offset);
                this.done = true;
                return;
            default:
                throw new Error(`NAR parser: no step ${step}`);
        }
    }
}
/** Feed a parser from an in-memory NAR; trailing bytes are an error. */
export function parseNarBuffer(nar, events) {
    const m = new NarMachine(events);
    let pos = 0;
    while (!m.done) {
        const chunk = nar.subarray(pos, Math.min(pos + m.want, nar.length));
        pos += chunk.length;
        m.feed(chunk);
    }
    if (pos !== nar.length) {
        throw new CairnError("E_NAR_FORMAT", `NAR has ${nar.length - pos} trailing bytes (at byte ${pos})`, {
            reason: "trailing-data",
            offset: pos,
        });
    }
}
/** Events that do nothing: validate a NAR without materialising it. */
export const discardEvents = {
    directory() { },
    regular() { },
    contents() { },
    endRegular() { },
    symlink() { },
};
/**
 * Drive a parser from a pull source: `read(n)` returns up to `n` bytes (fewer only at the end).
 * `onBytes` sees every byte consumed (to hash the NAR as it is read). Returns the NAR's size.
 */
export function parseNarFrom(read, events, onBytes) {
    const m = new NarMachine(events);
    let size = 0;
    while (!m.done) {
        const chunk = read(m.want);
        size += chunk.length;
        onBytes?.(chunk);
        m.feed(chunk);
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
    onBytes;
    parser;
    want;
    staged = new Uint8Array(0);
    have = 0;
    finished = false;
    /** Bytes of NAR consumed so far. */
    size = 0;
    constructor(events, 
    /** Sees each pushed chunk once it has been consumed whole (not what an error stopped in). */
    onBytes) {
        this.onBytes = onBytes;
        this.parser = new NarMachine(events);
        this.want = this.parser.want;
    }
    /** Whether the NAR's last byte has been consumed. */
    get done() {
        return this.finished;
    }
    step(chunk) {
        this.size += chunk.length;
        this.parser.feed(chunk);
        if (this.parser.done)
            this.finished = true;
        return this.parser.want;
    }
    push(input) {
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
        if (chunk.length > 0)
            this.onBytes?.(chunk);
    }
    /** The input ended: the NAR must be complete. Returns its size. */
    end() {
        // A short final chunk, then nothing: the parser reports where and how the NAR was cut (it
        // throws on any short answer, so this ends).
        if (!this.finished)
            this.step(this.staged.subarray(0, this.have));
        while (!this.finished)
            this.step(new Uint8Array(0));
        return this.size;
    }
}
//# sourceMappingURL=nar-reader.js.map