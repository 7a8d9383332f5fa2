// Binary caches against Nix 2.8, both ways (NIX-COMPAT.md §6).
//
// golden part (always runs): caches that Nix 2.8 wrote (test/fixtures/nix-cache/, made by
//   scripts/gen-cache-goldens.mjs; see PROVENANCE.md there) are imported by `cairn copy --from`
//   with Nix's key trusted, giving Nix's path infos; `cairn copy --to` of the same paths with the
//   same key writes narinfo, nix-cache-info and NAR files byte-equal to Nix's.
// live part (needs nix on PATH; CAIRN_REQUIRE_NIX=1 turns its absence into a failure): for each
//   compression, `nix copy --to file://` then `cairn copy --from`, and `cairn copy --to file://`
//   then `nix copy --from` with signature checking on and cairn's key trusted (and refused with
//   another key), comparing `nix path-info --json` with `cairn path-info --json`.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, cairn, cairnOk, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";
import { comparable, envOf, makeClosure, pathInfos, verifyClean, STORE_DIR } from "./helpers.js";

const FIX = path.join(REPO, "test", "fixtures", "nix-cache");
const G = JSON.parse(fs.readFileSync(path.join(FIX, "goldens.json"), "utf8")) as {
  nixVersion: string;
  top: string;
  source: string;
  pathInfo: Array<Record<string, unknown>>;
};
const HAVE_NIX = hasCommand("nix") && hasCommand("nix-store");
const REQUIRE_NIX = process.env.CAIRN_REQUIRE_NIX === "1";
const COMPRESSIONS = ["none", "xz", "zstd"] as const;
const NIX = ["--extra-experimental-features", "nix-command", "--option", "substituters", ""];

let work: string;
let goldenSk: string;
const goldenPub = fs.readFileSync(path.join(FIX, "key", "golden-1.pub"), "utf8");

beforeAll(() => {
  work = tmpDir("cairn-cache-nix-");
  // git keeps no modes: the committed secret key is made private again before use.
  goldenSk = path.join(work, "golden-1.sec");
  fs.copyFileSync(path.join(FIX, "key", "golden-1.sec"), goldenSk);
  fs.chmodSync(goldenSk, 0o600);
});
afterAll(() => rmTree(work));

const byPath = (xs: unknown[]) => [...(xs as Array<{ path: string }>)].sort((a, b) => (a.path < b.path ? -1 : 1));
const narinfos = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".narinfo"))
    .sort()
    .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]);

describe("golden: caches written by Nix 2.8", () => {
  for (const c of COMPRESSIONS) {
    it(`${c}: cairn copy --from a Nix cache gives Nix's path infos and keeps Nix's signatures`, () => {
      const root = path.join(work, `golden-from-${c}`);
      cairnOk(["copy", "--from", `file://${FIX}/cache-${c}`, "--trusted-public-keys", goldenPub, G.top], { env: envOf(root) });
      const infos = pathInfos(root, G.pathInfo.map((i) => i.path as string));
      expect(byPath(comparable(infos))).toEqual(byPath(G.pathInfo));
      for (const i of infos) expect((i.signatures as string[])[0]).toMatch(/^golden-1:/);
      expect(verifyClean(root).problems).toEqual([]);
      // Signatures are deterministic: cairn's own signature with Nix's key is Nix's.
      expect(cairnOk(["sign", "--secret-key-file", goldenSk, ...infos.map((i) => i.path as string)], { env: envOf(root) })).toBe("added 0 signatures\n");
    });
  }

  it("cairn copy --to with Nix's key writes narinfo, nix-cache-info and NARs byte-equal to Nix's", () => {
    const root = path.join(work, "golden-from-none");
    const out = path.join(work, "golden-to-none");
    cairnOk(["copy", "--to", `file://${out}`, "--compression", "none", "--secret-key-file", goldenSk, G.top], { env: envOf(root) });
    const ours = narinfos(out);
    expect(ours).toEqual(narinfos(path.join(FIX, "cache-none")));
    expect(ours).toHaveLength(2);
    expect(fs.readFileSync(path.join(out, "nix-cache-info"), "utf8")).toBe(fs.readFileSync(path.join(FIX, "cache-none", "nix-cache-info"), "utf8"));
    for (const f of fs.readdirSync(path.join(FIX, "cache-none", "nar"))) {
      expect(fs.readFileSync(path.join(out, "nar", f)).equals(fs.readFileSync(path.join(FIX, "cache-none", "nar", f))), f).toBe(true);
    }
  });

  it("a narinfo Nix signed with another key is refused, and accepted with --no-check-sigs", () => {
    const root = path.join(work, "golden-untrusted");
    const r = cairn(["copy", "--from", `file://${FIX}/cache-zstd`, G.top], { env: envOf(root) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/lacks a signature by a trusted key \(untrusted key: signed by golden-1\)/);
    cairnOk(["copy", "--from", `file://${FIX}/cache-zstd`, "--no-check-sigs", G.top], { env: envOf(root) });
  });
});

// ---- live -------------------------------------------------------------------------------------

function nix(cmd: string, args: string[]): string {
  const env = { ...process.env, NIX_REMOTE: "" };
  delete env.NIX_STORE_DIR;
  delete env.NIX_STATE_DIR;
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout.toString();
}
function nixFails(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { env: { ...process.env, NIX_REMOTE: "" } });
  expect(r.status, `${cmd} ${args.join(" ")} should fail`).not.toBe(0);
  return r.stderr.toString();
}

function buildTree(dir: string, salt: string): void {
  fs.mkdirSync(path.join(dir, "sub"), { recursive: true });
  fs.writeFileSync(path.join(dir, "sub", "data"), `live ${salt}\n`.repeat(1000));
  fs.writeFileSync(path.join(dir, "run"), "#!/bin/sh\necho live\n", { mode: 0o755 });
  fs.chmodSync(path.join(dir, "run"), 0o755);
  fs.symlinkSync("sub/data", path.join(dir, "link"));
}

describe.skipIf(!HAVE_NIX && !REQUIRE_NIX)("live: Nix 2.8 and cairn side by side", () => {
  it("Nix is here (CAIRN_REQUIRE_NIX=1 makes its absence a failure)", () => {
    expect(HAVE_NIX).toBe(true);
    expect(nix("nix-store", ["--version"])).toMatch(/2\.8\./);
  });

  for (const c of COMPRESSIONS) {
    it(`${c}: nix copy --to file:// (signed, nix-store --generate-binary-cache-key), then cairn copy --from`, () => {
      const R = path.join(work, `nix-src-${c}`);
      const tree = path.join(work, `live-tree-${c}`);
      buildTree(tree, c);
      const src = nix("nix-store", ["--store", `local?root=${R}`, "--option", "substituters", "", "--add", tree]).trim();
      const drv = nix("nix-instantiate", ["--store", `local?root=${R}`, "--option", "substituters", "", "-E", `derivation { name = "live-${c}"; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "cat \${builtins.storePath "${src}"}/sub/data" ]; }`]).trim();
      const sk = path.join(work, `nixkey-${c}.sec`);
      const pk = path.join(work, `nixkey-${c}.pub`);
      nix("nix-store", ["--generate-binary-cache-key", `nixkey-${c}`, sk, pk]);
      fs.chmodSync(sk, 0o600);
      const cache = path.join(work, `nix-cache-${c}`);
      nix("nix", [...NIX, "copy", "--derivation", "--store", `local?root=${R}`, "--to", `file://${cache}?compression=${c}&secret-key=${sk}`, drv]);
      const root = path.join(work, `cairn-from-nix-${c}`);
      const r = cairn(["copy", "--from", `file://${cache}`, "--trusted-public-keys", pk, drv], { env: envOf(root) });
      expect(r.status, r.stderr).toBe(0);
      const want = JSON.parse(nix("nix", [...NIX, "path-info", "--derivation", "--json", "-r", "--store", `local?root=${R}`, drv])) as Array<Record<string, unknown>>;
      expect(byPath(comparable(pathInfos(root, want.map((w) => w.path as string))))).toEqual(byPath(comparable(want)));
      expect(verifyClean(root).problems).toEqual([]);
      if (c === "none") {
        // Same paths and key: cairn's narinfos are Nix's, byte for byte.
        const out = path.join(work, "cairn-to-none-again");
        cairnOk(["copy", "--to", `file://${out}`, "--compression", "none", "--secret-key-file", sk, drv], { env: envOf(root) });
        expect(narinfos(out)).toEqual(narinfos(cache));
      }
    });

    it(`${c}: cairn copy --to file:// (signed, cairn key generate), then nix copy --from with require-sigs`, async () => {
      const root = path.join(work, `cairn-src-${c}`);
      const closure = await makeClosure(root, `live${c}`);
      const sk = path.join(work, `cairnkey-${c}.sec`);
      const pk = path.join(work, `cairnkey-${c}.pub`);
      const pub = cairnOk(["key", "generate", `cairnkey-${c}`, "--secret-key-file", sk, "--public-key-file", pk]).trim();
      const cache = path.join(work, `cairn-cache-${c}`);
      cairnOk(["copy", "--to", `file://${cache}`, "--compression", c, "--secret-key-file", sk, closure.top], { env: envOf(root) });
      const R2 = path.join(work, `nix-dst-${c}`);
      const copyArgs = (keys: string) => [...NIX, "--option", "require-sigs", "true", "--option", "trusted-public-keys", keys, "copy", "--from", `file://${cache}`, "--store", `local?root=${R2}`, closure.top];
      // The top path is input-addressed: only the signature vouches for it. Another key: refused.
      const other = path.join(work, `otherkey-${c}`);
      const otherPub = cairnOk(["key", "generate", `other-${c}`, "--secret-key-file", other, "--public-key-file", other + ".pub"]).trim();
      expect(nixFails("nix", copyArgs(otherPub))).toMatch(/lacks a valid signature/);
      nix("nix", copyArgs(pub));
      const got = JSON.parse(nix("nix", [...NIX, "path-info", "--json", "-r", "--store", `local?root=${R2}`, closure.top])) as Array<Record<string, unknown>>;
      expect(byPath(comparable(got))).toEqual(byPath(comparable(pathInfos(root, closure.paths))));
      expect(got).toHaveLength(closure.paths.length);
      // Nix's own check of what it imported.
      nix("nix", [...NIX, "store", "verify", "--store", `local?root=${R2}`, "--trusted-public-keys", pub, "--sigs-needed", "1", closure.top]);
    });
  }
});

if (!HAVE_NIX && !REQUIRE_NIX) {
  describe("live: Nix 2.8 and cairn side by side", () => {
    it.skip("needs nix", () => {});
  });
}

void STORE_DIR;
