// `cairn system` through the real CLI, with toplevels built in the sandbox: entries and counters on
// the ESP, sharing of kernels between generations, "reboot required", list (text and JSON), bless,
// rollback, pruning after delete-generations and gc, and refusals that change nothing.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, rmTree } from "../helpers/cli.js";
import { snapshotTree, systemsProject } from "./helpers.js";
import { Layout } from "../../store/layout.js";
import { blessSystem, systemProfileRef } from "../../profiles/system/system-profile.js";

interface ListJson {
  profile: string;
  esp?: string;
  current?: number;
  defaultGeneration?: number;
  generations: {
    generation: number;
    parent: number | null;
    current: boolean;
    default: boolean;
    label?: string;
    entry?: { file: string; state: string; status: string; triesLeft?: number; triesDone?: number; menuPosition: number };
  }[];
  orphanEntries: { file: string; generation: number }[];
}

const p = systemsProject([
  { attr: "a", kernel: "6.1", kernelSize: 300_000, label: "first" },
  { attr: "a2", kernel: "6.1", kernelSize: 300_000, params: "console=ttyS0 quiet", label: "same kernel" },
  { attr: "b", kernel: "6.2", kernelSize: 310_000, initrd: "b", params: "console=ttyS0 quiet", label: "new kernel" },
  { attr: "noKernel", kernel: "6.1", kernelSize: 300_000, omit: "kernel" },
  { attr: "noParams", kernel: "6.1", kernelSize: 300_000, omit: "kernel-params" },
]);
const env = p.env;
const esp = path.join(p.dir, "esp");
const entriesDir = path.join(esp, "loader/entries");
const profilesDir = path.join(p.root, "var/cairn/profiles");
const run = (...args: string[]) => cairn(args, { env, cwd: p.dir });
const ok = (...args: string[]) => {
  const r = run(...args);
  expect(r.status, `cairn ${args.join(" ")}: ${r.stderr}`).toBe(0);
  return r;
};
const list = (): ListJson => JSON.parse(ok("system", "list", "--json").out) as ListJson;
const entries = () => fs.readdirSync(entriesDir).sort();
const blobs = () => fs.readdirSync(path.join(esp, "cairn")).sort();
const field = (file: string, key: string) =>
  fs
    .readFileSync(path.join(entriesDir, file), "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${key} `))
    ?.slice(key.length + 1);
/** As systemd-boot would, after `n` failed tries of the entry of generation `gen`. */
const tryEntry = (gen: number, n: number) => {
  const f = entries().find((e) => e.startsWith(`cairn-${gen}+`))!;
  const left = Number(/\+(\d+)/.exec(f)![1]) - n;
  const done = Number(/-(\d+)\.conf$/.exec(f)?.[1] ?? 0) + n;
  fs.renameSync(path.join(entriesDir, f), path.join(entriesDir, `cairn-${gen}+${left}-${done}.conf`));
};

beforeAll(() => fs.mkdirSync(esp));
afterAll(() => rmTree(p.dir));

describe("refusals that change nothing", () => {
  it("switch without --esp and with nothing remembered", () => {
    const r = run("system", "switch", p.file, "-A", "a");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^cairn: system switch: no ESP: give --esp DIR/);
    expect(fs.existsSync(path.join(profilesDir, "system"))).toBe(false);
  });

  it("an ESP that does not exist", () => {
    const r = run("system", "switch", p.file, "-A", "a", "--esp", path.join(p.dir, "nope"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/the ESP '.*\/nope' does not exist/);
  });

  it("a toplevel without a kernel, or without kernel-params, names the file", () => {
    let r = run("system", "switch", p.file, "-A", "noKernel", "--esp", esp);
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/is not a system toplevel: kernel is missing/);
    r = run("system", "build", p.file, "-A", "noParams");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is not a system toplevel: kernel-params is missing/);
    expect(fs.existsSync(path.join(profilesDir, "system"))).toBe(false);
    expect(snapshotTree(esp)).toEqual([]);
  });

  it("-A that selects several derivations", () => {
    const r = run("system", "switch", p.file, "--esp", esp);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/selects \d+ derivations .*a system needs exactly one: choose with -A/);
  });

  it("profile install into the system profile", () => {
    const r = run("profile", "install", "--profile", "system", p.file, "-A", "a");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/is the system profile: change it with 'cairn system switch'/);
  });

  it("bless and rollback with no generations", () => {
    expect(run("system", "rollback", "--esp", esp).stderr).toMatch(/does not exist/);
    expect(run("system", "bless", "--esp", esp, "--generation", "1").stderr).toMatch(/no boot entry for generation 1/);
  });
});

describe("switch, list, bless, rollback", () => {
  it("build links ./result and changes nothing else", () => {
    const r = ok("system", "build", p.file, "-A", "a");
    expect(fs.readlinkSync(path.join(p.dir, "result"))).toBe(r.out.trim());
    expect(fs.existsSync(path.join(profilesDir, "system"))).toBe(false);
  });

  it("the first switch writes kernel, initrd, a counted entry and loader.conf, and shows the closure first", () => {
    const r = ok("system", "switch", p.file, "-A", "a", "--esp", esp);
    expect(r.out).toMatch(/^<<< \(no system generation yet\)\n>>> new: .*-system-a\n/);
    expect(r.out).toMatch(/^linux: ∅ → 6\.1, \+293\.\d KiB$/m);
    expect(r.stderr).toMatch(/reboot required: kernel changed/);
    expect(r.stderr).toMatch(/copying kernel of generation 1 \(0\.3 MiB\)/);
    expect(entries()).toEqual(["cairn-1+3.conf"]);
    expect(blobs().map((b) => b.slice(33))).toEqual(expect.arrayContaining(["linux", "initrd"]));
    expect(field("cairn-1+3.conf", "options")).toMatch(/^console=ttyS0 init=\/.*-init cairn\.gen=1$/);
    expect(field("cairn-1+3.conf", "linux")).toBe(`/cairn/${blobs().find((b) => b.endsWith("-linux"))}`);
    expect(fs.readFileSync(path.join(esp, "loader/loader.conf"), "utf8")).toMatch(/^default cairn-\*$/m);
    // The ESP is remembered for commands without --esp.
    expect(fs.readFileSync(path.join(p.root, "var/cairn/system/esp"), "utf8").trim()).toBe(esp);
  });

  it("a second generation with the same kernel shares its file; no reboot for the kernel", () => {
    const before = blobs();
    const r = ok("system", "switch", p.file, "-A", "a2", "--esp", esp);
    expect(r.stderr).not.toMatch(/kernel changed/);
    expect(r.stderr).toMatch(/reboot required: kernel-params changed \(kernel unchanged\)/);
    expect(r.stderr).not.toMatch(/copying/);
    expect(blobs()).toEqual(before);
    expect(entries()).toEqual(["cairn-1+3.conf", "cairn-2+3.conf"]);
    expect(field("cairn-1+3.conf", "linux")).toBe(field("cairn-2+3.conf", "linux"));
    expect(field("cairn-2+3.conf", "sort-key")).toBe("cairn-a-current");
    expect(field("cairn-1+3.conf", "sort-key")).toBe("cairn-c-untested");
  });

  it("the same toplevel again makes no generation", () => {
    const r = ok("system", "switch", p.file, "-A", "a2");
    expect(r.stderr).toMatch(/system unchanged: .* is generation 2 already/);
    expect(list().generations.map((g) => g.generation)).toEqual([1, 2]);
  });

  it("a changed kernel: reboot required, a new kernel file", () => {
    const r = ok("system", "switch", p.file, "-A", "b");
    expect(r.stderr).toMatch(/^reboot required: kernel changed \(also initrd\)$/m);
    expect(r.out).toMatch(/^<<< generation 2: .*-system-a2\n>>> new: .*-system-b$/m);
    expect(r.out).toMatch(/^linux: 6\.1 → 6\.2, \+9\.8 KiB$/m);
    expect(blobs()).toHaveLength(4);
    expect(entries()).toEqual(["cairn-1+3.conf", "cairn-2+3.conf", "cairn-3+3.conf"]);
  });

  it("list: text and JSON, with the current and default generations and each entry's tries", () => {
    tryEntry(3, 1); // systemd-boot started generation 3 once
    let l = list();
    expect(l.current).toBe(3);
    expect(l.defaultGeneration).toBe(3);
    expect(l.esp).toBe(esp);
    expect(l.generations.map((g) => [g.generation, g.parent, g.current, g.default, g.entry?.status, g.entry?.menuPosition])).toEqual([
      [1, null, false, false, "3 tries left", 3],
      [2, 1, false, false, "3 tries left", 2],
      [3, 2, true, true, "2 tries left", 1],
    ]);
    expect(l.generations[2]!.entry).toMatchObject({ file: "cairn-3+2-1.conf", state: "counting", triesLeft: 2, triesDone: 1 });
    expect(l.generations[2]!.label).toBe("new kernel");
    const text = ok("system", "list").out.split("\n");
    expect(text[0]).toMatch(/^Generation +Created +Flags +Boot +Entry +Label$/);
    expect(text[3]).toMatch(/^3 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +current,default +2 tries left +cairn-3\+2-1\.conf +new kernel$/);

    // Generation 3 runs out of tries: systemd-boot would boot the newest other one.
    tryEntry(3, 2);
    l = list();
    expect(l.generations[2]!.entry).toMatchObject({ state: "bad", status: "bad (3 tries used)", menuPosition: 3 });
    expect(l.defaultGeneration).toBe(2);
    expect(ok("system", "list").out).toMatch(/^3 .* current +bad \(3 tries used\) +cairn-3\+0-3\.conf/m);
  });

  it("bless: the counter goes, the entry becomes good and outranks untested ones", () => {
    tryEntry(1, 1);
    const r = JSON.parse(ok("system", "bless", "--generation", "1", "--json").out) as { generation: number; from: string; to: string; source: string };
    expect(r).toMatchObject({ generation: 1, from: "cairn-1+2-1.conf", to: "cairn-1.conf", source: "option" });
    expect(entries()).toEqual(["cairn-1.conf", "cairn-2+3.conf", "cairn-3+0-3.conf"]);
    expect(field("cairn-1.conf", "sort-key")).toBe("cairn-b-good");
    expect(field("cairn-2+3.conf", "sort-key")).toBe("cairn-c-untested");
    // The fallback from a bad current generation is now the good one, not the newer untested one.
    expect(list().defaultGeneration).toBe(1);
    expect(ok("system", "bless", "--generation", "1").stderr).toMatch(/generation 1 is good already/);
    // From inside a booted system: the kernel command line names the running generation.
    tryEntry(2, 1);
    const layout = new Layout(p.root);
    const pc = { layout, ref: systemProfileRef(layout), now: () => 0, log: () => {} };
    return blessSystem(pc, { esp, cmdline: "initrd=\\cairn\\x-initrd console=ttyS0 init=/x cairn.gen=2\n" }).then((b) => {
      expect(b).toMatchObject({ generation: 2, source: "cmdline", from: "cairn-2+2-1.conf", to: "cairn-2.conf", already: false });
      expect(entries()).toEqual(["cairn-1.conf", "cairn-2.conf", "cairn-3+0-3.conf"]);
      expect(list().defaultGeneration).toBe(2); // the newest good one
    });
    expect(run("system", "bless", "--generation", "9").stderr).toMatch(/no boot entry for generation 9/);
  });

  it("rollback: the parent becomes current and sorts first; the newer entries stay, with their counters", () => {
    const r = ok("system", "rollback");
    expect(r.stderr).toMatch(/switching system from generation 3 to 2/);
    expect(entries()).toEqual(["cairn-1.conf", "cairn-2.conf", "cairn-3+0-3.conf"]);
    expect(field("cairn-2.conf", "sort-key")).toBe("cairn-a-current");
    expect(field("cairn-3+0-3.conf", "sort-key")).toBe("cairn-c-untested");
    const l = list();
    expect([l.current, l.defaultGeneration]).toEqual([2, 2]);
    expect(ok("system", "rollback").stderr).toMatch(/from generation 2 to 1/);
    expect(list().defaultGeneration).toBe(1);
  });

  it("rollback from the first generation is refused and changes nothing", () => {
    const snap = snapshotTree(esp);
    const prof = fs.readlinkSync(path.join(profilesDir, "system"));
    const r = run("system", "rollback");
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/generation 1 is the first one of .*: there is nothing to roll back to/);
    expect(snapshotTree(esp)).toEqual(snap);
    expect(fs.readlinkSync(path.join(profilesDir, "system"))).toBe(prof);
  });
});

describe("pruning", () => {
  it("profile delete-generations --profile system removes their entries and the files only they named", () => {
    ok("profile", "switch-generation", "--profile", "system", "3");
    expect(list().generations.find((g) => g.current)!.generation).toBe(3);
    expect(field("cairn-3+0-3.conf", "sort-key")).toBe("cairn-a-current"); // the ESP followed the switch
    const r = ok("profile", "delete-generations", "--profile", "system", "1", "2");
    expect(r.stderr).toMatch(/removing entry of deleted generation 1/);
    expect(entries()).toEqual(["cairn-3+0-3.conf"]);
    expect(blobs().filter((b) => b.endsWith("-linux"))).toHaveLength(1); // kernel a went with 1 and 2
    expect(field("cairn-3+0-3.conf", "linux")).toBe(`/cairn/${blobs().find((b) => b.endsWith("-linux"))}`);
    expect(list().orphanEntries).toEqual([]);
  });

  it("gc --delete-older-than removes old generations' entries too", () => {
    ok("system", "switch", p.file, "-A", "a");
    ok("system", "switch", p.file, "-A", "a2");
    expect(entries()).toEqual(["cairn-3+0-3.conf", "cairn-4+3.conf", "cairn-5+3.conf"]);
    // Generations 3 and 4 are 40 days old (gc reads the links' mtimes, as Nix).
    const old = Date.now() / 1000 - 40 * 86400;
    for (const n of [3, 4]) fs.lutimesSync(path.join(profilesDir, `system-${n}-link`), old, old);
    const r = ok("gc", "--delete-older-than", "30d");
    expect(r.stderr).toMatch(/removing generation 3 of profile/);
    expect(entries()).toEqual(["cairn-4+3.conf", "cairn-5+3.conf"]); // 4 was the live one at the cutoff: kept, as Nix
    expect(blobs().filter((b) => b.endsWith("-linux"))).toHaveLength(1); // kernel b is gone
    const v = cairn(["verify", "--all"], { env });
    expect(v.status, v.stderr).toBe(0);
  });

  it("an entry of a generation deleted behind cairn's back is listed as an orphan and pruned by the next command", () => {
    fs.rmSync(path.join(profilesDir, "system-4-link"));
    expect(list().orphanEntries).toEqual([{ file: "cairn-4+3.conf", generation: 4 }]);
    expect(ok("system", "list").out).toMatch(/entry cairn-4\+3\.conf names deleted generation 4/);
    ok("system", "switch", p.file, "-A", "a2"); // unchanged: no generation, but the ESP is synced
    expect(entries()).toEqual(["cairn-5+3.conf"]);
  });
});
