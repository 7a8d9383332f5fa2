// path() before the store is open (cli/evaluate.ts, RecipeSources): a source that can be hashed
// gets its path at once, so the evaluation does not wait for the store; once it is open, each
// such path is rooted and added unless valid, and a source that changed meanwhile is an error.
// Through the built modules (the evaluation thread runs dist/eval/worker.js).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, rmTree, tmpDir } from "../helpers/cli.js";

type Store = {
  storeDir: string;
  layout: { tempRootsDir: string };
  addPath(source: string): string;
  isValidPath(p: string): boolean;
  close(): Promise<void>;
};
type Sources = { early(source: string): string | undefined; attach(store: Store): { addPath(source: string): string } };

const dist = (m: string) => import(path.join(REPO, "dist", m));
let work: string;
let counter = 0;
beforeAll(() => {
  work = tmpDir("cairn-sources-");
});
afterAll(() => rmTree(work));

async function openStore(): Promise<Store> {
  const { LocalStore, Layout } = await dist("store/index.js");
  return LocalStore.open(new Layout(path.join(work, `root${counter++}`), "/cairn-sources-test/store"));
}

async function sources(storeDir: string): Promise<Sources> {
  const { RecipeSources } = await dist("cli/evaluate.js");
  return new RecipeSources(storeDir);
}

function tree(name: string, content: string): string {
  const d = path.join(work, name);
  fs.mkdirSync(path.join(d, "bin"), { recursive: true });
  fs.writeFileSync(path.join(d, "bin/tool"), content, { mode: 0o755 });
  return d;
}

const tempRooted = (store: Store) =>
  fs.readdirSync(store.layout.tempRootsDir).flatMap((f) => fs.readFileSync(path.join(store.layout.tempRootsDir, f), "utf8").split("\n"));

describe("path() before the store is open", () => {
  it("gives the path addPath gives; attaching the store roots it and adds it", async () => {
    const src = tree("a", "tool a");
    const store = await openStore();
    const s = await sources(store.storeDir);
    const p = s.early(src)!;
    expect(p.startsWith(`${store.storeDir}/`)).toBe(true);
    expect(store.isValidPath(p)).toBe(false);
    s.attach(store);
    expect(store.isValidPath(p)).toBe(true);
    expect(tempRooted(store)).toContain(p);
    expect(store.addPath(src)).toBe(p);
    await store.close();
  });

  it("leaves a source that cannot be hashed to the store (its error comes from addPath)", async () => {
    const store = await openStore();
    const s = await sources(store.storeDir);
    const missing = path.join(work, "missing");
    expect(s.early(missing)).toBeUndefined();
    const paths = s.attach(store);
    expect(() => paths.addPath(missing)).toThrow(/missing/);
    await store.close();
  });

  it("fails when the source changed between its path and the store", async () => {
    const src = tree("b", "tool b");
    const store = await openStore();
    const s = await sources(store.storeDir);
    const p = s.early(src)!;
    fs.writeFileSync(path.join(src, "bin/tool"), "tool b, changed");
    expect(() => s.attach(store)).toThrow(/changed while the recipe was evaluated/);
    expect(store.isValidPath(p)).toBe(false);
    await store.close();
  });

  it("an evaluation calling path() finishes without the store", async () => {
    const src = tree("c", "tool c");
    const recipe = path.join(work, "recipe.ts");
    fs.writeFileSync(
      recipe,
      `import { derivation, path } from "cairn";\nexport default derivation({ name: "c", system: "x86_64-linux", builder: \`\${path(${JSON.stringify(src)})}/bin/tool\` });\n`,
    );
    const storeDir = "/cairn-sources-test/store";
    const { Evaluator } = await dist("cli/evaluate.js");
    const ev = new Evaluator(storeDir, path.join(work, "cache"));
    try {
      const s = await sources(storeDir);
      ev.answerEarly((source: string) => s.early(source));
      const r = (await ev.evaluate(recipe, [])) as { selected: { drvPath: string[] } };
      expect(r.selected.drvPath).toHaveLength(1);
      // The store opens only now; the source's path is the one the evaluation used.
      const store = await openStore();
      const p = s.early(src)!;
      s.attach(store);
      expect(store.isValidPath(p)).toBe(true);
      await store.close();
    } finally {
      await ev.close();
    }
  });
});
