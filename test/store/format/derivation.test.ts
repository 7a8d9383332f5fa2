// Derivations: the worked examples of NIX-COMPAT.md §5 (computed by Nix 2.8).
import { describe, expect, it } from "vitest";
import {
  byteString,
  hashDerivationModulo,
  makeOutputPath,
  makeTextPath,
  maskOutputs,
  parseDerivation,
  parseStorePath,
  printDerivation,
  printStorePath,
  sha256,
  showDerivationJson,
  toHex,
  derivationBytes,
  type Derivation,
} from "../../../store/format/index.js";

const S = "/nix/store";

function drv(fields: Partial<Derivation> & { env: [string, string][] }): Derivation {
  return {
    outputs: fields.outputs ?? new Map([["out", { path: "", hashAlgo: "", hash: "" }]]),
    inputDrvs: fields.inputDrvs ?? new Map(),
    inputSrcs: fields.inputSrcs ?? new Set(),
    platform: fields.platform ?? "x86_64-linux",
    builder: fields.builder ?? "/bin/sh",
    args: fields.args ?? [],
    env: new Map(fields.env),
  };
}

/** Fill in output paths of a masked input-addressed derivation; returns [drv, drvPath]. */
function finish(masked: Derivation, name: string, lookup: (p: string) => Uint8Array): [Derivation, string] {
  const h = hashDerivationModulo(maskOutputs(masked), lookup);
  const d: Derivation = { ...masked, outputs: new Map(), env: new Map(masked.env) };
  for (const o of masked.outputs.keys()) {
    const p = printStorePath(S, makeOutputPath(S, o, h, name));
    d.outputs.set(o, { path: p, hashAlgo: "", hash: "" });
    d.env.set(o, p);
  }
  const refs = [...d.inputSrcs, ...d.inputDrvs.keys()].map((p) => parseStorePath(S, p));
  const drvPath = printStorePath(S, makeTextPath(S, `${name}.drv`, sha256(derivationBytes(d)), refs));
  return [d, drvPath];
}

describe("derivations (NIX-COMPAT §5)", () => {
  it("worked example 1", () => {
    const masked = drv({
      args: ["-c", "echo example > $out"],
      env: [["builder", "/bin/sh"], ["name", "example"], ["out", ""], ["system", "x86_64-linux"]],
    });
    expect(printDerivation(masked)).toBe(
      'Derive([("out","","","")],[],[],"x86_64-linux","/bin/sh",["-c","echo example > $out"],[("builder","/bin/sh"),("name","example"),("out",""),("system","x86_64-linux")])',
    );
    expect(toHex(hashDerivationModulo(masked, () => new Uint8Array()))).toBe(
      "7fc106060d5f5fde2e311d7fd1e45a2b7a96fc605e40772c466dc0926bae8e14",
    );
    const [d, drvPath] = finish(masked, "example", () => new Uint8Array());
    expect(d.outputs.get("out")!.path).toBe("/nix/store/7kvkspyhghdfv8mb4vbk2yf0lgrcy2n5-example");
    expect(drvPath).toBe("/nix/store/jm1bpp30ggqcx82ralccx263n7j0nc8n-example.drv");
    expect(parseDerivation(derivationBytes(d))).toEqual(d);
  });

  it("worked example 2: two outputs, dev dependency, path literal", () => {
    const lib = drv({
      outputs: new Map([
        ["out", { path: "", hashAlgo: "", hash: "" }],
        ["dev", { path: "", hashAlgo: "", hash: "" }],
      ]),
      env: [["builder", "/bin/sh"], ["dev", ""], ["name", "lib-example"], ["out", ""], ["outputs", "out dev"], ["system", "x86_64-linux"]],
    });
    const [libD, libPath] = finish(lib, "lib-example", () => new Uint8Array());
    expect(libD.outputs.get("dev")!.path).toBe("/nix/store/4yrcdzx9wrjilvnjyvdd5cncr7n0db1v-lib-example-dev");
    expect(libPath).toBe("/nix/store/6zfwcf26gmhik698jm2n59cnp6i40xf6-lib-example.drv");
    const libModulo = hashDerivationModulo(libD, () => new Uint8Array());
    expect(toHex(libModulo)).toBe("e1a9fa4389715836c99dd2804318aff314f358ea3077c57374934ea2a574a02e");
    const greeting = "/nix/store/n87axjq24znc0imisqis6k6scgasq94x-greeting.txt";
    const app = drv({
      inputDrvs: new Map([[libPath, new Set(["dev"])]]),
      inputSrcs: new Set([greeting]),
      env: [
        ["builder", "/bin/sh"],
        ["greeting", greeting],
        ["inc", "/nix/store/4yrcdzx9wrjilvnjyvdd5cncr7n0db1v-lib-example-dev/include"],
        ["name", "app-example"],
        ["out", ""],
        ["system", "x86_64-linux"],
      ],
    });
    const lookup = (p: string) => (p === libPath ? libModulo : expect.unreachable());
    expect(toHex(hashDerivationModulo(maskOutputs(app), lookup))).toBe(
      "ddde36f08048d7d206d00eb296f2ae08cc50182928eb59f38cbd4190d355b2a5",
    );
    const [appD, appPath] = finish(app, "app-example", lookup);
    expect(appD.outputs.get("out")!.path).toBe("/nix/store/ywr4dhvbqbdgfcib8z5dvky3fs3sbrmr-app-example");
    expect(appPath).toBe("/nix/store/nxg7pc8nqa6yhn0ffac77dfrqknihsn1-app-example.drv");
  });

  it("worked example 3: fixed output and a dependent", () => {
    const hash = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    const out = "/nix/store/dim6ck98h1xpn4m1pa24kfxcd1vg9m22-abc.txt";
    const fod = drv({
      outputs: new Map([["out", { path: out, hashAlgo: "sha256", hash }]]),
      args: ["-c", "printf abc > $out"],
      env: [
        ["builder", "/bin/sh"],
        ["name", "abc.txt"],
        ["out", out],
        ["outputHash", hash],
        ["outputHashAlgo", "sha256"],
        ["outputHashMode", "flat"],
        ["system", "x86_64-linux"],
      ],
    });
    const fodPath = printStorePath(S, makeTextPath(S, "abc.txt.drv", sha256(derivationBytes(fod)), []));
    expect(fodPath).toBe("/nix/store/sa5wg9dm4rcv713sg4bxsa1jmajqdkkg-abc.txt.drv");
    const m = hashDerivationModulo(fod, () => expect.unreachable());
    expect(toHex(m)).toBe("6fa97a96a9da01c6c804c8343b9b126d0541d7d35f78b8fee370aecbf432a9c1");
    const user = drv({
      inputDrvs: new Map([[fodPath, new Set(["out"])]]),
      env: [["builder", "/bin/sh"], ["name", "uses-abc"], ["out", ""], ["src", out], ["system", "x86_64-linux"]],
    });
    const [u, uPath] = finish(user, "uses-abc", () => m);
    expect(u.outputs.get("out")!.path).toBe("/nix/store/46ksgvy9jrg9kbdw5sv9vlrzkrgg2b2j-uses-abc");
    expect(uPath).toBe("/nix/store/59isrs6f9cywsnvm720ss2zkrinkji6n-uses-abc.drv");
  });

  it("escapes exactly five characters, keeps other bytes raw, and round-trips non-UTF-8", () => {
    const d = drv({ env: [["msg", byteString('say "hi"\n\tback\\slash é')], ["raw", "\x01\x7f\xff\r"]] });
    const text = printDerivation(d);
    expect(text).toContain('("msg","say \\"hi\\"\\n\\tback\\\\slash \xc3\xa9")');
    expect(text).toContain('("raw","\x01\x7f\xff\\r")');
    expect(printDerivation(parseDerivation(text))).toBe(text);
  });

  it("rejects malformed ATerm with E_BAD_DERIVATION", () => {
    for (const bad of ["", "Derive(", 'Derive([("out","","","")],[],[],"x","/b",[],[]) ', 'Derive([],[],["rel"],"x","b",[],[])', 'Derive([],[],[],"x","b",[],[("a","1"),("a","2")])']) {
      expect(() => parseDerivation(bad, "t.drv")).toThrow(expect.objectContaining({ code: "E_BAD_DERIVATION" }));
    }
  });

  it("prints show-derivation JSON in Nix 2.8's layout", () => {
    const d = drv({
      outputs: new Map([["out", { path: "/nix/store/x-abc", hashAlgo: "r:sha256", hash: "00" }]]),
      env: [["l", 'a"\\\n\t\r\x08 1.500000'], ["name", "abc"]],
    });
    expect(showDerivationJson(new Map([["/nix/store/y-abc.drv", d]]))).toBe(
      [
        "{",
        '  "/nix/store/y-abc.drv": {',
        '    "outputs": {',
        '      "out": {',
        '        "path": "/nix/store/x-abc",',
        '        "hashAlgo": "r:sha256",',
        '        "hash": "00"',
        "      }",
        "    },",
        '    "inputSrcs": [],',
        '    "inputDrvs": {},',
        '    "system": "x86_64-linux",',
        '    "builder": "/bin/sh",',
        '    "args": [],',
        '    "env": {',
        '      "l": "a\\"\\\\\\n\\t\\r\\u0008 1.500000",',
        '      "name": "abc"',
        "    }",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });
});
