// Opening the DB while other processes commit must lose nothing. The LMDB inside lmdb-js 3.x resets
// the lock file's last txnid on every open (ITS#9496 upstream): without store/db.ts's open gate,
// 5 writers and a stream of openers lost a commit or failed with MDB_BAD_TXN in about 2 of 7 runs
// of bench/lmdb-open-race.mjs. Each writer here checks, after every commit, that its previous
// commit is still visible, and all of them at the end.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { REPO, rmTree, tmpDir } from "../helpers/cli.js";

const CLIENT = path.join(REPO, "test/fixtures/store/open-race-client.mjs");
const work = tmpDir("cairn-open-race-");
afterAll(() => rmTree(work));

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLIENT, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    p.stdout.on("data", (d: Buffer) => (out += d));
    p.stderr.on("data", (d: Buffer) => (err += d));
    p.on("exit", (code) => resolve({ code, out, err }));
  });
}

it("5 writers committing while other processes open and close the DB 40 times each: no commit lost, no error", { timeout: 240_000 }, async () => {
  const db = path.join(work, "db");
  let done = false;
  let opens = 0;
  const openerErrors: string[] = [];
  const opener = async () => {
    while (!done) {
      const r = await run(["opener", db, "40"]);
      if (r.code !== 0) openerErrors.push(r.err);
      opens += 40;
    }
  };
  // The DB exists before the writers start, so every process opens an existing one.
  expect((await run(["opener", db, "1"])).code).toBe(0);
  const openers = Promise.all([opener(), opener(), opener()]);
  const writers = await Promise.all([0, 1, 2, 3, 4].map((i) => run(["writer", db, String(i), "1500"])));
  done = true;
  await openers;
  for (const w of writers) {
    expect(w.err).toBe("");
    expect(w.code).toBe(0);
    expect(JSON.parse(w.out)).toEqual([]);
  }
  expect(openerErrors).toEqual([]);
  expect(opens).toBeGreaterThanOrEqual(400);
});

it("one process opening the DB twice: both handles work, closing one (twice) leaves the other usable, reopening works", async () => {
  const { openStoreDb } = await import("../../store/db.js");
  const dir = path.join(work, "twice");
  const a = openStoreDb(dir, "/nix/store");
  const b = openStoreDb(dir, "/nix/store");
  a.write(() => {
    a.claims.put("x", { pid: 1, start: 2 });
  });
  b.fence();
  expect(b.claims.get("x")).toEqual({ pid: 1, start: 2 });
  await a.close();
  await a.close();
  b.write(() => {
    b.claims.put("y", { pid: 3, start: 4 });
  });
  await b.close();
  const c = openStoreDb(dir, "/nix/store");
  expect(c.claims.get("x")).toEqual({ pid: 1, start: 2 });
  expect(c.claims.get("y")).toEqual({ pid: 3, start: 4 });
  await c.close();
});
