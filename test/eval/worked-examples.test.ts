// The worked examples of NIX-COMPAT.md §5, through the recipe API in-process.
import { afterEach, describe, expect, it } from "vitest";
import { beginEvaluation, derivation, endEvaluation, fetchurl, placeholder, toFile } from "../../eval/index.js";

const greeting = "/nix/store/n87axjq24znc0imisqis6k6scgasq94x-greeting.txt";
const store = { storeDir: "/nix/store", addPath: () => greeting };

afterEach(() => endEvaluation());

describe("recipe API against Nix 2.8's worked examples", () => {
  it("example, lib/app with a dev output and a path literal, fixed output and a dependent", async () => {
    beginEvaluation("/nix/store", store);
    const { path } = await import("../../eval/index.js");
    const ex = derivation({ name: "example", system: "x86_64-linux", builder: "/bin/sh", args: ["-c", "echo example > $out"] });
    expect(ex.drvPath).toBe("/nix/store/jm1bpp30ggqcx82ralccx263n7j0nc8n-example.drv");
    expect(`${ex}`).toBe("/nix/store/7kvkspyhghdfv8mb4vbk2yf0lgrcy2n5-example");
    const lib = derivation({ name: "lib-example", system: "x86_64-linux", builder: "/bin/sh", outputs: ["out", "dev"] });
    expect(lib.dev.outPath).toBe("/nix/store/4yrcdzx9wrjilvnjyvdd5cncr7n0db1v-lib-example-dev");
    const app = derivation({ name: "app-example", system: "x86_64-linux", builder: "/bin/sh", inc: `${lib.dev}/include`, greeting: path("greeting.txt") });
    expect(app.outPath).toBe("/nix/store/ywr4dhvbqbdgfcib8z5dvky3fs3sbrmr-app-example");
    expect(app.drvPath).toBe("/nix/store/nxg7pc8nqa6yhn0ffac77dfrqknihsn1-app-example.drv");
    const fod = derivation({
      name: "abc.txt",
      system: "x86_64-linux",
      builder: "/bin/sh",
      args: ["-c", "printf abc > $out"],
      outputHashAlgo: "sha256",
      outputHashMode: "flat",
      outputHash: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    });
    expect(fod.drvPath).toBe("/nix/store/sa5wg9dm4rcv713sg4bxsa1jmajqdkkg-abc.txt.drv");
    const user = derivation({ name: "uses-abc", system: "x86_64-linux", builder: "/bin/sh", src: fod });
    expect(user.outPath).toBe("/nix/store/46ksgvy9jrg9kbdw5sv9vlrzkrgg2b2j-uses-abc");
    expect(user.drvPath).toBe("/nix/store/59isrs6f9cywsnvm720ss2zkrinkji6n-uses-abc.drv");
  });

  it("toFile, placeholder, fetchurl", () => {
    beginEvaluation("/nix/store", store);
    const foo = toFile("foo", "bar");
    expect(foo).toBe("/nix/store/vxjiwkjkn7x4079qvh1jkl5pn05j2aw0-foo");
    expect(toFile("baz", `${foo}`)).toBe("/nix/store/5xd714cbfnkz02h2vbsj4fm03x3f15nf-baz");
    expect(placeholder("out")).toBe("/1rz4g4znpzjwh1xymhjpm42vipw92pr73vdgl6xs1hycac8kf2n9");
    // nix-instantiate of import <nix/fetchurl.nix> { url = "http://example.org/x.tar.gz"; hash = "sha256-LPJN…"; }
    const f = fetchurl({ url: "http://example.org/x.tar.gz", hash: "sha256-LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=" });
    expect(f.drvPath).toBe("/nix/store/3lainl562r0krzn0np3q1a173x1rk2bp-x.tar.gz.drv");
    expect(f.outPath).toBe("/nix/store/gcfxsp770jpj46w34pm6d1phps23fjyw-x.tar.gz");
  });

  it("refuses a derivation output inside toFile, and values Nix cannot coerce", () => {
    beginEvaluation("/nix/store", store);
    const d = derivation({ name: "d", system: "x", builder: "/bin/sh" });
    expect(() => toFile("t", `${d}`)).toThrow(/must not contain a reference to a derivation/);
    expect(() => derivation({ name: "e", system: "x", builder: "/bin/sh", f: (() => 1) as never })).toThrow(/cannot coerce a function/);
    expect(() => derivation({ name: "e", system: "x", builder: "/bin/sh", o: { a: 1 } as never })).toThrow(/cannot coerce a set/);
  });
});
