// `cairn key generate`, `sign` and `copy --to/--from file://` as real processes on real stores:
// closures, references first, every compression, skipping what is there, signatures required.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { parseNarInfo, parsePublicKey, narInfoFingerprint, verifyDetached } from "../../store/format/index.js";
import { comparable, envOf, makeClosure, pathInfos, testKey, verifyClean, writeKey, STORE_DIR, type Closure } from "./helpers.js";

let work: string;
let src: string;
let closure: Closure;
let key: { sk: string; pk: string; pub: string };

beforeAll(async () => {
  work = tmpDir("cairn-cache-file-");
  src = path.join(work, "src-root");
  closure = await makeClosure(src);
  key = writeKey(work, testKey());
});
afterAll(() => rmTree(work));

describe("cairn key generate", () => {
  it("writes NAME:base64 keys, the secret one mode 0600, and refuses to overwrite", () => {
    const sk = path.join(work, "gen.sec");
    const pk = path.join(work, "gen.pub");
    const printed = cairnOk(["key", "generate", "gen-1", "--secret-key-file", sk, "--public-key-file", pk]).trim();
    expect(fs.statSync(sk).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(pk, "utf8")).toBe(printed);
    expect(parsePublicKey(printed).name).toBe("gen-1");
    expect(fs.readFileSync(sk, "utf8")).toMatch(/^gen-1:[A-Za-z0-9+/]{86}==$/);
    const again = cairn(["key", "generate", "gen-1", "--secret-key-file", sk, "--public-key-file", pk]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^cairn: key generate: cannot create key file '.*gen.sec': it exists\n$/);
  });
  it("C-18: a secret key readable by others is refused by sign and copy", () => {
    const loose = path.join(work, "loose.sec");
    fs.copyFileSync(key.sk, loose);
    fs.chmodSync(loose, 0o644);
    for (const args of [["sign", "--secret-key-file", loose, closure.top], ["copy", "--to", `file://${work}/never`, "--secret-key-file", loose, closure.top]]) {
      const r = cairn(args, { env: envOf(src) });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/accessible to others \(mode 0644\); run chmod 600/);
    }
    expect(fs.existsSync(path.join(work, "never"))).toBe(false);
  });
});

describe("cairn sign", () => {
  it("adds a signature over Nix's fingerprint to the recorded path info, once", () => {
    const root = path.join(work, "sign-root");
    cairnOk(["copy", "--to", `file://${work}/sign-cache`, "--compression", "none", closure.top], { env: envOf(src) });
    cairnOk(["copy", "--from", `file://${work}/sign-cache`, "--no-check-sigs", closure.top], { env: envOf(root) });
    expect(cairnOk(["sign", "--secret-key-file", key.sk, "-r", closure.top], { env: envOf(root) })).toBe(`added ${closure.paths.length} signatures\n`);
    expect(cairnOk(["sign", "--secret-key-file", key.sk, closure.top], { env: envOf(root) })).toBe("added 0 signatures\n");
    for (const info of pathInfos(root, closure.paths)) {
      const sigs = info.signatures as string[];
      expect(sigs).toHaveLength(1);
      const fp = narInfoFingerprint({
        storePath: info.path as string,
        narHash: { algo: "sha256", bytes: Buffer.from((info.narHash as string).slice(7), "base64") },
        narSize: info.narSize as number,
        references: info.references as string[],
      });
      expect(verifyDetached(fp, sigs[0]!, [parsePublicKey(key.pub)])).toBe(true);
    }
  });
});

describe("cairn copy file://", () => {
  for (const compression of ["none", "xz", "zstd"] as const) {
    it(`${compression}: a closure out and back into an empty store, same paths and hashes`, () => {
      const cache = path.join(work, `cache-${compression}`);
      const url = `file://${cache}`;
      const to = JSON.parse(
        cairnOk(["copy", "--to", url, "--compression", compression, "--secret-key-file", key.sk, "--json", closure.top], { env: envOf(src) }),
      );
      expect([...to.copied].sort()).toEqual(closure.paths);
      expect(fs.readFileSync(path.join(cache, "nix-cache-info"), "utf8")).toBe(`StoreDir: ${STORE_DIR}\n`);
      for (const p of closure.paths) {
        const text = fs.readFileSync(path.join(cache, `${path.basename(p).slice(0, 32)}.narinfo`), "utf8");
        const ni = parseNarInfo(STORE_DIR, text);
        expect(ni.compression).toBe(compression);
        expect(ni.url).toMatch(compression === "none" ? /\.nar$/ : compression === "xz" ? /\.nar\.xz$/ : /\.nar\.zst$/);
        expect(fs.statSync(path.join(cache, ni.url)).size).toBe(ni.fileSize);
        expect(ni.sigs.some((s) => verifyDetached(narInfoFingerprint(ni), s, [parsePublicKey(key.pub)]))).toBe(true);
      }
      // Again: everything is there already.
      const again = JSON.parse(cairnOk(["copy", "--to", url, "--compression", compression, "--json", closure.top], { env: envOf(src) }));
      expect(again.copied).toEqual([]);
      expect(again.skipped).toEqual(closure.paths);

      const dst = path.join(work, `dst-${compression}`);
      const r = cairn(["copy", "--from", url, closure.top], { env: envOf(dst, { CAIRN_TRUSTED_PUBLIC_KEYS: key.pub }) });
      expect(r.status, r.stderr).toBe(0);
      // Plain progress lines (stderr is not a TTY): references first.
      const order = r.stderr.split("\n").filter((l) => l.startsWith("copied ")).map((l) => l.slice(8, -1));
      expect([...order].sort()).toEqual(closure.paths);
      for (const [i, p] of order.entries()) {
        const refs = pathInfos(dst, [p])[0]!.references as string[];
        for (const ref of refs) if (ref !== p) expect(order.indexOf(ref), `${ref} before ${p}`).toBeLessThan(i);
      }
      expect(comparable(pathInfos(dst, closure.paths))).toEqual(comparable(pathInfos(src, closure.paths)));
      const v = verifyClean(dst);
      expect(v.problems).toEqual([]);
      expect(v.checked).toBe(closure.paths.length);
    });
  }

  it("copies only the missing part of a closure in", () => {
    const dst = path.join(work, "partial");
    const url = `file://${work}/cache-zstd`;
    const first = closure.paths.find((p) => p.endsWith("-tree-a"))!;
    cairnOk(["copy", "--from", url, "--trusted-public-keys", key.pk, first], { env: envOf(dst) });
    const r = JSON.parse(cairnOk(["copy", "--from", url, "--trusted-public-keys", key.pub, "--json", closure.top], { env: envOf(dst) }));
    expect(r.copied).toHaveLength(closure.paths.length - 1);
    expect(r.skipped).toEqual([first]);
  });

  it("C-1/C-2: without a trusted key, unsigned or untrusted paths are refused; --no-check-sigs takes them", () => {
    const url = `file://${work}/cache-xz`;
    const dst = path.join(work, "untrusted");
    const r = cairn(["copy", "--from", url, closure.top], { env: envOf(dst) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cairn: copy: path '\/nix\/store\/[a-z0-9]{32}-[^']+' lacks a signature by a trusted key \(untrusted key: signed by cairn-test-1\)\n$/);
    expect(pathInfos(dst, closure.paths).every((i) => i.valid === false)).toBe(true);
    const other = writeKey(work, testKey("other-1"));
    expect(cairn(["copy", "--from", url, "--trusted-public-keys", other.pub, closure.top], { env: envOf(dst) }).status).toBe(1);
    cairnOk(["copy", "--from", url, "--no-check-sigs", closure.top], { env: envOf(dst) });
    expect(verifyClean(dst).problems).toEqual([]);
  });

  it("the source tree alone needs no signature: its content address proves it (Nix: isContentAddressed)", () => {
    const dst = path.join(work, "ca-only");
    const tree = closure.paths.find((p) => p.endsWith("-tree-a"))!;
    cairnOk(["copy", "--from", `file://${work}/cache-none`, tree], { env: envOf(dst) });
  });

  it("usage errors are one line", () => {
    for (const [args, re] of [
      [["copy", closure.top], /give exactly one of --to URL and --from URL/],
      [["copy", "--to", "ftp://x", closure.top], /unsupported binary cache URL 'ftp:\/\/x'/],
      [["copy", "--to", `file://${work}/c`, "--compression", "bzip2", closure.top], /--compression 'bzip2': expected none, xz or zstd/],
      [["copy", "--from", `file://${work}/c`, "--secret-key-file", key.sk, closure.top], /--secret-key-file goes with --to/],
      [["copy", "--to", `file://${work}/c`, "--no-check-sigs", closure.top], /--trusted-public-keys and --no-check-sigs go with --from/],
      [["copy", "--from", `file://${work}/nothing-here`, closure.top], /is not a binary cache: it has no nix-cache-info/],
    ] as const) {
      const r = cairn([...args], { env: envOf(src) });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.split("\n").length).toBe(2);
    }
  });

  it("refuses a cache made for another store dir", () => {
    const other = path.join(work, "other-dir-cache");
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, "nix-cache-info"), "StoreDir: /gnu/store\n");
    const r = cairn(["copy", "--to", `file://${other}`, closure.top], { env: envOf(src) });
    expect(r.stderr).toMatch(/is for store '\/gnu\/store', not '\/nix\/store'/);
  });
});
