// Recipes are checked by TypeScript against cairn's API, as an editor would check them.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, tmpDir, rmTree } from "../helpers/cli.js";

const TSC = path.join(REPO, "node_modules/.bin/tsc");

function tsc(project: string): { status: number | null; out: string } {
  const r = spawnSync(TSC, ["-p", project], { encoding: "utf8" });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe("recipe types", () => {
  it("the example recipes and the differential cases type-check", () => {
    const r = tsc(path.join(REPO, "examples/tsconfig.json"));
    expect(r.out).toBe("");
    expect(r.status).toBe(0);
  });

  it("a recipe with wrong attribute types is refused by the type checker", () => {
    const dir = tmpDir();
    try {
      fs.writeFileSync(
        path.join(dir, "bad.ts"),
        [
          'import { derivation } from "cairn";',
          "// name must be a string, outputs a list of strings, outputHashMode flat|recursive",
          'export const a = derivation({ name: 42, system: "x86_64-linux", builder: "/bin/sh" });',
          'export const b = derivation({ name: "b", system: "x86_64-linux", builder: "/bin/sh", outputHashMode: "nar" });',
          'const c = derivation({ name: "c", system: "x86_64-linux", builder: "/bin/sh", outputs: ["out", "dev"] });',
          "export const d = c.doc;",
        ].join("\n"),
      );
      const base = path.join(REPO, "examples/tsconfig.json");
      fs.writeFileSync(
        path.join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: base,
          compilerOptions: { paths: { cairn: [path.join(REPO, "index.ts")] }, typeRoots: [path.join(REPO, "node_modules/@types")] },
          include: ["bad.ts"],
        }),
      );
      const r = tsc(path.join(dir, "tsconfig.json"));
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(/bad\.ts\(3,/); // name: 42
      expect(r.out).toMatch(/bad\.ts\(4,/); // outputHashMode: "nar"
      expect(r.out).toMatch(/bad\.ts\(6,.*doc/); // no output named doc
    } finally {
      rmTree(dir);
    }
  });
});
