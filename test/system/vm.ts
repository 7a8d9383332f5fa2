// Booting an ESP directory in QEMU (TCG; KVM does not work on these machines: VM-NOTES.md): a FAT32
// image made from the directory with mtools plus systemd-boot as EFI/BOOT/BOOTX64.EFI, OVMF as
// firmware, the serial console read line by line, and a watchdog on QEMU's monitor that resets a
// guest that goes silent and ends a run that overstays its deadline.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";

export const OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";
export const OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";
export const SYSTEMD_BOOT = "/usr/lib/systemd/boot/efi/systemd-bootx64.efi";
export const QEMU = "qemu-system-x86_64";

const MTOOLS_ENV = { ...process.env, MTOOLS_SKIP_CHECK: "1" };

/** What is missing for the VM test (empty: all there). */
export function missingVmTools(): string[] {
  const missing: string[] = [];
  for (const f of [OVMF_CODE, OVMF_VARS, SYSTEMD_BOOT]) if (!fs.existsSync(f)) missing.push(f);
  for (const c of [QEMU, "mkfs.vfat", "mcopy", "mmd", "apt-get", "apt-cache"]) {
    if (spawnSync("sh", ["-c", `command -v ${c}`]).status !== 0) missing.push(c);
  }
  return missing;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = MTOOLS_ENV): string {
  const r = spawnSync(cmd, args, { env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}

/** A 64 MiB FAT32 image holding the ESP directory and systemd-boot as the removable-media loader. */
export function makeEspImage(espDir: string, image: string): void {
  fs.rmSync(image, { force: true });
  fs.writeFileSync(image, "");
  fs.truncateSync(image, 64 * 1024 * 1024);
  run("mkfs.vfat", ["-F", "32", "-n", "CAIRNESP", image]);
  run("mmd", ["-i", image, "::/EFI", "::/EFI/BOOT"]);
  run("mcopy", ["-i", image, SYSTEMD_BOOT, "::/EFI/BOOT/BOOTX64.EFI"]);
  const top = fs.readdirSync(espDir).map((n) => path.join(espDir, n));
  if (top.length > 0) run("mcopy", ["-s", "-i", image, ...top, "::/"]);
}

/** The truth after a boot is the image: copy loader/entries back into the ESP directory. */
export function copyEntriesBack(image: string, espDir: string): string[] {
  const dir = path.join(espDir, "loader/entries");
  fs.rmSync(dir, { recursive: true, force: true });
  run("mcopy", ["-s", "-i", image, "::/loader/entries", path.join(espDir, "loader")]);
  return fs.readdirSync(dir).sort();
}

export interface ConsoleEvent {
  /** ms since the run started */
  at: number;
  kind: "cmdline" | "ok" | "bad" | "panic" | "reset";
  generation?: number;
  line: string;
}

export interface VmRun {
  log: string;
  events: ConsoleEvent[];
  /** Kernel command lines seen, by cairn.gen=, in order. */
  boots: number[];
  ms: number;
  exitedByItself: boolean;
  watchdogResets: number;
}

export interface VmOptions {
  image: string;
  /** Writable copy of the OVMF variables, one per VM. */
  vars: string;
  workDir: string;
  /** Reset the guest when the console is silent this long (a hung generation). */
  silenceMs?: number;
  /** Kill QEMU after this long and report what was seen. */
  deadlineMs?: number;
}

const live = new Set<ChildProcess>();

/** Kill every QEMU this module started and that is still running (afterAll). */
export function killAllVms(): void {
  for (const c of live) c.kill("SIGKILL");
}

function parseLine(line: string, at: number): ConsoleEvent | undefined {
  const gen = (re: RegExp) => {
    const m = re.exec(line);
    return m ? Number(m[1]) : undefined;
  };
  if (/Command line:/.test(line)) {
    const g = gen(/cairn\.gen=([0-9]+)/);
    return { at, kind: "cmdline", ...(g !== undefined ? { generation: g } : {}), line };
  }
  if (/CAIRN-BOOT-OK/.test(line)) return { at, kind: "ok", generation: gen(/gen=([0-9]+)/)!, line };
  if (/CAIRN-BOOT-BAD/.test(line)) return { at, kind: "bad", generation: gen(/gen=([0-9]+)/)!, line };
  if (/Kernel panic/.test(line)) return { at, kind: "panic", line };
  return undefined;
}

/** One QEMU process, across guest resets, until the guest powers off or the deadline passes. */
export async function bootVm(o: VmOptions): Promise<VmRun> {
  const mon = path.join(o.workDir, `mon-${process.pid}-${Date.now()}.sock`);
  const args = [
    "-machine", "q35", "-accel", "tcg", "-m", "512", "-nodefaults", "-display", "none", "-no-user-config",
    "-drive", `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`,
    "-drive", `if=pflash,format=raw,file=${o.vars}`,
    "-drive", `if=virtio,format=raw,file=${o.image}`,
    "-serial", "stdio",
    "-monitor", `unix:${mon},server,nowait`,
  ];
  const t0 = Date.now();
  const child = spawn(QEMU, args, { stdio: ["ignore", "pipe", "pipe"] });
  live.add(child);
  const r: VmRun = { log: "", events: [], boots: [], ms: 0, exitedByItself: false, watchdogResets: 0 };
  let partial = "";
  let lastOutput = Date.now();
  let quitting = false;
  const monitor = (cmd: string) =>
    new Promise<void>((resolve) => {
      const s = net.connect(mon, () => s.end(`${cmd}\n`));
      s.on("close", () => resolve());
      s.on("error", () => resolve());
    });
  const stop = () => {
    if (quitting) return;
    quitting = true;
    void monitor("quit");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  };
  child.stdout.on("data", (d: Buffer) => {
    lastOutput = Date.now();
    const text = d.toString("latin1");
    r.log += text;
    partial += text;
    const lines = partial.split(/\r?\n/);
    partial = lines.pop()!;
    for (const line of lines) {
      const ev = parseLine(line, Date.now() - t0);
      if (ev === undefined) continue;
      r.events.push(ev);
      if (ev.kind === "cmdline" && ev.generation !== undefined) r.boots.push(ev.generation);
    }
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setInterval(() => {
    const now = Date.now();
    if (o.deadlineMs !== undefined && now - t0 > o.deadlineMs) {
      r.log += `\n[test: deadline of ${o.deadlineMs} ms passed: quitting QEMU]\n`;
      stop();
    } else if (!quitting && now - lastOutput > (o.silenceMs ?? 60_000)) {
      r.log += `\n[test: console silent for ${o.silenceMs ?? 60_000} ms: system_reset]\n`;
      r.watchdogResets++;
      r.events.push({ at: now - t0, kind: "reset", line: "watchdog system_reset" });
      lastOutput = now;
      void monitor("system_reset");
    }
  }, 500);
  const status = await new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  clearInterval(timer);
  live.delete(child);
  fs.rmSync(mon, { force: true });
  r.ms = Date.now() - t0;
  r.exitedByItself = !quitting;
  if (stderr.trim() !== "") r.log += `\n[qemu stderr: ${stderr.trim()}]\n`;
  if (status !== 0 && !quitting) r.log += `\n[qemu exited with ${status}]\n`;
  return r;
}
