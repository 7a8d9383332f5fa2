// Reference scanning: find which of a set of store path hash parts occur in a byte stream.
// Nix: src/libstore/references.cc (RefScanSink). Works across chunk boundaries.
import { isNix32Char } from "./base32.js";
import { HASH_PART_LEN } from "./store-path.js";
const IS_B32 = new Uint8Array(256);
for (let c = 0; c < 128; c++)
    IS_B32[c] = isNix32Char(c) ? 1 : 0;
export class ReferenceScanner {
    pending;
    seen = new Set();
    tail = new Uint8Array(0);
    constructor(hashParts) {
        this.pending = new Set(hashParts);
    }
    search(s) {
        const L = HASH_PART_LEN;
        for (let i = 0; i + L <= s.length;) {
            let j = L - 1;
            // Scan a window right to left; a non-nix32 byte lets us skip past it (Boyer-Moore style).
            while (j >= 0 && IS_B32[s[i + j]])
                j--;
            if (j >= 0) {
                i += j + 1;
                continue;
            }
            const ref = Buffer.from(s.buffer, s.byteOffset + i, L).toString("latin1");
            if (this.pending.delete(ref))
                this.seen.add(ref);
            i++;
        }
    }
    update(chunk) {
        if (this.pending.size === 0 || chunk.length === 0)
            return this;
        const L = HASH_PART_LEN;
        // Candidates straddling the previous chunk's end.
        if (this.tail.length > 0) {
            const join = new Uint8Array(this.tail.length + Math.min(chunk.length, L - 1));
            join.set(this.tail);
            join.set(chunk.subarray(0, L - 1), this.tail.length);
            this.search(join);
        }
        this.search(chunk);
        const keep = Math.min(L - 1, this.tail.length + chunk.length);
        const next = new Uint8Array(keep);
        const fromChunk = Math.min(keep, chunk.length);
        next.set(this.tail.subarray(this.tail.length - (keep - fromChunk)), 0);
        next.set(chunk.subarray(chunk.length - fromChunk), keep - fromChunk);
        this.tail = next;
        return this;
    }
    /** The hash parts found so far. */
    found() {
        return new Set(this.seen);
    }
}
export function scanForReferences(data, hashParts) {
    return new ReferenceScanner(hashParts).update(data).found();
}
//# sourceMappingURL=references.js.map