// compareUtf8 orders JS strings by UTF-8 bytes without encoding them.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { compareUtf8 } from "../../../store/format/index.js";

describe("compareUtf8", () => {
  it("agrees with Buffer.compare of the UTF-8 bytes", () => {
    const unit = fc.constantFrom("a", "b", "A", "_", ".", "-", "\u00e4", "\ufb01", "\ud7ff", "\ue000", "\uffff", "\u{1f980}", "\u{10000}");
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 5 }), fc.array(unit, { maxLength: 5 }), (xs, ys) => {
        const a = xs.join("");
        const b = ys.join("");
        expect(compareUtf8(a, b)).toBe(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
      }),
      { numRuns: 5000 },
    );
  });
  it("puts U+FB01 before U+1F980 (UTF-16 order says the opposite)", () => {
    expect(compareUtf8("\ufb01", "\u{1f980}")).toBe(-1);
    expect("\ufb01" < "\u{1f980}").toBe(false);
  });
});
