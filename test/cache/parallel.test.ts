// The fast path of copies: NAR jobs on worker threads (store/nar-pool.ts), restores checked and
// registered in batches (LocalStore.addFromNars), and SIGKILL at random instants of a copy that
// uses the threads. The threads run the built worker (dist/store/nar-worker.js, `npm run build`).
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout, LocalStore } from "../../store/index.js";
import { BinaryCache, copyFromCache, copyToCache } from "../../store/binary-cache.js";
import { NarPool, narPoolSettings } from "../../store/nar-pool.js";
import { dumpNarFile, restoreNarFile, type Restored } from "../../store/nar-jobs.js";
import { FsWriter } from "../../store/fs-writer.js";
import { hashPath } from "../../store/nar-fs.js";
import { CairnError, parseHash, parseNarInfo, toPublicKey, type NarInfo } from "../../store/format/index.js";
import { REPO, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { runCairn } from "../helpers/checker.js";
import { envOf, pathInfos, testKey, verifyClean, writeKey, STORE_DIR } from "./helpers.js";

const SK = testKey();
let work: string;
let src: string;
let paths: string[];
let key: { sk: string; pk: string; pub: string };
const caches: Record<string, string> = {};

/** A tree of `files` files of ~`kb` KiB each, text-like (so it compresses), seeded by `seed`. */
function makeTree(dir: string, seed: string, files: number, kb: number): void {
  for (let i = 0; i < files; i++) {
    const d = path.join(dir, `d${i % 7}`);
    fs.mkdirSync(d, { recursive: true });
    const line = createHash("sha256").update(`${seed}/${i}`).digest("hex") + "\n";
    fs.writeFileSync(path.join(d, `f${i}`), line.repeat(Math.ceil((kb * 1024) / line.length)), { mode: i % 9 === 0 ? 0o755 : 0o644 });
  }
  fs.symlinkSync("d0/f0", path.join(dir, "link"));
}

const niOf = (cache: string, p: string): NarInfo => parseNarInfo(STORE_DIR, fs.readFileSync(path.join(cache, `${path.basename(p).slice(0, 32)}.narinfo`), "utf8"));

beforeAll(async () => {
  for (const f of ["nar-worker.js", "fs-writer-worker.js"]) expect(fs.existsSync(path.join(REPO, "dist/store", f)), "the threads run the built workers: npm run build").toBe(true);
  work = tmpDir("cairn-cache-par-");
  src = path.join(work, "src-root");
  key = writeKey(work, SK);
  // Four paths, 12 MiB of NAR in all: above the pool's threshold, so the CLI uses threads too.
  const trees = [0, 1, 2, 3].map((i) => {
    const t = path.join(work, `trees/pkg-${i}`);
    makeTree(t, `pkg-${i}`, 150, 20);
    return t;
  });
  paths = cairnOk(["add", ...trees], { env: envOf(src) }).trim().split("\n").sort();
  expect(paths).toHaveLength(4);
  for (const c of ["none", "zstd", "xz"]) {
    caches[c] = path.join(work, `cache-${c}`);
    cairnOk(["copy", "--to", `file://${caches[c]}`, "--compression", c, "--secret-key-file", key.sk, ...paths], { env: envOf(src) });
  }
});
afterAll(() => rmTree(work));

describe("FsWriter: restores whose files a second thread writes", () => {
  it("gives the tree, hash and entry count the calling thread gives, for every compression", async () => {
    const w = FsWriter.start()!;
    expect(w).toBeDefined();
    try {
      for (const c of ["none", "zstd", "xz"] as const) {
        const ni = niOf(caches[c]!, paths[0]!);
        const job = (dest: string) => ({ file: path.join(caches[c]!, ni.url), compression: c, dest, maxSize: ni.narSize });
        let entries = 0;
        const threaded: Restored = await restoreNarFile(job(path.join(work, `restored-t-${c}`)), { writer: w, onEntry: () => entries++ });
        const inThread = await restoreNarFile(job(path.join(work, `restored-i-${c}`)));
        expect(threaded).toEqual(inThread);
        expect(entries).toBe(threaded.entries);
        expect(Buffer.from(threaded.narHash)).toEqual(Buffer.from(ni.narHash.bytes));
        expect(threaded.entries).toBe(150 + 7 + 1 + 1);
        // The same files, modes and times: the NAR of what the thread wrote is the original.
        expect(hashPath(path.join(work, `restored-t-${c}`)).hash).toEqual(ni.narHash);
        const st = fs.lstatSync(path.join(work, `restored-t-${c}`, "d0", "f0"));
        expect([st.mode & 0o7777, st.mtimeMs]).toEqual([0o555, 1000]);
      }
    } finally {
      await w.close();
    }
  });

  it("reports the thread's write errors as its own (E_IO naming the file), per job, and aborts cleanly", async () => {
    const w = FsWriter.start()!;
    try {
      const ni = niOf(caches.none!, paths[1]!);
      const file = path.join(caches.none!, ni.url);
      // The destination exists already: the thread cannot create the root.
      const taken = path.join(work, "taken");
      fs.mkdirSync(taken);
      const e = await restoreNarFile({ file, compression: "none", dest: taken, maxSize: ni.narSize }, { writer: w }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CairnError);
      expect((e as CairnError).code).toBe("E_IO");
      expect((e as CairnError).message).toMatch(/cannot create directory '.*\/taken': EEXIST/);
      expect(fs.readdirSync(taken)).toEqual([]);
      // The thread goes on with other jobs.
      const ok = await restoreNarFile({ file, compression: "none", dest: path.join(work, "after-error"), maxSize: ni.narSize }, { writer: w });
      expect(Buffer.from(ok.narHash)).toEqual(Buffer.from(ni.narHash.bytes));
      // A NAR that fails to parse half-way: abandoned, and nothing is written once restore returns.
      const cut = path.join(work, "cut.nar");
      fs.writeFileSync(cut, fs.readFileSync(file).subarray(0, 300_000));
      const e2 = await restoreNarFile({ file: cut, compression: "none", dest: path.join(work, "cut-dest"), maxSize: ni.narSize }, { writer: w }).catch((x: unknown) => x);
      expect((e2 as CairnError).code).toBe("E_NAR_TRUNCATED");
      const snapshot = (d: string): string[] => fs.readdirSync(d, { recursive: true }).map(String).sort();
      const before = snapshot(path.join(work, "cut-dest"));
      await new Promise((r) => setTimeout(r, 50));
      expect(snapshot(path.join(work, "cut-dest"))).toEqual(before);
    } finally {
      await w.close();
    }
  });
});

describe("NarPool: dumps on threads", () => {
  it("give the NAR files and hashes the calling thread gives, and carry errors over", async () => {
    const pool = new NarPool();
    try {
      expect(pool.size).toBe(0);
      pool.plan(1 << 20, 4); // too small for threads
      expect(pool.size).toBe(0);
      pool.plan(64 << 20, 4);
      expect(pool.size).toBeGreaterThanOrEqual(1);
      const src0 = path.join(src, "store", path.basename(paths[0]!));
      for (const c of ["none", "zstd", "xz"] as const) {
        const ni = niOf(caches[c]!, paths[0]!);
        const d = await pool.dump({ source: src0, nar: path.join(work, `dump-${c}.nar`), compression: c, compressed: path.join(work, `dump-${c}.c`) });
        const here = await dumpNarFile({ source: src0, nar: path.join(work, `dump-i-${c}.nar`), compression: c, compressed: path.join(work, `dump-i-${c}.c`) });
        expect({ ...d, file: "" }).toEqual({ ...here, file: "" });
        expect(Buffer.from(d.narHash)).toEqual(Buffer.from(ni.narHash.bytes));
        // What copy --to published for this path: the same file.
        expect(Buffer.from(d.fileHash)).toEqual(Buffer.from(ni.fileHash!.bytes));
        expect(d.fileSize).toBe(fs.statSync(d.file).size);
        if (c === "none") expect(d.file).toBe(path.join(work, `dump-${c}.nar`));
        else expect(fs.existsSync(path.join(work, `dump-${c}.nar`)), "the uncompressed scratch NAR is removed").toBe(false);
      }
      // A worker's CairnError arrives with its code and data.
      const e = await pool.dump({ source: path.join(work, "no-such-path"), nar: path.join(work, "never.nar"), compression: "none" }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(CairnError);
      expect((e as CairnError).message).toMatch(/no-such-path/);
    } finally {
      await pool.close();
    }
    await expect(pool.dump({ source: "/nonexistent", nar: "/nonexistent", compression: "none" })).rejects.toThrow(/closed/);
  });
});

describe("copies on threads", () => {
  let saved: number;
  beforeAll(() => {
    saved = narPoolSettings.minBytes;
    narPoolSettings.minBytes = 0;
  });
  afterAll(() => {
    narPoolSettings.minBytes = saved;
  });

  for (const c of ["none", "zstd", "xz"] as const) {
    it(`${c}: to a cache and back, byte-equal narinfos and the same store`, async () => {
      const out = path.join(work, `lib-cache-${c}`);
      const s1 = LocalStore.open(new Layout(src, STORE_DIR));
      try {
        const r = await copyToCache(s1, BinaryCache.open(`file://${out}`), paths, { compression: c, secretKey: SK });
        expect(r.copied).toEqual(paths);
      } finally {
        await s1.close();
      }
      // Same NAR files as the CLI wrote (compression output is deterministic for one input).
      for (const p of paths) expect(niOf(out, p)).toEqual(niOf(caches[c]!, p));
      const dst = path.join(work, `lib-dst-${c}`);
      const s2 = LocalStore.open(new Layout(dst, STORE_DIR));
      try {
        const r = await copyFromCache(s2, BinaryCache.open(`file://${out}`), paths, { trustedKeys: [toPublicKey(SK)] });
        expect([...r.copied].sort()).toEqual(paths);
        for (const p of paths) expect(s2.queryPathInfo(p)?.substitutedFrom).toBe(`file://${out}`);
      } finally {
        await s2.close();
      }
      expect(verifyClean(dst).problems).toEqual([]);
      expect(pathInfos(dst, paths).map((i) => i.narHash)).toEqual(pathInfos(src, paths).map((i) => i.narHash));
    });
  }
});

describe("LocalStore.addFromNars", () => {
  const items = () =>
    paths.map((p) => {
      const ni = niOf(caches.none!, p);
      return { path: p, narHash: ni.narHash, narSize: ni.narSize, references: ni.references, sigs: ni.sigs, file: path.join(caches.none!, ni.url) };
    });

  it("registers in batches of batchBytes, each after its files are synced, in order", async () => {
    const store = LocalStore.open(new Layout(path.join(work, "batches"), STORE_DIR));
    try {
      const batches: string[][] = [];
      const its = items();
      const got = await store.addFromNars(its, {
        concurrency: 3,
        batchBytes: 1, // every path its own batch
        restore: (it, dest) => restoreNarFile({ file: its.find((i) => i.path === it.path)!.file, compression: "none", dest, maxSize: it.narSize! }),
        onRegistered: (ps) => {
          // Everything registered so far is valid; the rest is not yet.
          for (const p of ps) expect(store.isValidPath(p)).toBe(true);
          batches.push([...ps]);
        },
      });
      expect(got).toEqual(paths);
      expect(batches).toEqual(paths.map((p) => [p]));
    } finally {
      await store.close();
    }
    expect(verifyClean(path.join(work, "batches")).problems).toEqual([]);
  });

  it("a bad NAR stops the copy: earlier batches stay registered, nothing else, no temp tree or claim left", async () => {
    const root = path.join(work, "batches-bad");
    const store = LocalStore.open(new Layout(root, STORE_DIR));
    try {
      const its = items();
      // The third NAR is served for the fourth path: a hash mismatch.
      const e = await store
        .addFromNars(its, {
          concurrency: 4,
          batchBytes: 1,
          restore: (it, dest) => restoreNarFile({ file: its[it.path === paths[3] ? 2 : its.findIndex((i) => i.path === it.path)]!.file, compression: "none", dest, maxSize: 1 << 30 }),
          describeError: (it, err) => new CairnError("E_NAR_MISMATCH", `${it.path}: ${(err as Error).message}`, {}),
        })
        .catch((x: unknown) => x);
      expect((e as CairnError).code).toBe("E_NAR_MISMATCH");
      expect((e as CairnError).message).toMatch(/hash mismatch importing path/);
      expect(paths.map((p) => store.isValidPath(p))).toEqual([true, true, true, false]);
      expect([...store.db.claims.getKeys()]).toEqual([]);
      expect(fs.readdirSync(path.join(root, "store")).filter((n) => n.startsWith(".tmp-"))).toEqual([]);
      // A reference that is neither valid nor earlier in the list is refused before anything is written.
      const orphan = { ...its[3]!, references: [`${STORE_DIR}/${"0".repeat(32)}-missing`] };
      await expect(store.addFromNars([orphan], { concurrency: 1, restore: () => Promise.reject(new Error("not reached")) })).rejects.toMatchObject({ code: "E_BAD_REFERENCE" });
    } finally {
      await store.close();
    }
    expect(verifyClean(root).problems).toEqual([]);
    void parseHash;
  });
});

describe("CR-4: random SIGKILL during copy --from on threads", () => {
  const KILLS = 12;
  it(`${KILLS} kills at random instants: the store stays consistent and the copy completes afterwards`, { timeout: 300_000 }, async () => {
    const tally = { killed: 0, finished: 0 };
    // How long an uninterrupted copy takes here, to spread the kills over it.
    const t0 = Date.now();
    const full = await runCairn(["copy", "--from", `file://${caches.zstd}`, "--trusted-public-keys", key.pub, ...paths], { env: envOf(path.join(work, "kill-ref")) });
    expect(full.status, full.stderr).toBe(0);
    // The first copy runs on cold caches; a copy that finishes before its kill shows a shorter
    // duration, and the kills of the later runs are spread over that (so most land mid-copy).
    let ms = Math.max(200, Date.now() - t0);
    for (let k = 0; k < KILLS; k++) {
      const root = path.join(work, `kill-${k}`);
      const args = ["copy", "--from", `file://${caches[k % 2 ? "none" : "zstd"]}`, "--trusted-public-keys", key.pub, ...paths];
      const started = Date.now();
      const r = await runCairn(args, { env: envOf(root), killAfterMs: Math.floor(((k + 0.5) / KILLS) * ms) });
      if (r.killedByUs) tally.killed++;
      else {
        expect(r.status, r.stderr).toBe(0);
        tally.finished++;
        ms = Math.max(100, Math.min(ms, Date.now() - started));
      }
      expect(verifyClean(root).problems).toEqual([]);
      const again = await runCairn(args, { env: envOf(root) });
      expect(again.status, again.stderr).toBe(0);
      const after = verifyClean(root);
      expect(after.problems).toEqual([]);
      expect(after.checked).toBe(paths.length);
      expect(after.garbage).toEqual([]);
      const tmp = path.join(root, "var/cairn/tmp");
      expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : [], "scratch left behind").toEqual([]);
    }
    console.log(`CR-4 (copy --from on threads): ${KILLS} runs, ${tally.killed} killed, ${tally.finished} finished first`);
    expect(tally.killed).toBeGreaterThan(KILLS / 2);
  });
});
