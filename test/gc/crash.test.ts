// CR-1 / CR-3 for the gc (RELIABILITY.md §5): `cairn gc` is killed at each of its named crash
// points (CAIRN_CRASH_AT=<point>:<n>) and at random instants; after each kill `cairn verify --all
// --check-contents` is clean, the independent checker finds no violation, every live path is
// intact, and the next gc completes and leaves only live paths (I7).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn } from "../helpers/checker.js";
import { PARALLEL_FROM } from "../../gc/remove.js";
import { addTexts, addTree, addTrees, assertConsistent, envOf, ok } from "./helpers.js";

/** One logical store dir, so a template root can be copied anywhere. */
const STORE_DIR = "/cairn-gc-crash/store";
const POINTS = ["gc.marker", "gc.invalidating", "gc.invalidated", "gc.trashed", "gc.removed", "gc.orphans-claimed"];
const HITS = [1, 2];
const RANDOM_KILLS = Number(process.env.CAIRN_TEST_GC_KILLS ?? 60);

let scratch: string;
let template: string;
let live: string[] = [];
let deadCount = 0;
let n = 0;
const stats = { killed: 0, completed: 0, randomKilled: 0 };

const env = (root: string, extra: Record<string, string | undefined> = {}) => envOf(root, { CAIRN_STORE_DIR: STORE_DIR, ...extra });

function freshRoot(from = template): string {
  const r = path.join(scratch, `run-${n++}`);
  const cp = spawnSync("cp", ["-a", from, r]);
  if (cp.status !== 0) throw new Error(cp.stderr.toString());
  return r;
}

beforeAll(async () => {
  scratch = tmpDir("cairn-gc-crash-");
  template = path.join(scratch, "template");
  // Live: a rooted chain and a rooted tree. Dead: a chain of texts, trees, and an orphan.
  const texts = await addTextsIn(template, [
    { name: "live-c", text: "c" },
    { name: "live-b", text: "b", refs: [0] },
    { name: "dead-1", text: "1" },
    { name: "dead-2", text: "2", refs: [2, 0] },
    { name: "dead-3", text: "3", refs: [3] },
  ]);
  const liveTree = addTreeIn(template, "live-tree", "live");
  // Same files under another name: something for `cairn optimise` to share.
  const liveCopy = addTreeIn(template, "live-copy", "live");
  const deadTrees = ["d1", "d2", "d3"].map((x) => addTreeIn(template, x, x));
  fs.mkdirSync(path.join(template, "var/cairn/gcroots"), { recursive: true });
  fs.symlinkSync(texts[1]!, path.join(template, "var/cairn/gcroots/b"));
  fs.symlinkSync(liveTree, path.join(template, "var/cairn/gcroots/tree"));
  fs.symlinkSync(liveCopy, path.join(template, "var/cairn/gcroots/copy"));
  const orphan = path.join(template, "store", "11111111111111111111111111111111-orphan");
  fs.mkdirSync(orphan);
  fs.writeFileSync(path.join(orphan, "f"), "orphan");
  live = [texts[0]!, texts[1]!, liveTree, liveCopy];
  deadCount = 3 + deadTrees.length;
});

afterAll(() => {
  rmTree(scratch);
  console.log(
    `gc crash: ${stats.killed} kills (${stats.randomKilled} of ${RANDOM_KILLS} random ones landed), ${stats.completed} runs completed before their point`,
  );
});

async function addTextsIn(root: string, specs: { name: string; text: string; refs?: number[] }[]): Promise<string[]> {
  return addTexts(root, scratch, specs, { CAIRN_STORE_DIR: STORE_DIR });
}

function addTreeIn(root: string, name: string, content: string): string {
  const d = path.join(scratch, "src", name);
  fs.mkdirSync(path.join(d, "sub"), { recursive: true });
  fs.writeFileSync(path.join(d, "a"), content);
  fs.writeFileSync(path.join(d, "sub", "b"), content + content);
  return ok(root, ["add", d], { CAIRN_STORE_DIR: STORE_DIR }).trim();
}

async function afterKill(root: string, keep: readonly string[] = live): Promise<void> {
  await assertConsistent(root, STORE_DIR);
  const again = await runCairn(["gc", "--json"], { env: env(root) });
  expect(again.status, again.stderr).toBe(0);
  await assertConsistent(root, STORE_DIR);
  // I7: only live paths (and bookkeeping) remain; live ones are valid.
  const names = fs.readdirSync(path.join(root, "store")).filter((x) => !x.startsWith("."));
  expect(names.sort()).toEqual(keep.map((p) => path.basename(p)).sort());
  expect(fs.readdirSync(path.join(root, "store/.trash"))).toEqual([]);
}

describe("gc crash points", () => {
  it("the template store is what the tests expect", async () => {
    const r = freshRoot();
    const dry = JSON.parse((await runCairn(["gc", "--dry-run", "--json"], { env: env(r) })).out) as { deleted: string[]; orphans: string[] };
    expect(dry.deleted.length).toBe(deadCount);
    expect(dry.orphans.length).toBe(1);
  });

  for (const point of POINTS) {
    for (const hit of HITS) {
      it(`killed at ${point}:${hit}`, async () => {
        const r = freshRoot();
        // SYNC_3 on an empty regular file: no pause, but one path per transaction, so that
        // every step is reached several times.
        const g = await runCairn(["gc"], { env: env(r, { CAIRN_CRASH_AT: `${point}:${hit}`, CAIRN_TEST_GC_SYNC_3: "/dev/null" }) });
        if (g.signal === "SIGKILL") stats.killed++;
        else {
          expect(g.status, g.stderr).toBe(0);
          stats.completed++;
        }
        expect(g.signal === "SIGKILL" || ["gc.orphans-claimed"].includes(point) || hit > 1).toBe(true);
        await afterKill(r);
      });
    }
  }

  for (const point of ["optimise.linked", "optimise.renamed"]) {
    for (const hit of HITS) {
      it(`optimise killed at ${point}:${hit}, then gc`, async () => {
        const r = freshRoot();
        const o = await runCairn(["optimise"], { env: env(r, { CAIRN_CRASH_AT: `${point}:${hit}` }) });
        expect(o.signal, o.stderr).toBe("SIGKILL");
        stats.killed++;
        await assertConsistent(r, STORE_DIR);
        const again = await runCairn(["optimise"], { env: env(r) });
        expect(again.status, again.stderr).toBe(0);
        await assertConsistent(r, STORE_DIR);
        await afterKill(r);
      });
    }
  }

  it(`survives ${RANDOM_KILLS} kill -9 at random instants`, async () => {
    // Time a full gc first to spread the kills over it.
    const t = freshRoot();
    const full = await runCairn(["gc"], { env: env(t, { CAIRN_TEST_GC_SYNC_3: "/dev/null" }) });
    expect(full.status).toBe(0);
    for (let i = 0; i < RANDOM_KILLS; i++) {
      const r = freshRoot();
      // Past node's start-up (~20% of the run) and up to just after the end, so most land in the gc.
      const at = Math.floor(full.ms * (0.2 + Math.random() * 0.85));
      const g = await runCairn(["gc"], { env: env(r, { CAIRN_TEST_GC_SYNC_3: "/dev/null" }), killAfterMs: at });
      if (g.killedByUs) {
        stats.killed++;
        stats.randomKilled++;
      }
      else expect(g.status, g.stderr).toBe(0);
      await afterKill(r);
      rmTree(r);
    }
  }, 600_000);
});

// The same kills when the gc deletes on threads and pipelines its batches (many dead paths, no
// sync points): a kill lands while threads are removing names or trash trees.
describe("gc crash points while deleting on threads", () => {
  let big: string;
  let bigLive: string[] = [];

  beforeAll(async () => {
    big = path.join(scratch, "big-template");
    const specs = Array.from({ length: PARALLEL_FROM + 100 }, (_, i) => ({ name: `t${i}`, text: `text ${i}`, refs: i % 3 === 2 ? [i - 1] : [] }));
    const texts = await addTextsIn(big, specs);
    const trees = await addTrees(big, scratch, "big", 60, { CAIRN_STORE_DIR: STORE_DIR });
    fs.mkdirSync(path.join(big, "var/cairn/gcroots"), { recursive: true });
    fs.symlinkSync(texts[5]!, path.join(big, "var/cairn/gcroots/t")); // texts[5] refers to texts[4]
    fs.symlinkSync(trees[7]!, path.join(big, "var/cairn/gcroots/tree"));
    bigLive = [texts[5]!, texts[4]!, trees[7]!];
  }, 120_000);

  async function afterBigKill(root: string): Promise<void> {
    await afterKill(root, bigLive);
    rmTree(root);
  }

  for (const at of ["gc.invalidated:2", "gc.trashed:1", "gc.trashed:2", "gc.removed:1", "gc.removed:2"]) {
    it(`killed at ${at}`, async () => {
      const r = freshRoot(big);
      const g = await runCairn(["gc"], { env: env(r, { CAIRN_CRASH_AT: at }) });
      expect(g.signal, g.stderr).toBe("SIGKILL");
      stats.killed++;
      await afterBigKill(r);
    }, 120_000);
  }

  it("survives kill -9 at random instants", async () => {
    const t = freshRoot(big);
    const full = await runCairn(["gc"], { env: env(t) });
    expect(full.status).toBe(0);
    const kills = Math.max(3, Math.round(RANDOM_KILLS / 6));
    for (let i = 0; i < kills; i++) {
      const r = freshRoot(big);
      const g = await runCairn(["gc"], { env: env(r), killAfterMs: Math.floor(full.ms * (0.3 + Math.random() * 0.75)) });
      if (g.killedByUs) {
        stats.killed++;
        stats.randomKilled++;
      } else expect(g.status, g.stderr).toBe(0);
      await afterBigKill(r);
    }
  }, 600_000);
});
