// cairn's side of the build spawner (spawner.ts): starts it once, on first use, and runs build
// processes through it. The spawner keeps cairn alive only while builds run.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CairnError } from "../../store/format/errors.js";
import { hostTools } from "./host-tools.js";
import type { FromSpawner, ToSpawner } from "./spawner-protocol.js";

export interface ProcessExit {
  exitCode?: number;
  signal?: string;
}

export interface SpawnedJob {
  /** The pid of the process started (resolves once it runs). */
  readonly pid: Promise<number>;
  /** Ends when the process has exited and its output is drained. */
  readonly done: Promise<ProcessExit>;
  /** Kill the process and everything it started. */
  kill(): void;
}

interface Pending {
  onOutput: (chunk: Buffer) => void;
  started: (pid: number) => void;
  resolve: (e: ProcessExit) => void;
  reject: (e: Error) => void;
}

class Spawner {
  private readonly child: ChildProcess;
  private readonly jobs = new Map<number, Pending>();
  private nextId = 1;
  private readonly ready: Promise<void>;
  private dead: Error | undefined;

  constructor() {
    hostTools(); // fail here, clearly, when a tool is missing
    const script = fileURLToPath(new URL("./spawner.js", import.meta.url));
    // No parent-death signal for the spawner itself: when cairn dies (even by kill -9) it sees its
    // IPC channel close and kills every build first (see spawner.ts).
    // cairn's pid in the argv: `ps` shows which cairn process a spawner serves.
    this.child = spawn(process.execPath, [script, String(process.pid)], {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
      serialization: "advanced",
      env: {},
    });
    let onReady: () => void = () => undefined;
    let onFail: (e: Error) => void = () => undefined;
    this.ready = new Promise<void>((res, rej) => ((onReady = res), (onFail = rej)));
    this.ready.catch(() => undefined);
    this.child.on("message", (m: FromSpawner) => {
      if (m.t === "ready") return onReady();
      const job = this.jobs.get(m.id);
      if (job === undefined) return;
      if (m.t === "started") job.started(m.pid);
      else if (m.t === "out") job.onOutput(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
      else {
        this.jobs.delete(m.id);
        this.updateRef();
        if (m.error !== undefined) job.reject(new CairnError("E_SANDBOX", `cannot start the build process: ${m.error}`));
        else job.resolve({ ...(m.exitCode !== undefined ? { exitCode: m.exitCode } : {}), ...(m.signal !== undefined ? { signal: m.signal } : {}) });
      }
    });
    const died = (why: string) => {
      this.dead ??= new CairnError("E_SANDBOX", `the build spawner ${why}`);
      onFail(this.dead);
      for (const job of this.jobs.values()) job.reject(this.dead);
      this.jobs.clear();
      if (spawner === this) spawner = undefined;
    };
    this.child.on("error", (e) => died(`could not start: ${e.message}`));
    this.child.on("exit", (code, sig) => died(`exited unexpectedly (${sig ?? `status ${code}`})`));
    this.updateRef();
  }

  /** Keep cairn's event loop alive only while builds run. */
  private updateRef(): void {
    const busy = this.jobs.size > 0;
    const ch = this.child.channel as { ref(): void; unref(): void } | undefined;
    if (busy) {
      this.child.ref();
      ch?.ref();
    } else {
      this.child.unref();
      ch?.unref();
    }
  }

  private send(m: ToSpawner): void {
    try {
      this.child.send(m);
    } catch {
      /* the spawner is gone: its exit handler fails every job */
    }
  }

  run(cmd: string[], env: Record<string, string>, cwd: string, detached: boolean, onOutput: (chunk: Buffer) => void): SpawnedJob {
    const id = this.nextId++;
    let started: (pid: number) => void = () => undefined;
    const pid = new Promise<number>((r) => (started = r));
    let killed = false;
    const done = new Promise<ProcessExit>((resolve, reject) => {
      this.jobs.set(id, { onOutput, started, resolve, reject });
    });
    this.updateRef();
    this.ready.then(
      () => {
        if (this.jobs.has(id)) this.send({ t: "run", id, cmd, env, cwd, detached });
      },
      () => undefined,
    );
    return {
      pid,
      done,
      kill: () => {
        if (killed) return;
        killed = true;
        // Before the spawner is ready the run message is not sent yet: the kill follows it.
        void this.ready.then(() => this.jobs.has(id) && this.send({ t: "kill", id }), () => undefined);
      },
    };
  }
}

let spawner: Spawner | undefined;

/** The spawner of this process, started now if it is not running (builds may call it early). */
export function buildSpawner(): Spawner {
  spawner ??= new Spawner();
  return spawner;
}
