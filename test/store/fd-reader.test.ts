// FdReader's onConsumed: copy --from hashes NARs through it, in big runs instead of a token at a
// time, so it must see exactly the bytes read() returned, in order, however the reads are cut
// (across refills and buffer growth) and wherever the reading stops.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { FdReader } from "../../store/fd-reader.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-fdreader-"));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
// Larger than the reader's 1 MiB buffer, so reads refill, compact and grow it.
const data = randomBytes(3 << 20);
const file = path.join(dir, "data");
fs.writeFileSync(file, data);

describe("FdReader onConsumed", () => {
  it("passes on exactly the bytes read() returned, in order", () => {
    const size = fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: (1 << 20) + 1, max: 3 << 19 }));
    fc.assert(
      fc.property(fc.array(size, { minLength: 1, maxLength: 40 }), fc.boolean(), (sizes, toEnd) => {
        const fd = fs.openSync(file, "r");
        try {
          const passed: Buffer[] = [];
          const r = new FdReader(fd, (b) => void passed.push(Buffer.from(b)));
          const returned: Buffer[] = [];
          for (const n of sizes) returned.push(Buffer.from(r.read(n)));
          if (toEnd) expect(r.atEnd()).toBe(returned.reduce((n, b) => n + b.length, 0) === data.length);
          r.flushConsumed();
          const want = Buffer.concat(returned);
          expect(Buffer.concat(passed).equals(want)).toBe(true);
          expect(want.equals(data.subarray(0, want.length))).toBe(true);
        } finally {
          fs.closeSync(fd);
        }
      }),
      { numRuns: 60 },
    );
  });
});
