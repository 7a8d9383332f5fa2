// The pure binary-cache formats against NIX-COMPAT.md §6: fingerprints, Nix's key/signature text
// forms, narinfo and nix-cache-info printing and strict parsing.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  CairnError,
  fingerprintPath,
  makeSecretKey,
  narInfoFingerprint,
  parseCacheInfo,
  parseHash,
  parseNarInfo,
  parsePublicKey,
  parsePublicKeys,
  parseSecretKey,
  printCacheInfo,
  printNarInfo,
  printPublicKey,
  signDetached,
  toPublicKey,
  verifyDetached,
  type NarInfo,
} from "../../store/format/index.js";

// NIX-COMPAT.md §6.2, made by Nix 2.8 for that document.
const SECRET = "example-key-1:qAO+W5ZwUbEj3xu4/8WuuwmB8GilAY3QU1lboC70y8JWzRJ8nbtx5IUiWgVYxH/n5kjXXf/xBT8yD1+NGPfkZw==";
const PUBLIC = "example-key-1:Vs0SfJ27ceSFIloFWMR/5+ZI113/8QU/Mg9fjRj35Gc=";
const BAZ = `StorePath: /nix/store/5xd714cbfnkz02h2vbsj4fm03x3f15nf-baz
URL: nar/0m29vxh7maf5ml5dyq7vy0ah53zah45pvy8yk5y8la4nnla95gfi.nar
Compression: none
FileHash: sha256:0m29vxh7maf5ml5dyq7vy0ah53zah45pvy8yk5y8la4nnla95gfi
FileSize: 160
NarHash: sha256:0m29vxh7maf5ml5dyq7vy0ah53zah45pvy8yk5y8la4nnla95gfi
NarSize: 160
References: vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo
Sig: example-key-1:WA0rre+KLF2Wx+waa5hdF0Ne83YPG8AdYbBx1VpbZMIxmnhYbwkOOIlS6cYo+nI8zMFIENOiByQEkDh6HQbnBQ==
CA: text:sha256:190k5ph58syggimih0bad4nbgklmzwbha6n5d9x66yprq3c9immw
`;
const FP =
  "1;/nix/store/5xd714cbfnkz02h2vbsj4fm03x3f15nf-baz;sha256:0m29vxh7maf5ml5dyq7vy0ah53zah45pvy8yk5y8la4nnla95gfi;160;/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo";

const code = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (e) {
    expect(e).toBeInstanceOf(CairnError);
    return (e as CairnError).code;
  }
};

describe("NIX-COMPAT §6 worked example", () => {
  it("parses Nix's narinfo and prints it back byte for byte", () => {
    const info = parseNarInfo("/nix/store", BAZ);
    expect(info.references).toEqual(["/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"]);
    expect(printNarInfo(info)).toBe(BAZ);
  });
  it("computes Nix's fingerprint", () => {
    const info = parseNarInfo("/nix/store", BAZ);
    expect(narInfoFingerprint(info)).toBe(FP);
    expect(fingerprintPath(info.storePath, info.narHash, 160, info.references)).toBe(FP);
  });
  it("signs byte-equal to Nix and verifies under the public key", () => {
    const sk = parseSecretKey(SECRET);
    expect(printPublicKey(toPublicKey(sk))).toBe(PUBLIC);
    const sig = signDetached(sk, FP);
    expect(`Sig: ${sig}`).toBe(BAZ.split("\n")[8]);
    expect(verifyDetached(FP, sig, [parsePublicKey(PUBLIC)])).toBe(true);
    // Same name, other bytes (C-3), and other data (C-4/C-5).
    const other = toPublicKey(makeSecretKey("example-key-1", new Uint8Array(32).fill(7)));
    expect(verifyDetached(FP, sig, [other])).toBe(false);
    expect(verifyDetached(FP.replace(";160;", ";161;"), sig, [parsePublicKey(PUBLIC)])).toBe(false);
  });
  it("the second narinfo: no references is 'References: ' with a trailing space", () => {
    const foo = { ...parseNarInfo("/nix/store", BAZ), storePath: "/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo", references: [], sigs: [] };
    expect(printNarInfo(foo)).toContain("\nReferences: \n");
  });
  it("works with a non-Nix store dir too", () => {
    const text = BAZ.replaceAll("/nix/store", "/home/u/.local/share/cairn/store");
    const info = parseNarInfo("/home/u/.local/share/cairn/store", text);
    expect(printNarInfo(info)).toBe(text);
    expect(() => parseNarInfo("/nix/store", text)).toThrow(CairnError);
  });
});

describe("keys and signatures (C-8)", () => {
  it("refuses malformed keys and signatures with E_BAD_SIGNATURE, never an exception text", () => {
    for (const bad of ["nokey", ":abc", "k:", "k:!!!!", "k:" + Buffer.alloc(31).toString("base64"), "k:" + Buffer.alloc(33).toString("base64"), "a b:" + Buffer.alloc(32).toString("base64")]) {
      expect(code(() => parsePublicKey(bad)), bad).toBe("E_BAD_SIGNATURE");
    }
    expect(code(() => parseSecretKey(PUBLIC))).toBe("E_BAD_SIGNATURE");
    // A secret key whose public half does not belong to its seed.
    const sk = Buffer.from(SECRET.split(":")[1]!, "base64");
    sk[40]! ^= 1;
    expect(code(() => parseSecretKey(`x:${sk.toString("base64")}`))).toBe("E_BAD_SIGNATURE");
  });
  it("a malformed signature (63/65 bytes, bad base64, no name) never verifies", () => {
    const pk = [parsePublicKey(PUBLIC)];
    const good = signDetached(parseSecretKey(SECRET), FP);
    const body = Buffer.from(good.split(":")[1]!, "base64");
    for (const s of [
      `example-key-1:${body.subarray(0, 63).toString("base64")}`,
      `example-key-1:${Buffer.concat([body, Buffer.alloc(1)]).toString("base64")}`,
      `example-key-1:${good.split(":")[1]!.slice(0, -4)}!!!!`,
      good.split(":")[1]!,
      "",
    ]) {
      expect(verifyDetached(FP, s, pk)).toBe(false);
    }
  });
  it("non-canonical base64 (stray bits) is refused so a key has one spelling", () => {
    const b = PUBLIC.split(":")[1]!; // 32 bytes: 44 chars, one '=' and 2 spare bits
    const last = b[b.length - 2]!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const tweaked = b.slice(0, -2) + alphabet[alphabet.indexOf(last) ^ 1] + "=";
    expect(code(() => parsePublicKey(`example-key-1:${tweaked}`))).toBe("E_BAD_SIGNATURE");
  });
  it("parses whitespace-separated trusted key lists", () => {
    expect(parsePublicKeys(` ${PUBLIC}\n ${PUBLIC} `)).toHaveLength(2);
    expect(parsePublicKeys("")).toEqual([]);
  });
  it("signatures are deterministic and verify (property)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.string(), (seed, data) => {
        const sk = makeSecretKey("k", seed);
        const s = signDetached(sk, data);
        return s === signDetached(sk, data) && verifyDetached(data, s, [toPublicKey(sk)]) && parseSecretKey(`k:${Buffer.from(sk.key).toString("base64")}`).name === "k";
      }),
      { numRuns: 200 },
    );
  });
});

describe("narinfo parsing is strict", () => {
  const without = (field: string) => BAZ.split("\n").filter((l) => !l.startsWith(field + ":")).join("\n");
  const replace = (field: string, v: string) => BAZ.split("\n").map((l) => (l.startsWith(field + ":") ? `${field}: ${v}` : l)).join("\n");
  it("requires StorePath, URL, NarHash, NarSize", () => {
    for (const f of ["StorePath", "URL", "NarHash", "NarSize"]) expect(code(() => parseNarInfo("/nix/store", without(f))), f).toBe("E_BAD_NARINFO");
  });
  it("defaults Compression to bzip2 and Deriver unknown-deriver to none", () => {
    expect(parseNarInfo("/nix/store", without("Compression")).compression).toBe("bzip2");
    expect(parseNarInfo("/nix/store", BAZ + "Deriver: unknown-deriver\n").deriver).toBeUndefined();
  });
  it("refuses bad values with the field named", () => {
    const cases: Array<[string, string]> = [
      ["NarHash", "sha256:zm29vxh7maf5ml5dyq7vy0ah53zah45pvy8yk5y8la4nnla95gfi"], // C-15: spare bits
      ["NarHash", "sha256-AAAA"],
      ["NarHash", "md5:00000000000000000000000000000000"],
      ["NarSize", "-1"],
      ["NarSize", "0x10"],
      ["NarSize", "99999999999999999999"],
      ["StorePath", "/nix/store/../etc"],
      ["StorePath", "/tmp/5xd714cbfnkz02h2vbsj4fm03x3f15nf-baz"],
      ["References", "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo/.."],
      ["References", "vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo"],
      ["URL", "nar/../../../etc/shadow"], // C-11
      ["URL", "/etc/shadow"],
      ["URL", "http://elsewhere.example/x.nar"],
      ["URL", "file:///etc/shadow"],
      ["CA", "nonsense:abc"],
      ["FileSize", "ten"],
    ];
    for (const [f, v] of cases) {
      const c = (() => {
        try {
          parseNarInfo("/nix/store", replace(f, v));
          return undefined;
        } catch (e) {
          return e as CairnError;
        }
      })();
      expect(c?.code, `${f}: ${v}`).toBe("E_BAD_NARINFO");
      expect(c?.message, `${f}: ${v}`).toMatch(new RegExp(f));
    }
  });
  it("refuses duplicate single fields and lines that are not 'Key: value'", () => {
    expect(code(() => parseNarInfo("/nix/store", BAZ + "NarSize: 160\n"))).toBe("E_BAD_NARINFO");
    expect(code(() => parseNarInfo("/nix/store", BAZ + "garbage\n"))).toBe("E_BAD_NARINFO");
    expect(code(() => parseNarInfo("/nix/store", "x".repeat(2 << 20)))).toBe("E_BAD_NARINFO");
  });
  it("ignores unknown fields, as Nix does", () => {
    expect(printNarInfo(parseNarInfo("/nix/store", BAZ + "Frobnicate: 1\n"))).toBe(BAZ);
  });
  it("print . parse is the identity (property)", () => {
    const nix32 = fc.stringMatching(/^[0-9abcdfghijklmnpqrsvwxyz]{32}$/);
    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => parseHash(`sha256:${Buffer.from(b).toString("hex")}`));
    const name = fc.stringMatching(/^[a-z0-9][a-zA-Z0-9+\-._?=]{0,20}$/);
    const arb = fc.record({
      h: nix32,
      n: name,
      refs: fc.uniqueArray(fc.tuple(nix32, name).map(([a, b]) => `/nix/store/${a}-${b}`), { maxLength: 5 }),
      narHash: hash,
      fileHash: hash,
      narSize: fc.integer({ min: 1, max: 2 ** 40 }),
      fileSize: fc.nat(),
      sigs: fc.array(fc.constant(signDetached(parseSecretKey(SECRET), "x")), { maxLength: 2 }),
      compression: fc.constantFrom("none", "xz", "zstd"),
      system: fc.option(fc.constantFrom("x86_64-linux", "aarch64-linux"), { nil: undefined }),
    });
    fc.assert(
      fc.property(arb, (a) => {
        const info: NarInfo = {
          storePath: `/nix/store/${a.h}-${a.n}`,
          url: `nar/${a.h}.nar`,
          compression: a.compression,
          fileHash: a.fileHash,
          fileSize: a.fileSize,
          narHash: a.narHash,
          narSize: a.narSize,
          references: [...a.refs].sort(),
          sigs: a.sigs,
          ...(a.system ? { system: a.system } : {}),
        };
        const text = printNarInfo(info);
        return printNarInfo(parseNarInfo("/nix/store", text)) === text;
      }),
      { numRuns: 500 },
    );
  });
});

describe("nix-cache-info", () => {
  it("prints what Nix 2.8 writes and reads public caches' fields", () => {
    expect(printCacheInfo({ storeDir: "/nix/store" })).toBe("StoreDir: /nix/store\n");
    expect(parseCacheInfo("StoreDir: /nix/store\nWantMassQuery: 1\nPriority: 40\n")).toEqual({ storeDir: "/nix/store", wantMassQuery: true, priority: 40 });
    expect(parseCacheInfo("").storeDir).toBe("/nix/store");
  });
});
