// Substitution in `cairn build`: outputs a trusted cache has are fetched, their builders never run
// (nor those of their inputs); with the key untrusted, cairn builds and --verbose says why.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cairn, rmTree } from "../helpers/cli.js";
import { project } from "../helpers/build.js";

describe("build with CAIRN_SUBSTITUTERS", () => {
  const p = project("cairn-subst-");
  afterAll(() => rmTree(p.dir));
  // One logical store dir for all three stores, so their paths agree.
  p.env.CAIRN_STORE_DIR = "/nix/store";
  const cache = `file://${path.join(p.dir, "cache")}`;
  const sk = path.join(p.dir, "sk");
  const pk = path.join(p.dir, "pk");
  const f = p.recipe("chain.ts", `const a = sh("subst-a", "echo a > $out");\nexport default sh("subst-b", \`cat \${a} > $out; echo b >> $out\`);`);

  it("fetches from a trusted cache without running any builder", () => {
    const a = cairn(["key", "generate", "test-cache-1", "--secret-key-file", sk, "--public-key-file", pk], { env: p.env });
    expect(a.status, a.stderr).toBe(0);
    const built = cairn(["build", f, "--no-link"], { env: p.env });
    expect(built.status, built.stderr).toBe(0);
    const out = built.out.trim();
    const up = cairn(["copy", "--to", cache, "--secret-key-file", sk, "--compression", "zstd", out], { env: p.env });
    expect(up.status, up.stderr).toBe(0);
    const key = fs.readFileSync(pk, "utf8").trim();

    const env2 = { ...p.env, CAIRN_ROOT: path.join(p.dir, "root2"), CAIRN_SUBSTITUTERS: cache, CAIRN_TRUSTED_PUBLIC_KEYS: key };
    const r = cairn(["build", f, "--no-link"], { env: env2 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.out.trim()).toBe(out);
    expect(r.stderr).not.toMatch(/building '/);
    expect(r.stderr).toMatch(/copied '.*-subst-b' from/);
    expect(cairn(["verify", "--all", "--check-contents"], { env: env2 }).status).toBe(0);

    // Provenance: built here -> Nix's "ultimate"; substituted -> the cache it came from.
    const info = (env: Record<string, string>) => JSON.parse(cairn(["path-info", "--json", out], { env }).out) as Array<Record<string, unknown>>;
    const built1 = info(p.env);
    expect(built1).toHaveLength(1);
    for (const i of built1) {
      expect(i.ultimate).toBe(true);
      expect(i).not.toHaveProperty("substitutedFrom");
    }
    expect(cairn(["path-info", "--sigs", out], { env: p.env }).out).toBe(`${out}\tultimate\n`);
    const subst = info(env2);
    expect(subst).toHaveLength(1);
    for (const i of subst) {
      expect(i.substitutedFrom).toBe(cache);
      expect(i).not.toHaveProperty("ultimate");
    }

    // Untrusted: the same cache, no trusted keys -> both builders run; --verbose says why.
    const env3 = { ...p.env, CAIRN_ROOT: path.join(p.dir, "root3"), CAIRN_SUBSTITUTERS: cache };
    const u = cairn(["build", f, "--no-link", "--verbose"], { env: env3 });
    expect(u.status, u.stderr).toBe(0);
    expect(u.out.trim()).toBe(out);
    expect([...u.stderr.matchAll(/^building '/gm)]).toHaveLength(2);
    expect(u.stderr).toMatch(/not substituting '.*-subst-b': .*(trust|signature)/i);
    const built3 = JSON.parse(cairn(["path-info", "--json", out], { env: env3 }).out) as Array<Record<string, unknown>>;
    expect(built3[0]!.ultimate).toBe(true);
    expect(built3[0]).not.toHaveProperty("substitutedFrom");
  });
});
