// `cairn gc` end to end: what roots keep, what the options do, explanations, orphans, and
// `cairn why-depends`. Real processes, real LMDB, real files.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { addTexts, addTree, assertConsistent, envOf, isValid, ok, run, scratchPerTest, spawnClient } from "./helpers.js";
import { runCairn } from "../helpers/checker.js";
import { lockProfile } from "../../profiles/lock.js";

const dirs = scratchPerTest("cairn-gc-sem-");

interface GcJson {
  deleted: string[];
  orphans: string[];
  bytesFreed: number;
  generationsRemoved: { profile: string; number: number }[];
}
const gcJson = (args: string[] = []) => JSON.parse(ok(dirs.root, ["gc", "--json", ...args])) as GcJson;
const sizeOf = (p: string) => (JSON.parse(ok(dirs.root, ["path-info", "--json", p])) as { narSize: number }[])[0]!.narSize;

function link(target: string, at: string): void {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at);
}

describe("cairn gc", () => {
  it("./result (an indirect root) keeps its closure until the link is removed", async () => {
    const [c, b, a] = await addTexts(dirs.root, dirs.scratch, [
      { name: "c", text: "c" },
      { name: "b", text: "b", refs: [0] },
      { name: "a", text: "a", refs: [1] },
    ]);
    const dead = addTree(dirs.root, dirs.scratch, "dead", "dead");
    const result = path.join(dirs.scratch, "result");
    link(a!, result);
    link(result, path.join(dirs.root, "var/cairn/gcroots/auto/abc"));
    expect(gcJson().deleted).toEqual([dead]);
    expect([a, b, c].every((p) => isValid(dirs.root, p!))).toBe(true);
    fs.unlinkSync(result);
    // Referrers first: a, then b, then c.
    expect(gcJson().deleted).toEqual([a, b, c]);
    expect(fs.existsSync(path.join(dirs.root, "var/cairn/gcroots/auto/abc"))).toBe(false);
    await assertConsistent(dirs.root);
  });

  it("deleting a profile generation frees exactly the part of its closure no other generation uses", async () => {
    const [shared, only1, g1, only2, g2] = await addTexts(dirs.root, dirs.scratch, [
      { name: "shared", text: "shared" },
      { name: "only1", text: "only1" },
      { name: "gen1", text: "g1", refs: [0, 1] },
      { name: "only2", text: "only2" },
      { name: "gen2", text: "g2", refs: [0, 3] },
    ]);
    const profiles = path.join(dirs.root, "var/cairn/profiles");
    link(g1!, path.join(profiles, "default-1-link"));
    link(g2!, path.join(profiles, "default-2-link"));
    link("default-2-link", path.join(profiles, "default"));
    expect(gcJson().deleted).toEqual([]);
    fs.unlinkSync(path.join(profiles, "default-1-link"));
    expect(gcJson().deleted.sort()).toEqual([g1!, only1!].sort());
    expect([shared, only2, g2].every((p) => isValid(dirs.root, p!))).toBe(true);
    await assertConsistent(dirs.root);
  });

  it("--dry-run prints what gc would delete and deletes nothing; --print-* list roots, live and dead", async () => {
    const [x, y] = await addTexts(dirs.root, dirs.scratch, [{ name: "x", text: "x" }, { name: "y", text: "y", refs: [0] }]);
    const kept = addTree(dirs.root, dirs.scratch, "kept", "kept");
    link(kept, path.join(dirs.root, "var/cairn/gcroots/kept"));
    const plain = ok(dirs.root, ["gc", "--dry-run"]);
    expect(plain).toBe("2 paths would be deleted, 0.00 MiB would be freed\n");
    const r = run(dirs.root, ["gc", "--dry-run"]);
    expect(r.stderr).toContain(`would delete '${y}'`);
    const dry = gcJson(["--dry-run"]);
    expect(dry.deleted).toEqual([y, x]);
    expect(isValid(dirs.root, x!) && isValid(dirs.root, y!)).toBe(true);
    expect(ok(dirs.root, ["gc", "--print-roots"])).toBe(`${path.join(dirs.root, "var/cairn/gcroots/kept")} -> ${kept}\n`);
    expect(ok(dirs.root, ["gc", "--print-live"])).toBe(`${kept}\n`);
    expect(ok(dirs.root, ["gc", "--print-dead"])).toBe([x, y].sort().map((p) => p + "\n").join(""));
    const real = gcJson();
    expect(real.deleted).toEqual(dry.deleted);
    expect(real.bytesFreed).toBe(dry.bytesFreed);
    expect(ok(dirs.root, ["gc"])).toBe("0 paths deleted, 0.00 MiB freed\n");
  });

  it("--max-freed stops once the limit is reached", async () => {
    const specs = Array.from({ length: 10 }, (_, i) => ({ name: `m${i}`, text: "m".repeat(1000) + String(i) }));
    const paths = await addTexts(dirs.root, dirs.scratch, specs);
    const sizes = new Map(paths.map((p) => [p, sizeOf(p)]));
    const limit = sizes.get(paths[0]!)! * 3 + 1;
    const r = gcJson(["--max-freed", String(limit)]);
    expect(r.deleted.length).toBe(4); // 3 are just under the limit, the 4th crosses it
    expect(r.bytesFreed).toBeGreaterThanOrEqual(limit);
    expect(r.bytesFreed - sizes.get(r.deleted[3]!)!).toBeLessThan(limit);
    expect(paths.filter((p) => isValid(dirs.root, p)).length).toBe(6);
    expect(run(dirs.root, ["gc", "--max-freed", "lots"]).stderr).toMatch(/^cairn: gc: --max-freed 'lots'.*\n$/);
  });

  it("--explain shows the chain from a root, the roots that keep a path, or that it is dead", async () => {
    const [c, b, a, d] = await addTexts(dirs.root, dirs.scratch, [
      { name: "c", text: "c" },
      { name: "b", text: "b", refs: [0] },
      { name: "a", text: "a", refs: [1] },
      { name: "d", text: "d" },
    ]);
    const rootLink = path.join(dirs.root, "var/cairn/gcroots/app");
    link(a!, rootLink);
    const e = JSON.parse(ok(dirs.root, ["gc", "--explain", c!, "--json"])) as { alive: boolean; chain: string[]; keptBy: { link: string }[] };
    expect(e.alive).toBe(true);
    expect(e.chain).toEqual([a, b, c]);
    expect(e.keptBy.map((k) => k.link)).toEqual([rootLink]);
    const text = ok(dirs.root, ["gc", "--explain", c!]);
    expect(text).toContain(`${rootLink} (direct root)\n  -> ${a}\n  -> ${b}\n  -> ${c}\n`);
    expect(ok(dirs.root, ["gc", "--explain", d!])).toMatch(/is dead: no root reaches it; cairn gc would delete it/);
    // A link to a store path is accepted as PATH.
    expect(ok(dirs.root, ["gc", "--explain", rootLink])).toContain("is alive");
  });

  it("--delete-older-than removes old generations (never the current one) before collecting", async () => {
    const gens = await addTexts(dirs.root, dirs.scratch, [1, 2, 3, 4].map((n) => ({ name: `gen${n}`, text: `generation ${n}` })));
    const profiles = path.join(dirs.root, "var/cairn/profiles");
    const now = Date.now() / 1000;
    const ages = [40, 35, 20, 0]; // days
    gens.forEach((g, i) => {
      const l = path.join(profiles, `default-${i + 1}-link`);
      link(g, l);
      fs.lutimesSync(l, now - ages[i]! * 86400, now - ages[i]! * 86400);
    });
    link("default-4-link", path.join(profiles, "default"));
    const r = gcJson(["--delete-older-than", "30d"]);
    // As Nix: generation 2 was the current one 30 days ago, so it stays.
    expect(r.generationsRemoved).toEqual([{ profile: path.join(profiles, "default"), number: 1 }]);
    expect(r.deleted).toEqual([gens[0]]);
    expect(fs.readdirSync(profiles).sort()).toEqual(["default", "default-2-link", "default-3-link", "default-4-link"]);
    // The current generation survives even when it is the oldest.
    fs.rmSync(path.join(profiles, "default"));
    link("default-2-link", path.join(profiles, "default"));
    const r2 = gcJson(["--delete-older-than", "1d"]);
    expect(r2.generationsRemoved.map((g) => g.number)).toEqual([]);
    expect(run(dirs.root, ["gc", "--delete-older-than", "30"]).stderr).toMatch(/^cairn: gc: --delete-older-than '30'.*\n$/);
    await assertConsistent(dirs.root);
  });

  it("--delete-older-than deletes a profile's generations under its lock (a concurrent switch is not raced)", async () => {
    const gens = await addTexts(dirs.root, dirs.scratch, [1, 2, 3].map((n) => ({ name: `lk${n}`, text: `locked generation ${n}` })));
    const profiles = path.join(dirs.root, "var/cairn/profiles");
    const now = Date.now() / 1000;
    gens.forEach((g, i) => {
      const l = path.join(profiles, `default-${i + 1}-link`);
      link(g, l);
      fs.lutimesSync(l, now - (50 - i * 10) * 86400, now - (50 - i * 10) * 86400);
    });
    link("default-3-link", path.join(profiles, "default"));
    // This process holds the lock a profile command would hold while switching.
    const lock = await lockProfile(path.join(profiles, "default"));
    let done = false;
    const gc = runCairn(["gc", "--delete-older-than", "1d"], { env: envOf(dirs.root) }).finally(() => (done = true));
    await new Promise((r) => setTimeout(r, 1500));
    expect(done, "gc went on while the profile was locked").toBe(false);
    expect(fs.existsSync(path.join(profiles, "default-1-link"))).toBe(true);
    lock.release();
    const r = await gc;
    expect(r.status, r.stderr).toBe(0);
    // All three are older than a day; the newest of them (also the current one) stays.
    expect(fs.readdirSync(profiles).sort()).toEqual(["default", "default-3-link"]);
  });

  it("collects orphans: unregistered entries, dead owners' temp dirs and build dirs, not live ones", async () => {
    addTree(dirs.root, dirs.scratch, "init", "x");
    const store = path.join(dirs.root, "store");
    const orphan = path.join(store, "00000000000000000000000000000000-orphan");
    fs.mkdirSync(path.join(orphan, "d"), { recursive: true });
    fs.writeFileSync(path.join(orphan, "d", "f"), "left by a crash");
    fs.symlinkSync("/etc/passwd", path.join(orphan, "escape")); // never followed
    const stat = fs.readFileSync(`/proc/${process.pid}/stat`, "latin1");
    const start = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]);
    const deadTmp = path.join(store, `.tmp-${process.pid}-${start + 1}-abcdef`);
    const liveTmp = path.join(store, `.tmp-${process.pid}-${start}-abcdef`);
    fs.mkdirSync(deadTmp);
    fs.mkdirSync(liveTmp);
    const builds = path.join(dirs.root, "var/cairn/builds");
    fs.mkdirSync(path.join(builds, `${process.pid}-${start + 1}-hello`), { recursive: true });
    fs.mkdirSync(path.join(builds, `${process.pid}-${start}-world`), { recursive: true });
    fs.mkdirSync(path.join(builds, "untagged"), { recursive: true });
    // An unregistered entry claimed by a live process (an add between rename and register) stays.
    const claimedName = "22222222222222222222222222222222-claimed";
    fs.writeFileSync(path.join(store, claimedName), "being added");
    const claimer = spawnClient(
      dirs.root,
      dirs.scratch,
      `store.db.write(() => { store.db.claims.put(${JSON.stringify(claimedName)}, { pid: ${process.pid}, start: ${start} }); });`,
      { T_WAIT: "0" },
    );
    expect((await claimer.done).status).toBe(0);
    const r = gcJson();
    expect(fs.existsSync(path.join(store, claimedName))).toBe(true);
    expect(r.orphans).toEqual(
      expect.arrayContaining([path.basename(orphan), path.basename(deadTmp), path.join(builds, `${process.pid}-${start + 1}-hello`)]),
    );
    expect(fs.existsSync(orphan) || fs.existsSync(deadTmp)).toBe(false);
    expect(fs.existsSync(liveTmp)).toBe(true);
    expect(fs.readdirSync(builds).sort()).toEqual([`${process.pid}-${start}-world`, "untagged"]);
    expect(fs.existsSync("/etc/passwd")).toBe(true);
    fs.rmdirSync(liveTmp);
    // Once the claim is gone (its owner finished or died), the entry is garbage.
    const release = spawnClient(dirs.root, dirs.scratch, `store.db.write(() => { store.db.claims.remove(${JSON.stringify(claimedName)}); });`, {
      T_WAIT: "0",
    });
    expect((await release.done).status).toBe(0);
    expect(gcJson().orphans).toEqual([claimedName]);
    await assertConsistent(dirs.root);
  });
});

describe("cairn why-depends", () => {
  it("prints the shortest chain, and with --precise where each reference is", async () => {
    const [c, b, a] = await addTexts(dirs.root, dirs.scratch, [
      { name: "c", text: "c" },
      { name: "b", text: "b", refs: [0] },
      { name: "a", text: "a", refs: [1, 0] },
    ]);
    expect(ok(dirs.root, ["why-depends", a!, c!])).toBe(`${a}\n└───${c}\n`);
    expect(ok(dirs.root, ["why-depends", b!, c!])).toBe(`${b}\n└───${c}\n`);
    const precise = ok(dirs.root, ["why-depends", "--precise", a!, c!]);
    expect(precise).toContain(`└───(the path itself): `);
    expect(precise).toContain(path.basename(c!).slice(0, 32));
    expect(precise).toContain(`    → ${c}`);
    const steps = JSON.parse(ok(dirs.root, ["why-depends", "--json", "--precise", a!, c!])) as { path: string; hits?: { file: string; context: string }[] }[];
    expect(steps.map((s) => s.path)).toEqual([a, c]);
    expect(steps[1]!.hits![0]!.context).toContain(path.basename(c!));
    const no = run(dirs.root, ["why-depends", c!, a!]);
    expect(no.status).toBe(1);
    expect(no.stderr).toBe(`cairn: why-depends: '${c}' does not depend on '${a}'\n`);
  });
});
