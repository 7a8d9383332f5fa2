// Worked examples of NIX-COMPAT.md §1–§4, all computed by Nix 2.8.
import { describe, expect, it } from "vitest";
import {
  compressHash,
  decodeNix32,
  encodeNix32,
  makeFixedOutputPath,
  makeTextPath,
  memTree,
  narBytes,
  parseHash,
  parseStorePath,
  printHash,
  printStorePath,
  sha256,
  hashBytes,
  toHex,
} from "../../../store/format/index.js";

const hex = (s: string) => new Uint8Array(Buffer.from(s, "hex"));
const S = "/nix/store";

describe("nix32 (NIX-COMPAT §1.3)", () => {
  it.each([
    ["01000000000000000000000000000000", "00000000000000000000000001"],
    ["00000000000000000000000000000080", "40000000000000000000000000"],
    ["000102030405060708090a0b0c0d0e0f", "0g1q6hq2qa1440f1h50h1h4080"],
    ["0000000000000000000000000000000000000001", "04000000000000000000000000000000"],
    ["2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", "094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic"],
  ])("%s <-> %s", (h, n) => {
    expect(encodeNix32(hex(h))).toBe(n);
    expect(toHex(decodeNix32(n, h.length / 2))).toBe(h);
  });
});

describe("hash parsing (§1.2)", () => {
  const want = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
  it.each([
    [want, "sha256"],
    [want.toUpperCase(), "sha256"],
    ["094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic", "sha256"],
    ["sha256:094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic", undefined],
    ["sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", undefined],
    ["sha256:LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=", undefined],
  ] as const)("%s", (s, algo) => {
    expect(toHex(parseHash(s, algo).bytes)).toBe(want);
  });
  it("prints every format", () => {
    const h = hashBytes("sha256", "hello");
    expect(printHash(h, "base16")).toBe(want);
    expect(printHash(h, "nix32", true)).toBe("sha256:094qif9n4cq4fdg459qzbhg1c6wywawwaaivx0k0x8xhbyx4vwic");
    expect(printHash(h, "sri")).toBe("sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=");
  });
});

describe("store paths (§1.4, §2.3)", () => {
  it("compressHash is an XOR fold", () => {
    const h = sha256("text:sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9:/nix/store:foo");
    expect(toHex(h)).toBe("6055c3f2a839edfcecd3d7fc40fab1534e1e65dfe07ee2f9188e3dd5ef0fefe1");
    expect(toHex(compressHash(h, 20))).toBe("802b210bb0b7d02903dc381d40fab1534e1e65df");
  });
  it("toFile foo bar, and a text with a reference", () => {
    const foo = makeTextPath(S, "foo", sha256("bar"), []);
    expect(printStorePath(S, foo)).toBe("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo");
    const baz = makeTextPath(S, "baz", sha256(printStorePath(S, foo)), [foo]);
    expect(printStorePath(S, baz)).toBe("/nix/store/5xd714cbfnkz02h2vbsj4fm03x3f15nf-baz");
  });
  it("greeting.txt: NAR, source path and fixed paths", () => {
    const nar = narBytes(memTree({ type: "regular", contents: "hi\n" }));
    expect(nar.length).toBe(120);
    const narHash = hashBytes("sha256", nar);
    expect(printHash(narHash, "nix32")).toBe("1xmr8jicvzszfzpz46g37mlpvbzjl2wpwvl2b05psipssyp1sm8h");
    const p = (x: Parameters<typeof makeFixedOutputPath>[2]) => printStorePath(S, makeFixedOutputPath(S, "greeting.txt", x));
    expect(p({ method: "recursive", hash: narHash })).toBe("/nix/store/n87axjq24znc0imisqis6k6scgasq94x-greeting.txt");
    expect(p({ method: "flat", hash: hashBytes("sha256", "hi\n") })).toBe("/nix/store/0cd9wfphx5i9sly07cr00rzqn22d3lbj-greeting.txt");
    expect(p({ method: "recursive", hash: hashBytes("sha1", nar) })).toBe("/nix/store/7ynamqkjki5rj4l36r7f99nrnqdmy9yb-greeting.txt");
    expect(p({ method: "flat", hash: hashBytes("sha512", "hi\n") })).toBe("/nix/store/6fblb7d3z82yd3i2cnywz9d4yrrnkbn4-greeting.txt");
  });
  it("flat sha256 fixed output abc.txt", () => {
    const h = parseHash("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256");
    expect(printStorePath(S, makeFixedOutputPath(S, "abc.txt", { method: "flat", hash: h }))).toBe(
      "/nix/store/dim6ck98h1xpn4m1pa24kfxcd1vg9m22-abc.txt",
    );
  });
  it("the demo tree (§3.3)", () => {
    const nar = narBytes(
      memTree({
        type: "directory",
        entries: {
          link: { type: "symlink", target: "README" },
          bin: { type: "directory", entries: { run: { type: "regular", executable: true, contents: "echo\n" } } },
          README: { type: "regular", contents: "x" },
        },
      }),
    );
    expect(nar.length).toBe(872);
    const h = hashBytes("sha256", nar);
    expect(printHash(h, "nix32")).toBe("0558rlyig55mm50wjmh8n07rb4dps4fagl702ng7qf4d8ziqrcfr");
    expect(printStorePath(S, makeFixedOutputPath(S, "demo", { method: "recursive", hash: h }))).toBe(
      "/nix/store/dplha0nkgwvks5y02kbg0h22xx1x96nc-demo",
    );
    expect(narBytes(memTree({ type: "directory", entries: {} })).length).toBe(96);
  });
  it("parses a store path", () => {
    expect(parseStorePath(S, "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo")).toEqual({
      hashPart: "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0",
      name: "foo",
    });
  });
});
