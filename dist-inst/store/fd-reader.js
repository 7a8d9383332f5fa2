// Blocking, buffered reads from a file descriptor (stdin, a NAR file) for the NAR parser.
import fs from "node:fs";
import { CairnError } from "./format/index.js";
const sleeper = new Int32Array(new SharedArrayBuffer(4));
export class FdReader {
    fd;
    onConsumed;
    buf = Buffer.allocUnsafe(1 << 20);
    start = 0;
    end = 0;
    eof = false;
    /** Start of the bytes consumed but not yet passed to `onConsumed`. */
    passed = 0;
    /**
     * `onConsumed` sees every byte that read() returns, in order, in big runs (as the buffer is
     * refilled, and at flushConsumed()): hashing a NAR a token at a time cost ~300,000 hash
     * calls for 20,000 files, more than the hashing itself.
     */
    constructor(fd, onConsumed) {
        this.fd = fd;
        this.onConsumed = onConsumed;
    }
    /** Pass the bytes consumed so far to `onConsumed`. */
    flushConsumed() {
        if (this.start > this.passed)
            this.onConsumed?.(new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.passed, this.start - this.passed));
        this.passed = this.start;
    }
    fill() {
        this.flushConsumed();
        if (this.start > 0) {
            this.buf.copy(this.buf, 0, this.start, this.end);
            this.end -= this.start;
            this.start = 0;
            this.passed = 0;
        }
        for (;;) {
            try {
                const n = fs.readSync(this.fd, this.buf, this.end, this.buf.length - this.end, null);
                if (n === 0)
                    this.eof = true;
                this.end += n;
                return;
            }
            catch (e) {
                const code = e.code;
                // A non-blocking pipe (set by a parent process) has nothing yet: wait briefly.
                if (code === "EAGAIN")
                    Atomics.wait(sleeper, 0, 0, 5);
                else if (code === "EOF") {
                    this.eof = true;
                    return;
                }
                else
                    throw new CairnError("E_IO", `cannot read input: ${code ?? e.message}`, { errno: code });
            }
        }
    }
    /** Up to `n` bytes; fewer only at end of input. The result is valid until the next call. */
    read(n) {
        if (n > this.buf.length) {
            this.flushConsumed();
            const bigger = Buffer.allocUnsafe(n);
            this.buf.copy(bigger, 0, this.start, this.end);
            this.end -= this.start;
            this.start = 0;
            this.passed = 0;
            this.buf = bigger;
        }
        while (this.end - this.start < n && !this.eof)
            this.fill();
        const take = Math.min(n, this.end - this.start);
        // A plain Uint8Array view: the NAR parser then sees one type whatever feeds it (a Buffer here
        // and a Uint8Array elsewhere made V8 deoptimise it repeatedly), and it is cheaper to make.
        const out = new Uint8Array(this.buf.buffer, this.buf.byteOffset + this.start, take);
        this.start += take;
        return out;
    }
    /** True when no byte is left. */
    atEnd() {
        if (this.end - this.start > 0)
            return false;
        if (!this.eof)
            this.fill();
        return this.end - this.start === 0;
    }
}
//# sourceMappingURL=fd-reader.js.map