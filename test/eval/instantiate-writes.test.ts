// What `cairn instantiate` writes: exactly the .drv files the selection needs that are not valid
// yet. Without -A they are staged as the evaluation streams them, and what is missing is found from
// the staged files' own references; when something made was not staged (streaming stops after a
// batch found all valid), or with -A (nothing staged), from the evaluation thread's closure.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, rmTree, tmpDir } from "../helpers/cli.js";

let work: string;
beforeAll(() => {
  work = tmpDir("cairn-writes-");
});
afterAll(() => rmTree(work));

/** N derivations, each depending on the two before it; the first `shared` are common to every recipe. */
function recipe(file: string, n: number, tag: string, shared: number): string {
  const f = path.join(work, file);
  fs.writeFileSync(
    f,
    `import { derivation } from "cairn";
const all = {};
const made = [];
for (let i = 0; i < ${n}; i++) {
  const name = i < ${shared} ? \`common-\${i}\` : \`${tag}-\${i}\`;
  const d = derivation({ name, system: "x86_64-linux", builder: "/bin/sh", deps: made.slice(-2) });
  all[name] = d;
  made.push(d);
}
export default all;
`,
  );
  return f;
}

const env = () => ({ CAIRN_ROOT: path.join(work, "root") });

function instantiate(file: string, args: string[] = []): string[] {
  const r = cairn(["instantiate", file, ...args], { env: env() });
  expect(r.status, r.stderr).toBe(0);
  return r.out.trim().split("\n");
}

/** Every path valid, and the store consistent. */
function allValid(paths: string[]): void {
  const info = cairn(["path-info", ...paths], { env: env() });
  expect(info.status, info.stderr).toBe(0);
  expect(info.out.trim().split("\n")).toHaveLength(paths.length);
  const v = cairn(["verify", "--all", "--check-contents", "--json"], { env: env() });
  expect(JSON.parse(v.out).problems).toEqual([]);
}

describe("instantiate writes what is missing", () => {
  it("a fresh store: all of it (staged)", () => {
    const drvs = instantiate(recipe("a.ts", 600, "a", 600));
    expect(drvs).toHaveLength(600);
    allValid(drvs);
  });

  it("the first 300 valid already, the next 300 new: streaming stops after a valid batch, the rest is found from the closure", () => {
    const drvs = instantiate(recipe("b.ts", 600, "b", 300));
    expect(drvs).toHaveLength(600);
    allValid(drvs);
  });

  it("with -A (nothing staged): the selection's closure", () => {
    const f = recipe("c.ts", 50, "c", 0);
    const [one] = instantiate(f, ["-A", "c-49"]);
    expect(one).toMatch(/-c-49\.drv$/);
    allValid([one!]);
    // c-49's closure is all 50 (each depends on the two before it): all written, all valid.
    const drvs = instantiate(f);
    expect(drvs).toHaveLength(50);
    allValid(drvs);
  });
});
