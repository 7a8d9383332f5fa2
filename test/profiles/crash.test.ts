// CR-1/CR-3 for profiles (RELIABILITY.md §5, PR-1): `profile install`, `switch-generation`,
// `rollback` and `delete-generations` are killed at every named crash point (CAIRN_CRASH_AT,
// hits 1..3 where a point repeats) and at random instants (kill -9). After each kill the profile
// points at the old or the new generation, every generation link resolves to a valid store path,
// `cairn verify --all --check-contents` is clean and the independent checker finds no violation;
// the interrupted operation, run again, gives what a crash-free run gives.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairnOk, rmTree, tmpDir } from "../helpers/cli.js";
import { checkStore, runCairn, type AsyncRunResult, type VerifyJson } from "../helpers/checker.js";
import { currentGen, makeTree } from "./helpers.js";

const INSTALL_POINTS: [string, number[]][] = [
  ["profile.env-computed", [1]],
  ["tree.claimed", [1]],
  ["tree.entry", [1, 2, 3]],
  ["tree.synced", [1]],
  ["tree.renamed", [1]],
  ["add.registering", [1]],
  ["tree.registered", [1]],
  ["profile.env-registered", [1]],
  ["profile.record-written", [1]],
  ["profile.generation-linked", [1]],
  ["profile.switch-prepared", [1]],
  ["profile.switch-renamed", [1]],
  ["profile.switched", [1]],
];
const SWITCH_POINTS = ["profile.switch-prepared", "profile.switch-renamed", "profile.switched"];
const RANDOM_INSTALL_KILLS = 36;
const RANDOM_SWITCH_KILLS = 16;

let dir: string;
let root: string;
let env: Record<string, string>;
let base: string; // store path installed in every template profile
let extra: string; // the package of generation 2 in the two-generation template
let pkgs: string[] = []; // one fresh package per crash run, so each run makes a new environment
let next = 0;
let tmpl1: string; // a profile dir with generation 1 (base)
let tmpl2: string; // a profile dir with generations 1 (base) and 2 (base + extra), current 2
let runNo = 0;
const stats = { runs: 0, killed: 0, completed: 0, verifies: 0 };

const envWith = (crashAt?: string) => ({ ...env, CAIRN_CRASH_AT: crashAt });

/** A fresh copy of a template profile directory; returns the profile link's path. */
function fromTemplate(tmpl: string): string {
  const d = path.join(dir, "runs", String(runNo++));
  fs.mkdirSync(path.dirname(d), { recursive: true });
  fs.cpSync(tmpl, d, { recursive: true, verbatimSymlinks: true });
  return path.join(d, "p");
}

async function run(args: string[], opts: { crashAt?: string; killAfterMs?: number } = {}): Promise<AsyncRunResult> {
  stats.runs++;
  const r = await runCairn(args, { env: envWith(opts.crashAt), ...(opts.killAfterMs !== undefined ? { killAfterMs: opts.killAfterMs } : {}) });
  if (r.signal === "SIGKILL") stats.killed++;
  else {
    stats.completed++;
    expect(r.status, r.stderr).toBe(0);
  }
  return r;
}

/** The profile points at one of `allowed`, and every generation link resolves to a valid path. */
async function checkProfile(profile: string, allowed: number[]): Promise<void> {
  expect(allowed).toContain(currentGen(profile));
  const d = path.dirname(profile);
  const links = fs.readdirSync(d).filter((n) => /^p-\d+-link$/.test(n));
  expect(links).toContain(`p-${currentGen(profile)}-link`);
  const targets = links.map((n) => fs.readlinkSync(path.join(d, n)));
  const r = await runCairn(["path-info", "--json", ...targets], { env });
  const infos = JSON.parse(r.out) as { path: string; valid?: boolean }[];
  for (const t of targets) expect(infos.find((i) => i.path === t && i.valid !== false), `generation link to ${t}`).toBeDefined();
  // nothing stray that could be mistaken for the profile
  for (const n of fs.readdirSync(d)) expect(n === "p" || /^p-\d+-link$/.test(n) || n.startsWith(".p")).toBe(true);
}

async function verifyStore(): Promise<void> {
  stats.verifies++;
  const v = await runCairn(["verify", "--all", "--check-contents", "--json"], { env });
  const rep = JSON.parse(v.out) as VerifyJson;
  expect(rep.problems, JSON.stringify(rep.problems)).toEqual([]);
  expect(v.status, v.stderr).toBe(0);
  const c = await checkStore({ root, verifyChecked: rep.checked });
  expect(c.violations, c.violations.join("\n")).toEqual([]);
}

const listNames = (profile: string) =>
  (JSON.parse(cairnOk(["profile", "list", "--json", "--profile", profile], { env })) as { storePaths: string[] }[]).flatMap((e) => e.storePaths);

beforeAll(() => {
  dir = tmpDir("cairn-profile-crash-");
  root = path.join(dir, "root");
  env = { CAIRN_ROOT: root };
  const trees: string[] = [];
  trees.push(makeTree(dir, "base-1.0", "base", "base"));
  trees.push(makeTree(dir, "extra-1.0", "extra", "extra"));
  const n = INSTALL_POINTS.reduce((s, [, h]) => s + h.length, 0) + RANDOM_INSTALL_KILLS + 4;
  for (let i = 0; i < n; i++) trees.push(makeTree(dir, `p${i}-1.${i}`, `p${i}`, `p${i}`));
  const paths = cairnOk(["add", ...trees], { env }).trim().split("\n");
  [base, extra] = paths as [string, string];
  pkgs = paths.slice(2);
  tmpl1 = path.join(dir, "tmpl1");
  tmpl2 = path.join(dir, "tmpl2");
  cairnOk(["profile", "install", "--profile", path.join(tmpl1, "p"), base], { env });
  cairnOk(["profile", "install", "--profile", path.join(tmpl2, "p"), base], { env });
  cairnOk(["profile", "install", "--profile", path.join(tmpl2, "p"), extra], { env });
});
afterAll(() => {
  console.log(`profile crash runs: ${JSON.stringify(stats)}`);
  rmTree(dir);
});

describe("CR-1: named crash points", () => {
  it("install: killed at each point, the profile is at generation 1 or 2; re-run completes it", async () => {
    for (const [point, hits] of INSTALL_POINTS) {
      for (const hit of hits) {
        const prof = fromTemplate(tmpl1);
        const pkg = pkgs[next++]!;
        const r = await run(["profile", "install", "--profile", prof, pkg], { crashAt: `${point}:${hit}` });
        expect(r.signal, `${point}:${hit} should be reached`).toBe("SIGKILL");
        await checkProfile(prof, [1, 2]);
        await verifyStore();
        // re-run: the same result as a crash-free install
        await run(["profile", "install", "--profile", prof, pkg]);
        expect(listNames(prof).sort()).toEqual([base, pkg].sort());
        await checkProfile(prof, [2, 3]);
      }
    }
  });

  it("switch-generation, rollback: killed at each point, the profile is at the old or new generation", async () => {
    for (const point of SWITCH_POINTS) {
      for (const args of [["profile", "switch-generation", "1"], ["profile", "rollback"]]) {
        const prof = fromTemplate(tmpl2);
        const r = await run([...args, "--profile", prof], { crashAt: `${point}:1` });
        expect(r.signal, `${args.join(" ")} ${point}`).toBe("SIGKILL");
        await checkProfile(prof, [1, 2]);
        // re-run where the switch did not land (a finished rollback would rightly refuse a second)
        if (currentGen(prof) === 2) await run([...args, "--profile", prof]);
        expect(currentGen(prof)).toBe(1);
      }
    }
    await verifyStore();
  });

  it("delete-generations: killed between unlink and fsync, the current generation is intact", async () => {
    const prof = fromTemplate(tmpl2);
    const r = await run(["profile", "delete-generations", "old", "--profile", prof], { crashAt: "profile.generation-unlinked:1" });
    expect(r.signal).toBe("SIGKILL");
    await checkProfile(prof, [2]);
    await run(["profile", "delete-generations", "old", "--profile", prof]);
    expect(fs.readdirSync(path.dirname(prof)).filter((n) => n.endsWith("-link"))).toEqual(["p-2-link"]);
  });
});

describe("CR-3: random kill -9", () => {
  it(`install killed at random instants (${RANDOM_INSTALL_KILLS} runs)`, async () => {
    // How long an install takes here, to spread kills over [0, 1.2 x that].
    const t = await run(["profile", "install", "--profile", fromTemplate(tmpl1), pkgs[next++]!]);
    const span = t.ms * 1.2;
    let rnd = 12345;
    const random = () => ((rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < RANDOM_INSTALL_KILLS; i += 2) {
      // two at once: different profiles, one store (the lanes also race on LMDB and claims)
      await Promise.all(
        [0, 1].map(async () => {
          const prof = fromTemplate(tmpl1);
          const pkg = pkgs[next++]!;
          await run(["profile", "install", "--profile", prof, pkg], { killAfterMs: random() * span });
          await checkProfile(prof, [1, 2]);
          await run(["profile", "install", "--profile", prof, pkg]);
          expect(listNames(prof).sort()).toEqual([base, pkg].sort());
        }),
      );
      if (i % 8 === 0) await verifyStore();
    }
    await verifyStore();
  }, 400_000);

  it(`switch and rollback killed at random instants (${RANDOM_SWITCH_KILLS} runs)`, async () => {
    const t = await run(["profile", "switch-generation", "1", "--profile", fromTemplate(tmpl2)]);
    const span = t.ms * 1.2;
    for (let i = 0; i < RANDOM_SWITCH_KILLS; i++) {
      const prof = fromTemplate(tmpl2);
      const args = i % 2 === 0 ? ["profile", "switch-generation", "1"] : ["profile", "rollback"];
      await run([...args, "--profile", prof], { killAfterMs: (i / RANDOM_SWITCH_KILLS) * span });
      await checkProfile(prof, [1, 2]);
    }
    await verifyStore();
  }, 200_000);
});
