// Running child processes from tests: async, with a cap on how many run at once (CI has 2 cores).
import { spawn } from "node:child_process";

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** At most `n` tasks at once. */
export class Limiter {
  private active = 0;
  private waiting: Array<() => void> = [];
  constructor(private readonly n: number) {}
  async run<T>(f: () => Promise<T>): Promise<T> {
    if (this.active < this.n) this.active++;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await f();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over
      else this.active--;
    }
  }
}

/** Run `cmd args` under `limiter`, collecting its output; `input` goes to its stdin. */
export function runLimited(limiter: Limiter, cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: Buffer): Promise<Ran> {
  return limiter.run(
    () =>
      new Promise<Ran>((resolve, reject) => {
        const child = spawn(cmd, args, { env, stdio: ["pipe", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.on("error", reject);
        child.on("close", (status, signal) =>
          resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }),
        );
        child.stdin.on("error", () => {}); // a command that fails early may not read its input
        child.stdin.end(input);
      }),
  );
}

export const describeRun = (what: string, r: Ran) => `${what}: exit ${r.status ?? r.signal}: ${r.stderr.trim()}`;
