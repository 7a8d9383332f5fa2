// End to end in QEMU: the example systems (examples/system/) booted by systemd-boot from an ESP that
// `cairn system` wrote. Generation 1 boots and is blessed; generation 2's init panics, systemd-boot
// tries it three times (its counter runs out) and then boots generation 1 by itself; after
// `cairn system rollback` the next boot goes straight to generation 1, even past a newer, untried
// generation 3. The serial console is the judge; its log is printed when a step fails.
// Needs qemu-system-x86, ovmf, systemd-boot-efi, mtools, dosfstools and apt (the kernel .deb):
// skipped without them unless CAIRN_REQUIRE_QEMU=1 (CI), which turns their absence into a failure.
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, cairn, rmTree, tmpDir } from "../helpers/cli.js";
import { bootVm, copyEntriesBack, killAllVms, makeEspImage, missingVmTools, OVMF_VARS, type VmRun } from "./vm.js";

const REQUIRE = process.env.CAIRN_REQUIRE_QEMU === "1";
const missing = missingVmTools();

interface ListJson {
  current?: number;
  defaultGeneration?: number;
  generations: { generation: number; current: boolean; default: boolean; entry?: { file: string; state: string; triesLeft?: number } }[];
}

describe("cairn system in QEMU: boot counting and fallback (TCG)", () => {
  const dir = tmpDir("cairn-vm-");
  const esp = path.join(dir, "esp");
  const image = path.join(dir, "esp.img");
  const vars = path.join(dir, "OVMF_VARS.fd");
  const env = { CAIRN_ROOT: path.join(dir, "root"), XDG_CACHE_HOME: path.join(dir, "cache") };
  const recipe = path.join(REPO, "examples/system/system.ts");
  const timings: Record<string, number> = {};
  afterAll(() => {
    killAllVms();
    rmTree(dir);
    if (Object.keys(timings).length > 0) console.log(`vm test timings (ms): ${JSON.stringify(timings)}`);
  });

  const ok = (args: string[]) => {
    const r = cairn(args, { env });
    expect(r.status, `cairn ${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r;
  };
  const list = (): ListJson => JSON.parse(ok(["system", "list", "--json", "--esp", esp]).out) as ListJson;
  /** Run a VM; on a failed expectation print its console log. */
  const boot = async (name: string, check: (r: VmRun) => void, opts: { deadlineMs: number }) => {
    makeEspImage(esp, image);
    const r = await bootVm({ image, vars, workDir: dir, deadlineMs: opts.deadlineMs });
    timings[name] = r.ms;
    try {
      check(r);
    } catch (e) {
      console.log(`---- console of '${name}' (${r.ms} ms, boots ${JSON.stringify(r.boots)}) ----\n${r.log}\n---- end of console ----`);
      throw e;
    }
    return r;
  };

  it("the VM tools are here (CAIRN_REQUIRE_QEMU=1 makes their absence a failure)", (ctx) => {
    if (missing.length > 0) {
      if (REQUIRE) throw new Error(`CAIRN_REQUIRE_QEMU=1 but missing: ${missing.join(", ")} (apt-get install qemu-system-x86 ovmf systemd-boot-efi mtools dosfstools)`);
      ctx.skip(`needs ${missing.join(", ")} (apt-get install qemu-system-x86 ovmf systemd-boot-efi mtools dosfstools)`);
    }
    expect(missing).toEqual([]);
  });

  it.skipIf(missing.length > 0 && !REQUIRE)(
    "gen 1 boots and is blessed; gen 2 panics three times, then gen 1 boots by itself; rollback boots gen 1 first",
    async () => {
      const t0 = Date.now();
      fs.mkdirSync(esp);
      fs.copyFileSync(OVMF_VARS, vars);
      for (const s of ["examples/bootstrap/prepare.sh", "examples/system/prepare-kernel.sh"]) {
        const p = spawnSync("bash", [path.join(REPO, s)], { encoding: "utf8" });
        expect(p.status, `${s}: ${p.stderr}`).toBe(0);
      }
      timings.prepare = Date.now() - t0;

      // Generation 1: builds the kernel (from the pinned .deb), the initrd and the toplevel.
      let t = Date.now();
      ok(["system", "switch", recipe, "-A", "good", "--esp", esp]);
      timings["switch gen1 (with builds)"] = Date.now() - t;
      expect(fs.readdirSync(path.join(esp, "loader/entries"))).toEqual(["cairn-1+3.conf"]);

      await boot(
        "boot gen1",
        (r) => {
          expect(r.boots).toEqual([1]);
          expect(r.events.filter((e) => e.kind === "ok").map((e) => e.generation)).toEqual([1]);
          expect(r.exitedByItself).toBe(true); // poweroff -f
        },
        { deadlineMs: 120_000 },
      );
      // systemd-boot counted the try in the image; the test brings that back, then blesses.
      expect(copyEntriesBack(image, esp)).toEqual(["cairn-1+2-1.conf"]);
      const blessed = JSON.parse(ok(["system", "bless", "--esp", esp, "--json"]).out) as { generation: number; source: string; to: string };
      expect(blessed).toMatchObject({ generation: 1, source: "current", to: "cairn-1.conf" });
      expect(fs.readdirSync(path.join(esp, "loader/entries"))).toEqual(["cairn-1.conf"]);

      // Generation 2: its init exits, so the kernel panics and (panic=1) the machine resets.
      t = Date.now();
      const sw = ok(["system", "switch", recipe, "-A", "bad", "--esp", esp]);
      timings["switch gen2"] = Date.now() - t;
      expect(sw.stderr).not.toMatch(/reboot required: kernel changed/); // same kernel, other initrd
      expect(sw.stderr).toMatch(/reboot required: initrd, init changed \(kernel unchanged\)/);
      expect(fs.readdirSync(path.join(esp, "loader/entries")).sort()).toEqual(["cairn-1.conf", "cairn-2+3.conf"]);
      expect(fs.readdirSync(path.join(esp, "cairn"))).toHaveLength(3); // one kernel, two initrds

      await boot(
        "gen2 x3 then fallback to gen1",
        (r) => {
          // Three attempts of generation 2, each ending in the panic, then generation 1 by itself.
          expect(r.boots).toEqual([2, 2, 2, 1]);
          expect(r.events.filter((e) => e.kind === "bad").map((e) => e.generation)).toEqual([2, 2, 2]);
          expect(r.events.filter((e) => e.kind === "panic")).toHaveLength(3);
          expect(r.events.filter((e) => e.kind === "ok").map((e) => e.generation)).toEqual([1]);
          expect(r.watchdogResets).toBe(0);
          expect(r.exitedByItself).toBe(true);
        },
        { deadlineMs: 240_000 },
      );
      expect(copyEntriesBack(image, esp)).toEqual(["cairn-1.conf", "cairn-2+0-3.conf"]);
      let l = list();
      expect(l.current).toBe(2);
      expect(l.defaultGeneration).toBe(1);
      expect(l.generations.find((g) => g.generation === 2)!.entry).toMatchObject({ state: "bad", triesLeft: 0 });

      // Rollback to 1; then a newer, untried generation 3 and a rollback from it: systemd-boot
      // would pick generation 3 (+3, newest) unless the rollback's sort key puts 1 first.
      ok(["system", "rollback", "--esp", esp]);
      l = list();
      expect([l.current, l.defaultGeneration]).toEqual([1, 1]);
      ok(["system", "switch", recipe, "-A", "good2", "--esp", esp]);
      expect(list().defaultGeneration).toBe(3);
      const rb = JSON.parse(ok(["system", "rollback", "--esp", esp, "--json"]).out) as { from: number; to: number };
      expect(rb).toMatchObject({ from: 3, to: 1 });
      expect(fs.readdirSync(path.join(esp, "loader/entries")).sort()).toEqual(["cairn-1.conf", "cairn-2+0-3.conf", "cairn-3+3.conf"]);

      await boot(
        "boot after rollback",
        (r) => {
          expect(r.boots).toEqual([1]);
          expect(r.events.filter((e) => e.kind === "ok").map((e) => e.generation)).toEqual([1]);
        },
        { deadlineMs: 120_000 },
      );
      // Generation 3 was not tried: its counter is untouched.
      expect(copyEntriesBack(image, esp)).toEqual(["cairn-1.conf", "cairn-2+0-3.conf", "cairn-3+3.conf"]);
      timings.total = Date.now() - t0;
    },
    480_000,
  );
});
