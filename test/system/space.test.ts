// The ESP space check on a real small file system: a 1 MiB tmpfs mounted as the ESP (the test runs
// as root in CI; vfat may not be mountable in a container, tmpfs is). Where mounting is impossible
// (not root) the same checks run with CAIRN_TEST_ESP_FREE standing in for statfs.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cairn, rmTree } from "../helpers/cli.js";
import { snapshotTree, systemsProject } from "./helpers.js";

const SIZE = 1024 * 1024;
const p = systemsProject([
  { attr: "small", kernel: "6.1", kernelSize: 300_000 },
  { attr: "big", kernel: "6.9", kernelSize: 800_000 },
  { attr: "medium", kernel: "6.2", kernelSize: 400_000 },
]);
const esp = path.join(p.dir, "esp");
let mounted = false;
let env: Record<string, string> = p.env;

beforeAll(() => {
  fs.mkdirSync(esp);
  mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${SIZE},mode=0755`, "tmpfs", esp]).status === 0;
  // Without a mount: pretend statfs says the ESP has SIZE bytes, less what is written.
  if (!mounted) console.log("space test: cannot mount a tmpfs here (not root?): using CAIRN_TEST_ESP_FREE instead of statfs");
});
afterAll(() => {
  if (mounted) spawnSync("umount", [esp]);
  rmTree(p.dir);
});

/** Bytes the ESP's files and directories take in 4 KiB blocks (for the override). */
function used(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const q = path.join(dir, e.name);
    n += e.isDirectory() ? 4096 + used(q) : Math.ceil(fs.statSync(q).size / 4096) * 4096;
  }
  return n;
}

const run = (...args: string[]) => {
  if (!mounted) env = { ...p.env, CAIRN_TEST_ESP_FREE: String(SIZE - used(esp)) };
  return cairn(args, { env, cwd: p.dir });
};

describe("the ESP space check", () => {
  it("a system that fits is written", () => {
    const r = run("system", "switch", p.file, "-A", "small", "--esp", esp);
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(esp, "loader/entries"))).toEqual(["cairn-1+3.conf"]);
  });

  it("a kernel that does not fit beside the old one is refused before anything is written, naming the ESP and both sizes", () => {
    const before = snapshotTree(esp);
    const profile = path.join(p.root, "var/cairn/profiles");
    const links = fs.readdirSync(profile).sort();
    const r = run("system", "switch", p.file, "-A", "big");
    expect(r.status).toBe(1);
    const m = /^cairn: system switch: not enough space on the ESP '(.*)': (\d+) bytes needed, (\d+) bytes free; nothing was written/m.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(m![1]).toBe(esp);
    const [needed, free] = [Number(m![2]), Number(m![3])];
    expect(needed).toBeGreaterThan(800_000); // the new kernel, its initrd and entry, in whole blocks
    expect(needed).toBeLessThan(900_000);
    expect(free).toBeLessThan(needed);
    expect(free).toBeGreaterThan(SIZE - 400_000); // what the first system left
    // Nothing changed: no generation, no file on the ESP, no temp file.
    expect(snapshotTree(esp)).toEqual(before);
    expect(fs.readdirSync(profile).sort()).toEqual(links);
  });

  it("a smaller new kernel that fits beside the old one is written", () => {
    const r = run("system", "switch", p.file, "-A", "medium");
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(esp, "loader/entries")).sort()).toEqual(["cairn-1+3.conf", "cairn-2+3.conf"]);
    expect(fs.readdirSync(path.join(esp, "cairn")).filter((f) => f.endsWith("-linux"))).toHaveLength(2);
  });

  it("deleting the old generation prunes its kernel; the big one still does not fit beside the current one", () => {
    let r = run("profile", "delete-generations", "--profile", "system", "1");
    expect(r.status, r.stderr).toBe(0);
    expect(fs.readdirSync(path.join(esp, "cairn")).filter((f) => f.endsWith("-linux"))).toHaveLength(1);
    r = run("system", "switch", p.file, "-A", "big");
    // 400 KB (medium) + 800 KB (big) > 1 MiB: still refused, the new files come before any pruning.
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/not enough space on the ESP/);
    r = run("profile", "switch-generation", "--profile", "system", "2");
    expect(r.status, r.stderr).toBe(0);
  });
});
