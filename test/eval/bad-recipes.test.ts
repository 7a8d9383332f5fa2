// Recipes cairn must refuse (test/fixtures/eval/bad/): each refusal is one line
// `cairn: instantiate: FILE[:LINE:COLUMN]: …` on stderr, a non-zero exit, nothing on stdout and
// nothing new in the store. With Nix on PATH, the Nix counterparts (bad/nix-refuses.nix) are
// checked to be refused by Nix too, with the same words where cairn copies Nix's message.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, cairn, cairnOk, hasCommand, rmTree, tmpDir } from "../helpers/cli.js";

const BAD = "test/fixtures/eval/bad"; // relative to REPO, the cwd of every run: messages name it so
const work = tmpDir("cairn-eval-bad-");
const root = path.join(work, "root");
const realStore = path.join(root, "store");
const env = { CAIRN_STORE_DIR: "/nix/store", CAIRN_ROOT: undefined, XDG_CACHE_HOME: path.join(work, "cache") };
const run = (args: string[]) => cairn(["instantiate", ...args, "--root", root], { env, cwd: REPO });
/** Everything in the store directory, its own dot-files included. */
const entries = () => (fs.existsSync(realStore) ? fs.readdirSync(realStore).sort() : []);

beforeAll(() => {
  // A store that already holds something, so "no new entries" is not trivially true.
  cairnOk(["instantiate", `${BAD}/with-default.ts`, "-A", "hello", "--root", root], { env, cwd: REPO });
  expect(entries().filter((e) => e.endsWith(".drv"))).toHaveLength(1);
});
afterAll(() => rmTree(work));

/**
 * Run a bad recipe; check the one-line refusal and the untouched store; return the message
 * after `cairn: instantiate: FILE…: `.
 */
function refused(file: string, where: RegExp, args: string[] = []): string {
  const before = entries();
  const r = run([`${BAD}/${file}`, ...args]);
  expect(r.status, r.stderr).not.toBe(0);
  expect(r.status).not.toBeNull();
  expect(r.out).toBe("");
  expect(r.stderr).toMatch(/^cairn: instantiate: [^\n]*\n$/);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  const rest = r.stderr.slice("cairn: instantiate: ".length).trimEnd();
  const m = where.exec(rest);
  expect(m, `'${rest}' should start with ${where}`).not.toBeNull();
  expect(m!.index).toBe(0);
  expect(entries()).toEqual(before);
  return rest.slice(m![0].length);
}
const at = (file: string, line: number, col?: number) =>
  new RegExp(`${`${BAD}/${file}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:${line}:${col ?? "\\d+"}: `);
const named = (file: string) => new RegExp(`${`${BAD}/${file}`.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: `);

describe("bad recipes: one line naming the file, non-zero exit, nothing written", () => {
  it("a syntax error (file:line:column of the offending token)", () => {
    expect(refused("syntax-error.ts", at("syntax-error.ts", 4, 86))).toMatch(/Expected ','/);
  });

  it("a TypeError thrown while the recipe runs", () => {
    expect(refused("type-error.ts", at("type-error.ts", 5, 47))).toMatch(/^TypeError: Cannot read properties of undefined \(reading 'name'\)$/);
  });

  it("an unknown -A attribute of a recipe with named exports lists the exports", () => {
    const msg = refused("named-only.ts", named("named-only.ts"), ["-A", "nope"]);
    expect(msg).toMatch(/attribute 'nope' not found/);
    expect(msg).toContain("hello");
    expect(msg).toContain("world");
  });

  it("an unknown -A attribute of a recipe with a default export lists what -A can select", () => {
    const msg = refused("with-default.ts", named("with-default.ts"), ["-A", "nope"]);
    expect(msg).toMatch(/attribute 'nope' not found/);
    expect(msg).toContain("greeting");
    expect(msg).toContain("hello");
    expect(msg).toContain("world");
  });

  it("an unknown nested -A attribute lists the attributes of its parent", () => {
    const msg = refused("named-only.ts", named("named-only.ts"), ["-A", "world.nope"]);
    expect(msg).toMatch(/attribute 'world\.nope' not found/);
    expect(msg).toContain("dev");
    expect(msg).toContain("out");
  });

  it("an attribute holding a function", () => {
    expect(refused("coerce-function.ts", at("coerce-function.ts", 5))).toMatch(/'hook'.*cannot coerce a function to a string/);
  });

  it("an attribute holding a plain object", () => {
    expect(refused("coerce-object.ts", at("coerce-object.ts", 4))).toMatch(/'settings'.*cannot coerce a set to a string/);
  });

  it("toFile text holding a derivation output", () => {
    expect(refused("tofile-drv.ts", at("tofile-drv.ts", 5))).toMatch(
      /in 'toFile': the file named 'script\.sh' must not contain a reference to a derivation but contains \(!out!\/nix\/store\/[0-9a-z]{32}-dep\.drv\)/,
    );
  });

  it("an import cycle between two recipe files (both named)", () => {
    const msg = refused("cycle-a.ts", named("cycle-a.ts"), ["-A", "a"]);
    expect(msg).toMatch(/import cycle/);
    expect(msg).toContain(`${BAD}/cycle-b.ts`);
  });

  it("an invalid derivation name", () => {
    expect(refused("invalid-name.ts", at("invalid-name.ts", 4))).toMatch(/'hello world'.*" "/);
  });

  it("an invalid output name", () => {
    expect(refused("invalid-output-name.ts", at("invalid-output-name.ts", 4))).toMatch(/output name.*'lib\/x'/);
  });

  it("an invalid hash", () => {
    expect(refused("invalid-hash.ts", at("invalid-hash.ts", 4))).toMatch(/hash '0123456789abcdef' has wrong length for hash type 'sha256'/);
  });

  it("two outputs on a fixed-output derivation", () => {
    expect(refused("fod-two-outputs.ts", at("fod-two-outputs.ts", 4))).toMatch(/multiple outputs are not supported in fixed-output derivations/);
  });

  it('outputs = ["drv"]', () => {
    expect(refused("output-drv.ts", at("output-drv.ts", 4))).toMatch(/invalid derivation output name 'drv'/);
  });

  it("after all that, the store still works and holds only what the good recipe made", () => {
    expect(cairnOk(["instantiate", `${BAD}/with-default.ts`, "-A", "world", "--root", root], { env, cwd: REPO })).toMatch(/-world\.drv\n$/);
    expect(entries().filter((e) => !e.startsWith(".")).map((e) => e.slice(33)).sort()).toEqual(["hello.drv", "world.drv"]);
  });
});

describe.skipIf(!hasCommand("nix-instantiate"))("bad recipes: Nix refuses their counterparts too (needs nix)", () => {
  // Where cairn uses Nix's own words, the message must contain Nix's first error line.
  const SAME_WORDS = new Set(["coerce-function", "coerce-object", "tofile-drv", "invalid-hash", "fod-two-outputs", "output-drv"]);
  const attrs = ["coerce-function", "coerce-object", "tofile-drv", "invalid-name", "invalid-output-name", "invalid-hash", "fod-two-outputs", "output-drv"];
  for (const a of attrs) {
    it(a, () => {
      const nixRoot = path.join(work, "nix");
      const r = spawnSync("nix-instantiate", ["--store", `local?root=${nixRoot}`, "--option", "substituters", "", `${BAD}/nix-refuses.nix`, "-A", a], {
        cwd: REPO,
        env: { ...process.env, NIX_REMOTE: "" },
      });
      expect(r.status).not.toBe(0);
      const nixLine = /^error: (.*)$/m.exec(r.stderr.toString())?.[1];
      expect(nixLine).toBeDefined();
      if (SAME_WORDS.has(a)) {
        const c = run([`${BAD}/${a}.ts`]);
        expect(c.status).not.toBe(0);
        expect(c.stderr).toContain(nixLine!);
      }
    });
  }
});
