// `profile rollback` and `profile switch-generation`: the hand-parsed fast path (cli/main.ts ->
// cli/commands/profile-switch.ts) and the commander path it falls back to behave alike, and the
// fast path loads neither commander nor the store's database. Generations are made by hand (these
// commands never read the store), so no packages are needed.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, rmTree, tmpDir } from "../helpers/cli.js";
import { currentGen } from "./helpers.js";
import { isSystemProfileLink, parseSwitchArgs } from "../../cli/commands/profile-switch.js";
import { systemProfileRef } from "../../profiles/system/system-profile.js";
import { Layout } from "../../store/layout.js";

let dir: string;
let root: string;
let env: Record<string, string>;

/** A profile `name` in `where` with generations `gens` (records: `parent` of each, optional), current `cur`. */
function makeProfile(where: string, name: string, gens: number[], cur: number, parents: Record<number, number | null> = {}): string {
  fs.mkdirSync(where, { recursive: true });
  for (const n of gens) {
    fs.symlinkSync(`/nonexistent/store/${"a".repeat(32)}-env-${n}`, path.join(where, `${name}-${n}-link`));
    if (n in parents) {
      const rec = { generation: n, parent: parents[n], created: 1, command: "install", changes: { added: [], removed: [], changed: [] } };
      fs.writeFileSync(path.join(where, `.${name}-${n}-link.json`), JSON.stringify(rec));
    }
  }
  fs.symlinkSync(`${name}-${cur}-link`, path.join(where, name));
  return path.join(where, name);
}

beforeAll(() => {
  dir = tmpDir("cairn-switch-cli-");
  root = path.join(dir, "root");
  env = { CAIRN_ROOT: root, HOME: dir };
});
afterAll(() => rmTree(dir));

describe("parseSwitchArgs", () => {
  it("takes the plain forms", () => {
    expect(parseSwitchArgs(["rollback"])).toEqual({ sub: "rollback", opts: {} });
    expect(parseSwitchArgs(["switch-generation", "3", "--profile", "p"])).toEqual({ sub: "switch-generation", n: "3", opts: { profile: "p" } });
    expect(parseSwitchArgs(["switch-generation", "--root=/r", "x", "--store-dir", "/s", "--profile=a/b"])).toEqual({
      sub: "switch-generation",
      n: "x",
      opts: { root: "/r", storeDir: "/s", profile: "a/b" },
    });
  });

  it("leaves everything else to commander", () => {
    for (const args of [
      ["rollback", "--help"],
      ["rollback", "-h"],
      ["rollback", "extra"],
      ["switch-generation"],
      ["switch-generation", "1", "2"],
      ["switch-generation", "1", "--json"],
      ["switch-generation", "1", "--profile"],
      ["switch-generation", "1", "--profile", "--root", "r"],
      ["switch-generation", "1", "--profile", "a", "--profile", "b"],
      ["switch-generation", "--", "1"],
      ["switch-generation", "-1"],
      ["list"],
    ]) {
      expect(parseSwitchArgs(args), args.join(" ")).toBeUndefined();
    }
  });

  it("knows the system profile as system-profile.ts does", () => {
    const layout = new Layout("/r");
    expect(isSystemProfileLink(layout, systemProfileRef(layout).link)).toBe(true);
    expect(isSystemProfileLink(layout, path.join(layout.profilesDir, "default"))).toBe(false);
    expect(isSystemProfileLink(layout, "/elsewhere/system")).toBe(false);
  });
});

describe("profile rollback / switch-generation through the CLI", () => {
  it("the fast path and the commander path (a repeated flag) give the same results and messages", () => {
    const p = makeProfile(path.join(dir, "a"), "prof", [1, 2, 3], 3, { 3: 1 });
    const fast = cairn(["profile", "switch-generation", "2", "--profile", p], { env });
    expect([fast.status, fast.stderr]).toEqual([0, "switching profile from version 3 to 2\n"]);
    expect(currentGen(p)).toBe(2);
    const slow = cairn(["profile", "switch-generation", "3", "--profile", "x", "--profile", p], { env });
    expect([slow.status, slow.stderr]).toEqual([0, "switching profile from version 2 to 3\n"]);
    expect(currentGen(p)).toBe(3);
    // rollback follows the record (3 was made from 1), on both paths
    const rb = cairn(["profile", "rollback", `--profile=${p}`], { env });
    expect([rb.status, rb.stderr]).toEqual([0, "switching profile from version 3 to 1\n"]);
    cairn(["profile", "switch-generation", "3", "--profile", p], { env });
    const rb2 = cairn(["profile", "rollback", "--profile", "x", "--profile", p], { env });
    expect([rb2.status, rb2.stderr]).toEqual([0, "switching profile from version 3 to 1\n"]);
    // no record for 1: Nix's rule (the highest lower number) finds nothing below it
    const first = cairn(["profile", "rollback", "--profile", p], { env });
    expect(first.status).toBe(1);
    expect(first.stderr).toMatch(/^cairn: profile rollback: generation 1 is the first one of '.*prof': there is nothing to roll back to\n$/);
    expect(currentGen(p)).toBe(1);
  });

  it("errors name the command on both paths; usage errors (as before: 'usage') and --help go through commander", () => {
    const p = makeProfile(path.join(dir, "b"), "prof", [1], 1);
    for (const extra of [[], ["--profile", "x"]]) {
      const r = cairn(["profile", "switch-generation", "9", ...extra, "--profile", p], { env });
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`cairn: profile switch-generation: profile '${p}' has no generation 9\n`);
      const bad = cairn(["profile", "switch-generation", "two", ...extra, "--profile", p], { env });
      expect(bad.stderr).toBe(`cairn: profile switch-generation: 'two' is not a generation number\n`);
    }
    const missing = cairn(["profile", "switch-generation", "--profile", p], { env });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^cairn: usage: missing required argument 'n'\n$/);
    const unknown = cairn(["profile", "rollback", "--bogus", "--profile", p], { env });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^cairn: usage: unknown option '--bogus'/);
    const help = cairn(["profile", "rollback", "--help"], { env });
    expect(help.status).toBe(0);
    expect(help.out).toMatch(/Usage: cairn profile rollback/);
    expect(currentGen(p)).toBe(1);
  });

  it("--root, CAIRN_ROOT and a bare profile name resolve to the profiles dir", () => {
    const other = path.join(dir, "other-root");
    const p = makeProfile(path.join(other, "var/cairn/profiles"), "work", [1, 2], 2);
    expect(cairn(["profile", "switch-generation", "1", "--profile", "work", "--root", other], { env }).status).toBe(0);
    expect(currentGen(p)).toBe(1);
    expect(cairn(["profile", "switch-generation", "2", "--profile", "work"], { env: { ...env, CAIRN_ROOT: other } }).status).toBe(0);
    expect(currentGen(p)).toBe(2);
  });

  it("loads neither the bundled CLI (with commander) nor lmdb", () => {
    const p = makeProfile(path.join(dir, "c"), "prof", [1, 2], 2);
    const probe = path.join(dir, "probe.cjs");
    const report = path.join(dir, "probe.out");
    // The bundle (dist/cli/cli.cjs) is read by cli/code-cache.ts and run as a script, so it is not
    // in require.cache: the probe watches the read.
    fs.writeFileSync(
      probe,
      `const fs = require("fs"); const read = fs.readFileSync; let cli = false;\n` +
        `fs.readFileSync = function (f, ...rest) { if (String(f).endsWith("/cli.cjs")) cli = true; return read.call(this, f, ...rest); };\n` +
        `process.on("exit", () => { fs.writeFileSync(${JSON.stringify(report)}, ` +
        `JSON.stringify({ cli, lmdb: read("/proc/self/maps", "utf8").includes("lmdb") })); });\n`,
    );
    const withProbe = { ...env, NODE_OPTIONS: `--require ${probe}` };
    expect(cairn(["profile", "switch-generation", "1", "--profile", p], { env: withProbe }).status).toBe(0);
    expect(JSON.parse(fs.readFileSync(report, "utf8"))).toEqual({ cli: false, lmdb: false });
    expect(cairn(["profile", "rollback", "--profile", p], { env: withProbe }).status).toBe(1); // 1 is the first
    expect(JSON.parse(fs.readFileSync(report, "utf8"))).toEqual({ cli: false, lmdb: false });
    // the probe sees the bundle when it is loaded
    expect(cairn(["profile", "rollback", "--profile", p, "--profile", p], { env: withProbe }).status).toBe(1);
    expect(JSON.parse(fs.readFileSync(report, "utf8")).cli).toBe(true);
  });
});
