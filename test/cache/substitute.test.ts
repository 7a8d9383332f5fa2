// substitute(store, paths, caches, trustedKeys): what the builder calls with CAIRN_SUBSTITUTERS.
// Trusted caches make paths valid with their closures; the reasons a path was not substituted
// (not in cache, untrusted key, bad signature) come back per cache; nothing throws for those.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout, LocalStore } from "../../store/index.js";
import { substitute } from "../../store/binary-cache.js";
import { toPublicKey } from "../../store/format/index.js";
import { cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { envOf, inputAddressedPath, makeClosure, testKey, writeKey, NOW, STORE_DIR, type Closure } from "./helpers.js";

let work: string;
let closure: Closure;
let good: string;
let empty: string;
const SK = testKey();

beforeAll(async () => {
  work = tmpDir("cairn-cache-subst-");
  const src = path.join(work, "src-root");
  closure = await makeClosure(src);
  const key = writeKey(work, SK);
  good = `file://${work}/good`;
  cairnOk(["copy", "--to", good, "--compression", "zstd", "--secret-key-file", key.sk, closure.top], { env: envOf(src) });
  empty = `file://${work}/empty`;
  fs.mkdirSync(path.join(work, "empty"));
  fs.writeFileSync(path.join(work, "empty", "nix-cache-info"), `StoreDir: ${STORE_DIR}\n`);
});
afterAll(() => rmTree(work));

async function withStore<T>(name: string, f: (s: LocalStore) => Promise<T>): Promise<T> {
  const s = LocalStore.open(new Layout(path.join(work, name), STORE_DIR), { now: () => NOW });
  try {
    return await f(s);
  } finally {
    await s.close();
  }
}

describe("substitute", () => {
  it("fetches a path and its closure from the first cache that has it, trusted", async () => {
    await withStore("s1", async (store) => {
      const r = await substitute(store, [closure.top], [empty, good], [toPublicKey(SK)]);
      expect([...r.substituted]).toEqual([[closure.top, good]]);
      expect(r.failed.size).toBe(0);
      for (const p of closure.paths) expect(store.isValidPath(p)).toBe(true);
      // Valid already: nothing to do, nothing reported.
      const again = await substitute(store, [closure.top], [good], [toPublicKey(SK)]);
      expect(again.substituted.size + again.failed.size).toBe(0);
    });
  });

  it("says why a path was not substituted: untrusted key, bad signature, not in cache", async () => {
    await withStore("s2", async (store) => {
      const other = toPublicKey(testKey("someone-else"));
      const sameNameOtherBytes = toPublicKey(testKey(SK.name, "other seed"));
      const missing = inputAddressedPath("missing", "missing");
      const r = await substitute(store, [closure.top, missing], [good, empty], [other]);
      expect(r.substituted.size).toBe(0);
      expect(r.failed.get(closure.top)![0]).toMatch(/untrusted key: signed by cairn-test-1/);
      expect(r.failed.get(closure.top)![1]).toMatch(/is not in binary cache/);
      expect(r.failed.get(missing)!.every((s) => /is not in binary cache/.test(s))).toBe(true);
      const bad = await substitute(store, [closure.top], [good], [sameNameOtherBytes]);
      expect(bad.failed.get(closure.top)![0]).toMatch(/bad signature: signed by cairn-test-1/);
      for (const p of closure.paths.filter((p) => p !== closure.paths.find((q) => q.endsWith("-tree-a")))) expect(store.isValidPath(p)).toBe(false);
      const none = await substitute(store, [missing], [], []);
      expect(none.failed.get(missing)).toEqual(["no substituters configured"]);
    });
  });
});
