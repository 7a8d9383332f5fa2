// Concurrent adders (DESIGN.md §6, RELIABILITY.md §2.3 step 1): four `cairn add` processes add
// overlapping trees at once, in different orders. Claims in LMDB must serialise them so that each
// path is materialised and registered once, every process prints the same path for the same
// content, and the store ends consistent with no garbage left by the losers of a race.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { checkStore, narDigest, runCairn, sourcePath, type VerifyJson } from "../helpers/checker.js";

let scratch: string;

beforeAll(() => {
  scratch = tmpDir("cairn-conc-");
});
afterAll(() => {
  if (scratch !== undefined) rmTree(scratch);
});

function writeTree(dir: string, files: number, seed: string): void {
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `s${i % 4}`);
    fs.mkdirSync(sub, { recursive: true });
    const body = createHash("sha256").update(`${seed}/${i}`).digest("hex").repeat(20 + (i % 7) * 40);
    fs.writeFileSync(path.join(sub, `f${i}`), body);
    if (i % 9 === 0) fs.chmodSync(path.join(sub, `f${i}`), 0o755);
  }
  fs.symlinkSync("s0/f0", path.join(dir, "first"));
}

/** Count inotify 'rename' events per name in `dir` while `f` runs (a move in or out is one each). */
async function watchRenames<T>(dir: string, f: () => Promise<T>): Promise<{ result: T; renames: Map<string, number> }> {
  const renames = new Map<string, number>();
  const w = fs.watch(dir, (event, name) => {
    if (event === "rename" && name !== null) renames.set(String(name), (renames.get(String(name)) ?? 0) + 1);
  });
  try {
    const result = await f();
    await new Promise((r) => setTimeout(r, 200)); // let the last events arrive
    return { result, renames };
  } finally {
    w.close();
  }
}

describe("concurrent adds", () => {
  it("4 processes adding overlapping trees in different orders, 3 rounds", async () => {
    const root = path.join(scratch, "root");
    const env = { CAIRN_ROOT: root };
    const storeDir = path.join(root, "store");
    fs.mkdirSync(storeDir, { recursive: true });
    const allPaths = new Set<string>();
    for (let round = 0; round < 3; round++) {
      const base = path.join(scratch, `round${round}`);
      // A and C are the same tree (same name, same content) in different places; B is big enough
      // (> 64 entries) to take the syncfs path, A the per-file fsync path; D is a single file.
      const A = path.join(base, "one/alpha");
      const B = path.join(base, "one/beta");
      const C = path.join(base, "two/alpha");
      const D = path.join(base, "one/delta.txt");
      writeTree(A, 30, `alpha-${round}`);
      writeTree(B, 120, `beta-${round}`);
      writeTree(C, 30, `alpha-${round}`);
      fs.writeFileSync(D, `delta ${round}\n`);
      const expected = new Map<string, string>();
      for (const [src, name] of [[A, "alpha"], [B, "beta"], [C, "alpha"], [D, "delta.txt"]] as const) {
        expected.set(src, sourcePath(storeDir, name, narDigest(src).sha256));
      }
      expect(expected.get(A)).toBe(expected.get(C));

      const orders = [
        [A, B, C, D],
        [D, C, B, A],
        [B, D, A, C],
        [C, A, D, B],
      ];
      const { result: runs, renames } = await watchRenames(storeDir, () =>
        Promise.all(orders.map((order) => runCairn(["add", ...order], { env }))),
      );
      runs.forEach((r, k) => {
        expect(r.status, `process ${k}: ${r.stderr}`).toBe(0);
        expect(r.stderr).toBe("");
        // Each process prints one path per argument, in its order.
        expect(r.out.trim().split("\n")).toEqual(orders[k]!.map((src) => expected.get(src)));
      });
      const distinct = new Set(expected.values());
      expect(distinct.size).toBe(3);
      // Materialised once: exactly one move into place per path, none out (to the trash).
      for (const p of distinct) expect(renames.get(path.basename(p)), path.basename(p)).toBe(1);
      for (const p of distinct) allPaths.add(p);

      const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env });
      expect(v.status, v.stderr).toBe(0);
      const rep = JSON.parse(v.out) as VerifyJson;
      expect(rep.problems, JSON.stringify(rep.problems)).toEqual([]);
      expect(rep.garbage).toEqual([]); // losers removed their temp trees
      expect(rep.checked).toBe(allPaths.size);
      const c = await checkStore({ root, verifyChecked: rep.checked });
      expect(c.violations, c.violations.join("\n")).toEqual([]);
      expect([...c.valid.keys()].sort()).toEqual([...allPaths].sort());
      expect(c.unregistered).toEqual([]);
    }
    // No claims left behind: a fresh add of something already valid is instant and changes nothing.
    const again = await runCairn(["add", path.join(scratch, "round0/one/alpha")], { env });
    expect(again.status, again.stderr).toBe(0);
    expect(allPaths.has(again.out.trim())).toBe(true);
  });

  it("the rename watch sees a replacement (calibration of the check above)", async () => {
    const root = path.join(scratch, "root-calib");
    const storeDir = path.join(root, "store");
    const src = path.join(scratch, "calib/pkg");
    writeTree(src, 5, "calib");
    // Killed after the rename and before registration: the next add replaces the stale copy.
    const first = await runCairn(["add", src], { env: { CAIRN_ROOT: root, CAIRN_CRASH_AT: "add.renamed:1" } });
    expect(first.signal).toBe("SIGKILL");
    const want = sourcePath(storeDir, "pkg", narDigest(src).sha256);
    const { result, renames } = await watchRenames(storeDir, () => runCairn(["add", src], { env: { CAIRN_ROOT: root } }));
    expect(result.out).toBe(want + "\n");
    expect(renames.get(path.basename(want))).toBe(2); // out to the trash, then in
  });

  it("8 processes adding the same tree at once", async () => {
    const root = path.join(scratch, "root-same");
    const env = { CAIRN_ROOT: root };
    const storeDir = path.join(root, "store");
    fs.mkdirSync(storeDir, { recursive: true });
    const src = path.join(scratch, "same/pkg");
    writeTree(src, 80, "same");
    const want = sourcePath(storeDir, "pkg", narDigest(src).sha256);
    const { result: runs, renames } = await watchRenames(storeDir, () =>
      Promise.all(Array.from({ length: 8 }, () => runCairn(["add", src], { env }))),
    );
    for (const r of runs) {
      expect(r.status, r.stderr).toBe(0);
      expect(r.out).toBe(want + "\n");
    }
    expect(renames.get(path.basename(want))).toBe(1);
    const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env });
    const rep = JSON.parse(v.out) as VerifyJson;
    expect(rep).toEqual({ checked: 1, problems: [], garbage: [] });
    const c = await checkStore({ root, verifyChecked: rep.checked });
    expect(c.violations, c.violations.join("\n")).toEqual([]);
  });
});
