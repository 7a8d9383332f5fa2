// RELIABILITY.md §6 "Binary cache, narinfo and signatures" (C-*) and NAR rows that reach
// `copy --from`: each crafted cache is refused with exit 1 and one specific line, nothing is
// registered, no scratch file is left behind, and `cairn verify --all --check-contents` is clean.
// The cases are built at test time from a real cache and a fixed-seed key (so they are the same
// every run), then edited as an attacker would.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { narInfoFingerprint, parseNarInfo, printNarInfo, signDetached, type NarInfo } from "../../store/format/index.js";
import { envOf, makeClosure, pathInfos, testKey, verifyClean, writeKey, STORE_DIR, type Closure } from "./helpers.js";

const SK = testKey();
let work: string;
let base: string;
let closure: Closure;
let key: { sk: string; pk: string; pub: string };
let top: string;

const niFile = (cache: string, p: string) => path.join(cache, `${path.basename(p).slice(0, 32)}.narinfo`);
const readNi = (cache: string, p: string) => parseNarInfo(STORE_DIR, fs.readFileSync(niFile(cache, p), "utf8"));
const writeText = (cache: string, p: string, text: string) => fs.writeFileSync(niFile(cache, p), text);
const resign = (ni: NarInfo): NarInfo => ({ ...ni, sigs: [signDetached(SK, narInfoFingerprint(ni))] });
const editLine = (text: string, field: string, v: string | undefined) =>
  text
    .split("\n")
    .flatMap((l) => (l.startsWith(field + ": ") ? (v === undefined ? [] : [`${field}: ${v}`]) : [l]))
    .join("\n");

beforeAll(async () => {
  work = tmpDir("cairn-cache-bad-");
  const src = path.join(work, "src-root");
  closure = await makeClosure(src);
  top = closure.top;
  key = writeKey(work, SK);
  base = path.join(work, "base");
  cairnOk(["copy", "--to", `file://${base}`, "--compression", "none", "--secret-key-file", key.sk, top], { env: envOf(src) });
  fs.writeFileSync(path.join(work, "sentinel.nar"), fs.readFileSync(path.join(base, readNi(base, top).url)));
});
afterAll(() => rmTree(work));

interface Case {
  id: string;
  about: string;
  edit: (cache: string) => void;
  error: RegExp;
  args?: string[];
  /** Paths that must stay invalid (default: the whole closure). */
  invalid?: () => string[];
}

/** The start of a NAR of one regular file of `size` bytes (its contents to follow). */
function narHeadOfRegular(size: number): Buffer {
  const tok = (t: string) => {
    const b = Buffer.alloc(8 + t.length + ((8 - (t.length % 8)) % 8));
    b.writeUInt32LE(t.length, 0);
    b.write(t, 8, "latin1");
    return b;
  };
  const len = Buffer.alloc(8);
  len.writeUInt32LE(size, 0);
  return Buffer.concat([...["nix-archive-1", "(", "type", "regular", "contents"].map(tok), len]);
}

const topEdit = (f: (text: string) => string) => (cache: string) => writeText(cache, top, f(fs.readFileSync(niFile(cache, top), "utf8")));
const topResigned = (f: (ni: NarInfo) => NarInfo) => (cache: string) => writeText(cache, top, printNarInfo(resign(f(readNi(cache, top)))));

const CASES: Case[] = [
  { id: "C-1", about: "no Sig on an input-addressed path", edit: topEdit((t) => editLine(t, "Sig", undefined)), error: /lacks a signature by a trusted key \(it has none\)/ },
  {
    id: "C-2",
    about: "signed by a key that is not trusted",
    edit: topEdit((t) => editLine(t, "Sig", signDetached(testKey("intruder-1"), narInfoFingerprint(parseNarInfo(STORE_DIR, t))))),
    error: /lacks a signature by a trusted key \(untrusted key: signed by intruder-1\)/,
  },
  {
    id: "C-3",
    about: "trusted key name, other key bytes",
    edit: topEdit((t) => editLine(t, "Sig", signDetached(testKey(SK.name, "other seed"), narInfoFingerprint(parseNarInfo(STORE_DIR, t))))),
    error: /lacks a signature by a trusted key \(bad signature: signed by cairn-test-1\)/,
  },
  {
    id: "C-4a",
    about: "valid signature, then a reference dropped",
    edit: topEdit((t) => editLine(t, "References", parseNarInfo(STORE_DIR, t).references.slice(1).map((r) => path.basename(r)).join(" "))),
    error: /bad signature/,
  },
  {
    id: "C-4b",
    about: "valid signature, then a reference added",
    edit: topEdit((t) => editLine(t, "References", [...parseNarInfo(STORE_DIR, t).references, closure.paths.find((p) => p.includes("-lib-"))!].map((r) => path.basename(r)).sort().join(" "))),
    error: /bad signature/,
  },
  { id: "C-5a", about: "valid signature, then NarSize edited", edit: topEdit((t) => editLine(t, "NarSize", String(readNi(base, top).narSize + 8))), error: /bad signature/ },
  {
    id: "C-5b",
    about: "valid signature, then NarHash edited",
    edit: topEdit((t) => editLine(t, "NarHash", "sha256:1xngcmsdkdvaycaqjfzvq4gr3gib56p2l8illglnsqzhpss47pxz")),
    error: /bad signature/,
  },
  {
    id: "C-7",
    about: "signature fine, the NAR served is another one (FileHash matches the bad file)",
    edit: (cache) => {
      const ni = readNi(cache, top);
      const other = readNi(cache, closure.paths.find((p) => p.includes("-conf-"))!);
      writeText(cache, top, printNarInfo({ ...ni, url: other.url, fileHash: other.fileHash!, fileSize: other.fileSize! }));
    },
    error: /hash mismatch importing path '\/nix\/store\/[^']+-out-a';+ specified: sha256:[0-9a-z]{52}; got: +sha256:[0-9a-z]{52}/,
  },
  {
    id: "N-18",
    about: "the NAR served has trailing bytes",
    edit: (cache) => fs.appendFileSync(path.join(cache, readNi(cache, top).url), Buffer.alloc(8)),
    error: /NAR of '[^']+-out-a' from file:\/\/.*: trailing data after the NAR's \d+ bytes/,
  },
  {
    id: "N-13",
    about: "the NAR served is truncated",
    edit: (cache) => {
      const f = path.join(cache, readNi(cache, top).url);
      fs.truncateSync(f, fs.statSync(f).size - 100);
    },
    error: /NAR is truncated/,
  },
  {
    id: "N-17",
    about: "the NAR served is not a NAR",
    edit: (cache) => fs.writeFileSync(path.join(cache, readNi(cache, top).url), "\x1f\x8b not a nar"),
    error: /NAR of '[^']+-out-a' from file:\/\/.*: input is not a Nix archive/,
  },
  { id: "C-8a", about: "signature not base64", edit: topEdit((t) => editLine(t, "Sig", "cairn-test-1:@@@@")), error: /bad signature: signed by cairn-test-1/ },
  {
    id: "C-8b",
    about: "63-byte signature",
    edit: topEdit((t) => editLine(t, "Sig", `cairn-test-1:${Buffer.alloc(63, 1).toString("base64")}`)),
    error: /bad signature: signed by cairn-test-1/,
  },
  {
    id: "C-8c",
    about: "65-byte signature",
    edit: topEdit((t) => editLine(t, "Sig", `cairn-test-1:${Buffer.alloc(65, 1).toString("base64")}`)),
    error: /bad signature: signed by cairn-test-1/,
  },
  { id: "C-8d", about: "a trusted key string without ':'", edit: () => {}, args: ["--trusted-public-keys", "nocolonkey"], error: /cannot read public key file 'nocolonkey'/ },
  {
    id: "C-8e",
    about: "a trusted key of 31 bytes",
    edit: () => {},
    args: ["--trusted-public-keys", `k:${Buffer.alloc(31).toString("base64")}`],
    error: /public key 'k:[^']+' is not base64 of 32 bytes/,
  },
  {
    id: "C-10",
    about: "a reference cycle A -> B -> A, validly signed",
    edit: (cache) => {
      const b = closure.paths.find((p) => p.includes("-conf-"))!;
      const nb = readNi(cache, b);
      writeText(cache, b, printNarInfo(resign({ ...nb, references: [...nb.references, top].sort() })));
    },
    error: /cycle detected in the references of/,
  },
  { id: "C-11a", about: "URL: nar/../../sentinel.nar", edit: topResigned((ni) => ({ ...ni, url: "nar/../../sentinel.nar" })), error: /URL 'nar\/\.\.\/\.\.\/sentinel\.nar' is not a relative path inside the cache/ },
  { id: "C-11b", about: "an absolute URL", edit: topResigned((ni) => ({ ...ni, url: `${work}/sentinel.nar` })), error: /is not a relative path inside the cache/ },
  { id: "C-11c", about: "a URL to another host", edit: topResigned((ni) => ({ ...ni, url: "http://127.0.0.1:1/x.nar" })), error: /is not a relative path inside the cache/ },
  { id: "C-11d", about: "a file:// URL", edit: topResigned((ni) => ({ ...ni, url: `file://${work}/sentinel.nar` })), error: /is not a relative path inside the cache/ },
  {
    id: "C-11e",
    about: "the NAR is a symlink to a file outside the cache",
    edit: (cache) => {
      const f = path.join(cache, readNi(cache, top).url);
      fs.rmSync(f);
      fs.symlinkSync(path.join(work, "sentinel.nar"), f);
    },
    error: /is not a regular file|ELOOP/,
  },
  { id: "C-12a", about: "Compression: rar", edit: topEdit((t) => editLine(t, "Compression", "rar")), error: /compression 'rar' is not supported \(cairn reads none, xz and zstd\)/ },
  { id: "C-12b", about: "Compression absent (bzip2)", edit: topEdit((t) => editLine(t, "Compression", undefined)), error: /compression 'bzip2' is not supported/ },
  { id: "C-12c", about: "Compression: xz on a file that is not xz", edit: topEdit((t) => editLine(t, "Compression", "xz")), error: /NAR of '[^']+-out-a' from file:\/\/.*: cannot decompress xz data/ },
  {
    id: "C-15a",
    about: "NarHash in nix32 with the spare bits set",
    edit: topEdit((t) => editLine(t, "NarHash", "sha256:z" + t.split("NarHash: sha256:")[1]!.slice(1, 52))),
    error: /NarHash: invalid nix32 hash/,
  },
  { id: "C-15b", about: "an SRI NarHash of the wrong length", edit: topEdit((t) => editLine(t, "NarHash", "sha256-AAAA")), error: /NarHash: invalid base64 hash|wrong length/ },
  { id: "X-1", about: "a narinfo that describes another path", edit: (cache) => writeText(cache, top, fs.readFileSync(niFile(cache, closure.paths[0]!), "utf8")), error: /describes '[^']+', not '[^']+-out-a'/ },
  { id: "X-2", about: "a reference's narinfo is missing", edit: (cache) => fs.rmSync(niFile(cache, closure.paths.find((p) => p.includes("-conf-"))!)), error: /is not in binary cache/ },
  { id: "X-3", about: "the NAR file is missing", edit: (cache) => fs.rmSync(path.join(cache, readNi(cache, top).url)), error: /does not exist/ },
  {
    id: "X-5",
    about: "a decompression bomb: a zstd NAR whose one file inflates to 32 MiB, beyond the signed NarSize",
    edit: (cache) => {
      const bomb = spawnSync("zstd", ["-c", "-q"], { input: Buffer.concat([narHeadOfRegular(32 << 20), Buffer.alloc(32 << 20)]) }).stdout;
      fs.writeFileSync(path.join(cache, "nar", "bomb.nar.zst"), bomb);
      const ni = readNi(cache, top);
      writeText(cache, top, printNarInfo({ ...ni, url: "nar/bomb.nar.zst", compression: "zstd", fileSize: bomb.length }));
    },
    error: /NAR of '[^']+-out-a' from file:\/\/.*bomb\.nar\.zst: cannot decompress zstd data: its output exceeds \d+ bytes/,
  },
  { id: "X-4", about: "narinfo garbage", edit: (cache) => writeText(cache, top, "\0\0\0 binary"), error: /line 1 is not 'Key: value'/ },
];

describe("bad binary caches are refused (RELIABILITY §6)", () => {
  for (const c of CASES) {
    it(`${c.id}: ${c.about}`, () => {
      const cache = path.join(work, `case-${c.id}`);
      spawnSync("cp", ["-a", base, cache]);
      c.edit(cache);
      const root = path.join(work, `root-${c.id}`);
      const r = cairn(["copy", "--from", `file://${cache}`, ...(c.args ?? ["--trusted-public-keys", key.pub]), top], { env: envOf(root) });
      expect(r.status, r.stderr).toBe(1);
      // Progress lines may come first (stderr is not a TTY); the error is the one last line.
      const last = r.stderr.trimEnd().split("\n").pop()!;
      expect(last).toMatch(/^cairn: copy: /);
      expect(r.stderr.split("\n").filter((l) => l.startsWith("cairn:"))).toHaveLength(1);
      expect(last).toMatch(c.error);
      expect(r.stderr).not.toMatch(/internal error|RangeError|at .*\.js:\d+/);
      if (fs.existsSync(path.join(root, "var/cairn/db"))) {
        // References may have been imported (they were fine); the refused path never is.
        expect(pathInfos(root, [top])[0]!.valid).toBe(false);
        const v = verifyClean(root);
        expect(v.problems).toEqual([]);
        const tmp = path.join(root, "var/cairn/tmp");
        expect(fs.existsSync(tmp) ? fs.readdirSync(tmp) : []).toEqual([]);
      }
      expect(fs.readFileSync(path.join(work, "sentinel.nar")).length).toBeGreaterThan(0);
    });
  }

  it("C-17: copy --to of a crafted name is refused by name checks", () => {
    const r = cairn(["copy", "--to", `file://${work}/c17`, `${STORE_DIR}/00000000000000000000000000000000-..`], { env: envOf(path.join(work, "src-root")) });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cairn: copy: .*invalid name/);
    expect(fs.existsSync(path.join(work, "c17"))).toBe(false);
  });
});
