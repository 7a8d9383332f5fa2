// `cairn optimise`: identical store files become one inode through ROOT/store/.links, different
// ones (content or executable bit) never do, the store stays verifiable, and a concurrent gc
// neither breaks it nor loses a live path.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCairn } from "../helpers/checker.js";
import { assertConsistent, envOf, isValid, ok, scratchPerTest } from "./helpers.js";

const dirs = scratchPerTest("cairn-gc-opt-");

/** A tree with files f (shared text), g (`unique`), x (shared text, executable when `exec`). */
function addPkg(name: string, unique: string, exec: boolean): string {
  const d = path.join(dirs.scratch, "src", name);
  fs.mkdirSync(path.join(d, "sub"), { recursive: true });
  fs.writeFileSync(path.join(d, "f"), "the same bytes in every package\n".repeat(50));
  fs.writeFileSync(path.join(d, "sub", "g"), unique);
  fs.writeFileSync(path.join(d, "x"), "#!/bin/sh\necho same\n", { mode: exec ? 0o755 : 0o644 });
  return ok(dirs.root, ["add", d]).trim();
}

const ino = (p: string, rel: string) => fs.lstatSync(path.join(dirs.root, "store", path.basename(p), rel)).ino;

interface OptJson {
  filesLinked: number;
  bytesSaved: number;
  badLinks: string[];
}

describe("cairn optimise", () => {
  it("links identical files, never different ones, and verify stays clean", async () => {
    const a = addPkg("a", "unique a", false);
    const b = addPkg("b", "unique b", false);
    const c = addPkg("c", "unique c", true);
    const before = [a, b, c].map((p) => ino(p, "f"));
    const dry = JSON.parse(ok(dirs.root, ["optimise", "--dry-run", "--json"])) as OptJson;
    expect(dry.filesLinked).toBe(3); // b/f, c/f and b/x
    expect([a, b, c].map((p) => ino(p, "f"))).toEqual(before);
    expect(fs.existsSync(path.join(dirs.root, "store/.links"))).toBe(false);

    const r = JSON.parse(ok(dirs.root, ["optimise", "--json"])) as OptJson;
    expect(r.filesLinked).toBe(3);
    expect(r.bytesSaved).toBe(2 * 32 * 50 + 20);
    expect(r.badLinks).toEqual([]);
    expect(new Set([a, b, c].map((p) => ino(p, "f"))).size).toBe(1);
    expect(ino(a, "x")).toBe(ino(b, "x"));
    expect(ino(c, "x")).not.toBe(ino(a, "x")); // same bytes, different mode
    expect(new Set([a, b, c].map((p) => ino(p, "sub/g"))).size).toBe(3);
    expect(fs.readFileSync(path.join(dirs.root, "store", path.basename(c), "sub/g"), "utf8")).toBe("unique c");
    await assertConsistent(dirs.root);
    expect(ok(dirs.root, ["optimise"])).toBe("0 files hard-linked, 0.00 MiB saved\n");

    // Once nothing uses a pooled file any more, gc removes it from .links.
    const linksBefore = fs.readdirSync(path.join(dirs.root, "store/.links")).length;
    fs.mkdirSync(path.join(dirs.root, "var/cairn/gcroots"), { recursive: true });
    fs.symlinkSync(c, path.join(dirs.root, "var/cairn/gcroots/c"));
    ok(dirs.root, ["gc"]);
    expect(isValid(dirs.root, c)).toBe(true);
    const linksAfter = fs.readdirSync(path.join(dirs.root, "store/.links"));
    expect(linksAfter.length).toBeLessThan(linksBefore);
    for (const l of linksAfter) expect(fs.lstatSync(path.join(dirs.root, "store/.links", l)).nlink).toBeGreaterThan(1);
    await assertConsistent(dirs.root);
  });

  it("a damaged pool entry is never linked in", async () => {
    const a = addPkg("a", "ua", false);
    ok(dirs.root, ["optimise"]);
    // Corrupt the pool entry of f behind cairn's back: it no longer holds what its name says.
    const links = path.join(dirs.root, "store/.links");
    const fIno = ino(a, "f");
    const entry = fs.readdirSync(links).find((n) => fs.lstatSync(path.join(links, n)).ino === fIno)!;
    const replacement = path.join(dirs.scratch, "evil");
    fs.writeFileSync(replacement, "evil\n");
    fs.renameSync(replacement, path.join(links, entry));
    const b = addPkg("b", "ub", false);
    const r = JSON.parse(ok(dirs.root, ["optimise", "--json"])) as OptJson;
    expect(r.badLinks).toEqual([path.join(links, entry)]);
    expect(fs.readFileSync(path.join(dirs.root, "store", path.basename(b), "f"), "utf8")).toContain("the same bytes");
    fs.unlinkSync(path.join(links, entry));
    await assertConsistent(dirs.root);
  });

  it("is safe against a concurrent gc: live paths intact, verify clean", async () => {
    const live: string[] = [];
    fs.mkdirSync(path.join(dirs.root, "var/cairn/gcroots"), { recursive: true });
    for (let round = 0; round < 3; round++) {
      const dead = Array.from({ length: 6 }, (_, i) => addPkg(`d${round}-${i}`, `dead ${round} ${i}`, i % 2 === 0));
      const l = addPkg(`l${round}`, `live ${round}`, false);
      fs.symlinkSync(l, path.join(dirs.root, "var/cairn/gcroots", `l${round}`));
      live.push(l);
      const [opt, gc] = await Promise.all([
        runCairn(["optimise"], { env: envOf(dirs.root) }),
        runCairn(["gc"], { env: envOf(dirs.root) }),
      ]);
      expect(opt.status, opt.stderr).toBe(0);
      expect(gc.status, gc.stderr).toBe(0);
      for (const p of live) expect(isValid(dirs.root, p)).toBe(true);
      await assertConsistent(dirs.root);
      void dead;
    }
    ok(dirs.root, ["gc"]);
    expect(fs.readdirSync(path.join(dirs.root, "store")).filter((n) => !n.startsWith(".")).sort()).toEqual(
      live.map((p) => path.basename(p)).sort(),
    );
    await assertConsistent(dirs.root);
  });
});
