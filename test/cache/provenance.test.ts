// Where a path came from, as `path-info --json` tells it: `substitutedFrom` (cairn's own) for
// paths copied in from a binary cache, the cache's URL without query or credentials; Nix's
// `ultimate` only for paths built here (test/builder/substitute.test.ts); neither for paths added
// or imported. Records written before these fields existed read as before.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout, LocalStore } from "../../store/index.js";
import { cacheOrigin } from "../../store/binary-cache.js";
import { cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { envOf, makeClosure, pathInfos, testKey, verifyClean, writeKey, STORE_DIR, type Closure } from "./helpers.js";

let work: string;
let src: string;
let closure: Closure;
let key: { sk: string; pk: string; pub: string };
let cache: string;

beforeAll(async () => {
  work = tmpDir("cairn-cache-prov-");
  src = path.join(work, "src-root");
  closure = await makeClosure(src);
  key = writeKey(work, testKey());
  cache = path.join(work, "cache");
  cairnOk(["copy", "--to", `file://${cache}`, "--compression", "zstd", "--secret-key-file", key.sk, closure.top], { env: envOf(src) });
});
afterAll(() => rmTree(work));

describe("provenance in path-info", () => {
  it("paths added or imported here carry neither ultimate nor substitutedFrom", () => {
    for (const info of pathInfos(src, closure.paths)) {
      expect(info).not.toHaveProperty("ultimate");
      expect(info).not.toHaveProperty("substitutedFrom");
    }
    const added = cairnOk(["add", path.join(work, "cache", "nix-cache-info")], { env: envOf(src) }).trim();
    const [info] = pathInfos(src, [added]);
    expect(Object.keys(info!)).toEqual(["path", "narHash", "narSize", "references", "ca", "registrationTime"]);
  });

  it("copy --from records the cache's URL, without its query, on every path it copies, after Nix's fields", () => {
    const dst = path.join(work, "dst");
    // A query (Nix's store parameters) is not part of where a path came from.
    cairnOk(["copy", "--from", `file://${cache}?priority=10`, "--trusted-public-keys", key.pub, closure.top], { env: envOf(dst) });
    const infos = pathInfos(dst, closure.paths);
    expect(infos).toHaveLength(closure.paths.length);
    for (const info of infos) {
      expect(info.substitutedFrom).toBe(`file://${cache}`);
      expect(info).not.toHaveProperty("ultimate");
      const keys = Object.keys(info);
      expect(keys[keys.length - 1]).toBe("substitutedFrom");
      expect(keys.indexOf("signatures")).toBe(keys.length - 2);
    }
    // A path copied again from elsewhere is not re-registered: its provenance stays.
    const other = path.join(work, "other-cache");
    cairnOk(["copy", "--to", `file://${other}`, "--compression", "none", closure.top], { env: envOf(src) });
    const again = JSON.parse(cairnOk(["copy", "--from", `file://${other}`, "--no-check-sigs", "--json", closure.top], { env: envOf(dst) }));
    expect(again.copied).toEqual([]);
    expect(pathInfos(dst, [closure.top])[0]!.substitutedFrom).toBe(`file://${cache}`);
    // Plain output: Nix's --sigs column (no "ultimate" for a copied path; its signature).
    const line = cairnOk(["path-info", "--sigs", closure.top], { env: envOf(dst) });
    expect(line).toMatch(new RegExp(`^${closure.top}\\tcairn-test-1:[A-Za-z0-9+/=]{88}\\n$`));
    expect(verifyClean(dst).problems).toEqual([]);
  });

  it("the recorded URL has no credentials, query or trailing slash", () => {
    expect(cacheOrigin("https://user:secret@cache.example.org/nix/?priority=40")).toBe("https://cache.example.org/nix");
    expect(cacheOrigin("file:///srv/cache/")).toBe("file:///srv/cache");
    expect(cacheOrigin("file:///srv/cache?compression=xz#x")).toBe("file:///srv/cache");
    expect(cacheOrigin("http://127.0.0.1:8080")).toBe("http://127.0.0.1:8080");
  });

  it("records without the new fields (an older cairn's) read as before, and unknown fields are kept apart", async () => {
    const dst = path.join(work, "dst");
    const store = LocalStore.open(new Layout(dst, STORE_DIR));
    try {
      const hashPart = path.basename(closure.top).slice(0, 32);
      const current = store.db.paths.get(hashPart)!;
      expect(current.substitutedFrom).toBe(`file://${cache}`);
      const { substitutedFrom: _f, ultimate: _u, ...old } = current;
      store.db.write(() => {
        store.db.paths.put(hashPart, old);
      });
      expect(store.queryPathInfo(closure.top)).toEqual(old);
      // A newer cairn's field this one does not know does not stop the record from reading.
      store.db.write(() => {
        store.db.paths.put(hashPart, { ...old, someFutureField: { x: 1 } } as typeof old);
      });
      expect(store.queryPathInfo(closure.top)?.narHash).toBe(old.narHash);
      store.db.write(() => {
        store.db.paths.put(hashPart, old);
      });
    } finally {
      await store.close();
    }
    const [info] = pathInfos(dst, [closure.top]);
    expect(info).not.toHaveProperty("substitutedFrom");
    expect(info).not.toHaveProperty("ultimate");
    expect(verifyClean(dst).problems).toEqual([]);
    expect(fs.existsSync(path.join(dst, "var/cairn/db"))).toBe(true);
  });
});
