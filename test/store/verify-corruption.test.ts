// VF-1 (RELIABILITY.md §5) and G-6/G-9 (§6): store objects changed behind cairn's back are found
// by `cairn verify --check-contents`, each named; `--repair` restores canonical metadata and
// reports changed contents as unrepaired; a vanished path nothing refers to is invalidated.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { checkStore, type VerifyJson } from "../helpers/checker.js";

type Corruption = "flip" | "truncate" | "extra-file" | "chmod" | "symlink";
const KINDS: Corruption[] = ["flip", "truncate", "extra-file", "chmod", "symlink"];
const CORRUPTED = 20;
const CONTROLS = 5;

let scratch: string;
beforeAll(() => {
  scratch = tmpDir("cairn-vf-");
});
afterAll(() => {
  if (scratch !== undefined) rmTree(scratch);
});

function makeTree(dir: string, i: number): void {
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  fs.mkdirSync(path.join(dir, "sub"));
  fs.writeFileSync(path.join(dir, "data"), `payload ${i}\n`.repeat(50 + i));
  fs.writeFileSync(path.join(dir, "sub/x"), `nested ${i}\n`.repeat(10));
  fs.writeFileSync(path.join(dir, "bin/tool"), `#!/bin/sh\necho ${i}\n`);
  fs.chmodSync(path.join(dir, "bin/tool"), 0o755);
}

/** Make `dir` writable, run `f`, and put the directory's canonical mode and mtime back. */
function inWritableDir(dir: string, f: () => void): void {
  fs.chmodSync(dir, 0o755);
  f();
  fs.chmodSync(dir, 0o555);
  fs.utimesSync(dir, 1, 1);
}

/** Change a file's bytes, leaving its mode and mtime canonical: only the contents differ. */
function editFile(file: string, edit: (b: Buffer) => Buffer): void {
  const mode = fs.statSync(file).mode & 0o777;
  fs.chmodSync(file, 0o644);
  fs.writeFileSync(file, edit(fs.readFileSync(file)));
  fs.chmodSync(file, mode);
  fs.utimesSync(file, 1, 1);
}

function corrupt(real: string, kind: Corruption, nested: boolean): void {
  const file = path.join(real, nested ? "sub/x" : "data");
  const parent = path.dirname(file);
  switch (kind) {
    case "flip":
      editFile(file, (b) => {
        b[Math.floor(b.length / 2)]! ^= 0x01;
        return b;
      });
      break;
    case "truncate":
      editFile(file, (b) => b.subarray(0, Math.floor(b.length / 2)));
      break;
    case "extra-file":
      inWritableDir(parent, () => {
        const extra = path.join(parent, "intruder");
        fs.writeFileSync(extra, "x", { mode: 0o444 });
        fs.utimesSync(extra, 1, 1);
      });
      break;
    case "chmod":
      fs.chmodSync(file, 0o644); // metadata only: the NAR is unchanged
      break;
    case "symlink":
      inWritableDir(parent, () => {
        fs.unlinkSync(file);
        fs.symlinkSync("../bin/tool", file);
        fs.lutimesSync(file, 1, 1);
      });
      break;
  }
}

/** `error|repaired: <kind>: '<path>': …` lines of `cairn verify`, by path. */
function reported(out: string): Map<string, { status: string; kind: string }> {
  const m = new Map<string, { status: string; kind: string }>();
  for (const line of out.split("\n")) {
    const r = /^(error|repaired): ([\w-]+): '([^']+)': /.exec(line);
    if (r) m.set(r[3]!, { status: r[1]!, kind: r[2]! });
  }
  return m;
}

describe("VF-1: corruption detection", () => {
  it(`finds ${CORRUPTED} corrupted paths among ${CORRUPTED + CONTROLS}, names each, and repairs the metadata-only ones`, async () => {
    const root = path.join(scratch, "root");
    const env = { CAIRN_ROOT: root };
    const srcs: string[] = [];
    for (let i = 0; i < CORRUPTED + CONTROLS; i++) {
      const src = path.join(scratch, `src/pkg${i}`);
      makeTree(src, i);
      srcs.push(src);
    }
    const paths = cairnOk(["add", ...srcs], { env }).trim().split("\n");
    expect(new Set(paths).size).toBe(CORRUPTED + CONTROLS);
    expect(cairn(["verify", "--all", "--check-contents"], { env }).status).toBe(0);

    const kindOf = new Map<string, Corruption>();
    for (let i = 0; i < CORRUPTED; i++) {
      const kind = KINDS[i % KINDS.length]!;
      corrupt(path.join(root, "store", path.basename(paths[i]!)), kind, i % 2 === 1);
      kindOf.set(paths[i]!, kind);
    }
    const controls = paths.slice(CORRUPTED);

    // Detection: non-zero exit, every corrupted path named with the right kind, no control named.
    const r = cairn(["verify", "--all", "--check-contents"], { env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/^cairn: verify: 20 problems found\n$/);
    const seen = reported(r.out);
    for (const [p, kind] of kindOf) {
      expect(seen.get(p), `${kind} of ${p}`).toEqual({ status: "error", kind: kind === "chmod" ? "not-canonical" : "hash-mismatch" });
    }
    for (const p of controls) expect(seen.has(p), p).toBe(false);
    expect(seen.size).toBe(CORRUPTED);
    expect(r.out).toMatch(/^checked 25 paths: 20 problems\n/m);

    // The JSON report says the same.
    const j = cairn(["verify", "--all", "--check-contents", "--json"], { env });
    expect(j.status).not.toBe(0);
    const rep = JSON.parse(j.out) as VerifyJson;
    expect(rep.checked).toBe(CORRUPTED + CONTROLS);
    expect(rep.problems.map((p) => p.path).sort()).toEqual([...kindOf.keys()].sort());
    expect(rep.garbage).toEqual([]);

    // Without --check-contents nothing is hashed, so nothing is found.
    expect(cairn(["verify", "--all"], { env }).status).toBe(0);

    // --repair: metadata restored, changed contents reported as unrepaired.
    const rr = cairn(["verify", "--all", "--check-contents", "--repair"], { env });
    expect(rr.status).not.toBe(0);
    const afterRepair = reported(rr.out);
    for (const [p, kind] of kindOf) {
      expect(afterRepair.get(p)?.status, `${kind} of ${p}`).toBe(kind === "chmod" ? "repaired" : "error");
    }
    expect(rr.out).toMatch(/^checked 25 paths: 16 problems, 4 repaired\n/m);
    expect(rr.stderr).toMatch(/^cairn: verify: 16 problems found\n$/);

    // Afterwards: only the content changes remain, and the repaired paths are canonical again.
    const again = reported(cairn(["verify", "--all", "--check-contents"], { env }).out);
    expect([...again.keys()].sort()).toEqual([...kindOf].filter(([, k]) => k !== "chmod").map(([p]) => p).sort());
    const c = await checkStore({ root });
    const repairedOrControl = [...controls, ...[...kindOf].filter(([, k]) => k === "chmod").map(([p]) => p)];
    for (const p of repairedOrControl) {
      expect(c.violations.filter((v) => v.includes(path.basename(p)))).toEqual([]);
      expect(c.valid.has(p)).toBe(true);
    }
    for (const [p, kind] of kindOf) {
      if (kind !== "chmod") expect(c.violations.some((v) => v.startsWith("I2:") && v.includes(p)), p).toBe(true);
    }
  });
});

describe("G-9: a valid path missing on disk", () => {
  it("is reported and invalidated when nothing refers to it", async () => {
    const root = path.join(scratch, "root-missing");
    const env = { CAIRN_ROOT: root };
    const a = path.join(scratch, "missing/a");
    const b = path.join(scratch, "missing/b");
    makeTree(a, 100);
    makeTree(b, 101);
    const [pa, pb] = cairnOk(["add", a, b], { env }).trim().split("\n") as [string, string];
    rmTree(path.join(root, "store", path.basename(pa)));

    const r = cairn(["verify", "--all"], { env });
    expect(r.status, r.stderr).toBe(0); // invalidating it is the repair, as in Nix
    expect(reported(r.out).get(pa)).toEqual({ status: "repaired", kind: "missing" });
    expect(r.out).toContain("invalidated");
    expect(reported(r.out).has(pb)).toBe(false);

    const info = cairn(["path-info", "--json", pa, pb], { env });
    expect(info.status).not.toBe(0);
    const arr = JSON.parse(info.out) as { path: string; valid?: boolean }[];
    expect(arr.find((o) => o.path === pa)).toEqual({ path: pa, valid: false });
    expect(arr.find((o) => o.path === pb)?.valid).toBeUndefined();

    const v = JSON.parse(cairn(["verify", "--all", "--check-contents", "--json"], { env }).out) as VerifyJson;
    expect(v).toEqual({ checked: 1, problems: [], garbage: [] });
    expect((await checkStore({ root, paths: [pa] })).violations).toEqual([]);
    // Adding it again brings it back.
    expect(cairnOk(["add", a], { env }).trim()).toBe(pa);
    expect((await checkStore({ root })).violations).toEqual([]);
  });
});
