// Runs one builder process: inside bwrap (the default) or, when the user opts out, directly.
// The only code in cairn that starts build processes. Every fd above 2 is closed before bwrap
// starts (a Node child inherits the fds Node itself inherited: RELIABILITY.md §4.2 #3), the
// environment is exactly the request's, and on timeout, silence or cancel the whole tree is
// killed: bwrap's pid namespace takes every descendant with it.
import fs from "node:fs";
import type { ResultPromise } from "execa";
import { CairnError } from "../../store/format/index.js";
import { bwrapArgs, type SandboxSpec } from "./bwrap.js";

export interface RunLimits {
  /** Kill the build after this many ms (0: never). */
  timeoutMs?: number;
  /** Kill the build after this many ms without output (0: never). */
  maxSilentMs?: number;
  /** Cancels the build (Ctrl-C, SIGTERM). */
  signal?: AbortSignal;
  /** Each chunk of the builder's stdout and stderr, interleaved. */
  onOutput: (chunk: Buffer) => void;
  /** Called with the pid once the process runs (tests, status). */
  onStart?: (pid: number) => void;
}

export interface RunResult {
  exitCode?: number;
  signal?: string;
  timedOut: boolean;
  silent: boolean;
  cancelled: boolean;
}

// Closes every inherited fd above 2, then becomes the real command (bash understands fd numbers
// above 9, which dash does not).
const CLOSER = 'for f in /proc/$$/fd/*; do n=${f##*/}; case $n in 0|1|2) ;; *) eval "exec $n>&-" 2>/dev/null ;; esac; done; exec "$@"';
// bwrap's --die-with-parent is set after bwrap starts, so a cairn killed in between would leave
// the build running (bubblewrap#633). setpriv sets the parent-death signal before bwrap runs,
// and this guard then checks that the parent is still cairn: if it died first, give up.
const PARENT_GUARD = '[ "$PPID" = "$1" ] || exit 111; shift; exec "$@"';

function findProgram(names: string[]): string | undefined {
  for (const n of names) {
    try {
      fs.accessSync(n, fs.constants.X_OK);
      return n;
    } catch {
      /* next */
    }
  }
  return undefined;
}

interface HostTools {
  bash: string;
  /** A small POSIX shell for the parent guard (dash starts in a third of bash's time). */
  sh: string;
  setpriv: string;
  bwrap: string | undefined;
}
let tools: HostTools | undefined;
function hostTools(): HostTools {
  if (tools === undefined) {
    const bash = findProgram(["/bin/bash", "/usr/bin/bash"]);
    if (bash === undefined) throw new CairnError("E_SANDBOX", "cannot start builds: bash is needed at /bin/bash or /usr/bin/bash");
    const setpriv = findProgram(["/usr/bin/setpriv", "/bin/setpriv"]);
    if (setpriv === undefined) throw new CairnError("E_SANDBOX", "cannot start builds: setpriv (util-linux) is needed");
    tools = { bash, setpriv, sh: findProgram(["/bin/dash", "/usr/bin/dash"]) ?? bash, bwrap: findProgram(["/usr/bin/bwrap", "/bin/bwrap", "/usr/local/bin/bwrap"]) };
  }
  return tools;
}

/** The argv that closes stray fds, arms the parent-death signal and then runs `cmd`. */
function guarded(cmd: string[]): string[] {
  const { setpriv, sh } = hostTools();
  return ["--noprofile", "--norc", "-c", CLOSER, "cairn-build", setpriv, "--pdeathsig", "KILL", "--", sh, "-c", PARENT_GUARD, "cairn-guard", String(process.pid), ...cmd];
}

/** Refuses clearly when this machine cannot sandbox (no bwrap, no user namespaces). */
export function checkSandboxAvailable(): string {
  const { bwrap } = hostTools();
  if (bwrap === undefined) {
    throw new CairnError(
      "E_SANDBOX",
      "cannot sandbox builds: bubblewrap is not installed (Debian: apt-get install bubblewrap); --no-sandbox builds without isolation",
    );
  }
  let max = "1";
  try {
    max = fs.readFileSync("/proc/sys/user/max_user_namespaces", "utf8").trim();
  } catch {
    /* no such knob: assume enabled */
  }
  if (max === "0") {
    throw new CairnError(
      "E_SANDBOX",
      "cannot sandbox builds: user namespaces are disabled (sysctl user.max_user_namespaces=0); enable them, or build with --no-sandbox",
    );
  }
  return bwrap;
}

/** Direct children of `pid` (from /proc: ppid is field 4 of /proc/N/stat). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const n of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${n}/stat`, "latin1");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid) out.push(Number(n));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * Kill a build: stop bwrap (so it cannot start a sandbox meanwhile), kill the sandbox it started
 * (its pid 1: the whole pid namespace goes with it), then bwrap. Killing bwrap alone would leave
 * a sandbox that had not yet armed --die-with-parent running (bubblewrap#633).
 */
function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  const signal = (p: number, s: NodeJS.Signals) => {
    try {
      process.kill(p, s);
    } catch {
      /* gone */
    }
  };
  signal(pid, "SIGSTOP");
  for (const c of childrenOf(pid)) signal(c, "SIGKILL");
  signal(pid, "SIGKILL");
}

async function supervise(child: ResultPromise, limits: RunLimits): Promise<RunResult> {
  let timedOut = false;
  let silent = false;
  let cancelled = false;
  let killed = false;
  const kill = () => {
    killed = true;
    killTree(child.pid);
  };
  // Once the process we started has exited after a kill, nothing may hold the output open for
  // long: close our end so the wait below ends.
  child.once("exit", () => {
    if (killed) setTimeout(() => child.all?.destroy(), 1000).unref();
  });
  if (child.pid !== undefined) limits.onStart?.(child.pid);
  const timers: NodeJS.Timeout[] = [];
  if (limits.timeoutMs) timers.push(setTimeout(() => ((timedOut = true), kill()), limits.timeoutMs));
  let silence: NodeJS.Timeout | undefined;
  const armSilence = () => {
    if (!limits.maxSilentMs) return;
    if (silence) clearTimeout(silence);
    silence = setTimeout(() => ((silent = true), kill()), limits.maxSilentMs);
  };
  armSilence();
  const onAbort = () => ((cancelled = true), kill());
  if (limits.signal?.aborted) onAbort();
  limits.signal?.addEventListener("abort", onAbort);
  child.all?.on("data", (c: Buffer) => {
    armSilence();
    limits.onOutput(c);
  });
  try {
    const r = await child.catch((e: unknown) => {
      if (killed) return { exitCode: undefined, signal: "SIGKILL" } as { exitCode?: number; signal?: string };
      throw e;
    });
    return {
      ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
      ...(r.signal !== undefined ? { signal: r.signal } : {}),
      timedOut,
      silent,
      cancelled,
    };
  } finally {
    for (const t of timers) clearTimeout(t);
    if (silence) clearTimeout(silence);
    limits.signal?.removeEventListener("abort", onAbort);
  }
}

// execa costs ~90 ms to import: only builds that run a process pay for it.
let execaModule: Promise<typeof import("execa")> | undefined;
const loadExeca = () => (execaModule ??= import("execa"));

/** Start `cmd` through the fd closer and parent guard, its stdout and stderr merged. */
// (Wrapped in an object: an async function would otherwise await the subprocess it returns.)
async function start(cmd: string[], env: Record<string, string>, cwd: string, detached: boolean): Promise<{ child: ResultPromise }> {
  const { bash } = hostTools();
  const { execa } = await loadExeca();
  return { child: execa(bash, guarded(cmd), { env, extendEnv: false, stdin: "ignore", all: true, buffer: false, reject: false, cleanup: true, detached, cwd }) };
}


/** Run a build inside bubblewrap. Must be called from the main thread (--die-with-parent). */
export async function runSandboxed(spec: SandboxSpec, limits: RunLimits, wrapper: string[] = []): Promise<RunResult> {
  const bwrap = checkSandboxAvailable();
  const { child } = await start([...wrapper, bwrap, ...bwrapArgs(spec)], {}, "/", false);
  return supervise(child, limits);
}

export interface DirectSpec {
  builder: string;
  args: string[];
  env: [string, string][];
  cwd: string;
}

/** `--no-sandbox`: the builder runs as this user, in its own process group, with a clean env. */
export async function runUnsandboxed(spec: DirectSpec, limits: RunLimits): Promise<RunResult> {
  const { child } = await start([spec.builder, ...spec.args], Object.fromEntries(spec.env), spec.cwd, true);
  const pid = child.pid;
  return supervise(child, limits).finally(() => {
    // Take the whole process group down with the builder: without a pid namespace, that is all
    // there is to catch background processes (setsid escapes it: one reason this mode warns).
    if (pid !== undefined) {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  });
}

let pastaProbe: Promise<string> | undefined;

/**
 * pasta (Debian `passt`), checked once per process by starting it for real: userspace networking
 * for fixed-output builds with their own builder. Throws a clear error when it is missing or cannot
 * work here; such builds then do not run (fail closed).
 */
export function usablePasta(): Promise<string> {
  pastaProbe ??= (async () => {
    const pasta = findProgram(["/usr/bin/pasta", "/usr/local/bin/pasta"]);
    if (pasta === undefined) throw new CairnError("E_SANDBOX", "it needs network access, which cairn gives only through pasta (Debian: apt-get install passt)");
    const { execa } = await loadExeca();
    // pasta may leave a helper behind holding our pipes: run it in its own process group and
    // take the whole group down, after 5 s at the latest.
    const child = execa(pasta, ["--config-net", "--quiet", "--", "/bin/true"], { reject: false, stdin: "ignore", stdout: "ignore", env: {}, extendEnv: false, detached: true });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    };
    const timer = setTimeout(killGroup, 5000);
    child.once("exit", () => setTimeout(killGroup, 100));
    const r = await child;
    clearTimeout(timer);
    if (r.exitCode !== 0) {
      const why = String(r.stderr ?? "").split("\n").find((l) => /couldn't|cannot|failed|denied/i.test(l) && !/syslog/.test(l)) ?? (r.timedOut ? "timed out" : `exit ${r.exitCode}`);
      throw new CairnError("E_SANDBOX", `it needs network access, but pasta cannot set up a network namespace here (${why.trim()})`);
    }
    return pasta;
  })();
  return pastaProbe;
}
