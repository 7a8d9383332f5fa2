// Runs one builder process: inside bwrap (the default) or, when the user opts out, directly.
// With the spawner (spawner.ts), the only code in cairn that starts build processes. Every fd
// above 2 is closed before bwrap starts (a Node child inherits the fds Node itself inherited:
// RELIABILITY.md §4.2 #3), the environment is exactly the request's, and on timeout, silence or
// cancel the whole tree is killed: bwrap's pid namespace takes every descendant with it.
import fs from "node:fs";
import { CairnError } from "../../store/format/errors.js";
import { bwrapArgs } from "./bwrap.js";
import { findProgram, hostTools } from "./host-tools.js";
import { buildSpawner } from "./spawner-client.js";
/** Refuses clearly when this machine cannot sandbox (no bwrap, no user namespaces). */
export function checkSandboxAvailable() {
    const { bwrap } = hostTools();
    if (bwrap === undefined) {
        throw new CairnError("E_SANDBOX", "cannot sandbox builds: bubblewrap is not installed (Debian: apt-get install bubblewrap); --no-sandbox builds without isolation");
    }
    let max = "1";
    try {
        max = fs.readFileSync("/proc/sys/user/max_user_namespaces", "utf8").trim();
    }
    catch {
        /* no such knob: assume enabled */
    }
    if (max === "0") {
        throw new CairnError("E_SANDBOX", "cannot sandbox builds: user namespaces are disabled (sysctl user.max_user_namespaces=0); enable them, or build with --no-sandbox");
    }
    return bwrap;
}
/** Start `cmd` (through the spawner's fd closer and parent guard) and watch its limits. */
async function supervise(cmd, env, cwd, detached, limits) {
    let timedOut = false;
    let silent = false;
    let cancelled = false;
    const job = buildSpawner().run(cmd, env, cwd, detached, (c) => {
        armSilence();
        limits.onOutput(c);
    });
    const kill = () => job.kill();
    void job.pid.then((pid) => limits.onStart?.(pid));
    const timers = [];
    if (limits.timeoutMs)
        timers.push(setTimeout(() => ((timedOut = true), kill()), limits.timeoutMs));
    let silence;
    const armSilence = () => {
        if (!limits.maxSilentMs)
            return;
        if (silence)
            clearTimeout(silence);
        silence = setTimeout(() => ((silent = true), kill()), limits.maxSilentMs);
    };
    armSilence();
    const onAbort = () => ((cancelled = true), kill());
    if (limits.signal?.aborted)
        onAbort();
    limits.signal?.addEventListener("abort", onAbort);
    try {
        const r = await job.done;
        return {
            ...(r.exitCode !== undefined ? { exitCode: r.exitCode } : {}),
            ...(r.signal !== undefined ? { signal: r.signal } : {}),
            timedOut,
            silent,
            cancelled,
        };
    }
    finally {
        for (const t of timers)
            clearTimeout(t);
        if (silence)
            clearTimeout(silence);
        limits.signal?.removeEventListener("abort", onAbort);
    }
}
/** Run a build inside bubblewrap. */
export async function runSandboxed(spec, limits, wrapper = []) {
    const bwrap = checkSandboxAvailable();
    return supervise([...wrapper, bwrap, ...bwrapArgs(spec)], {}, "/", false, limits);
}
/** `--no-sandbox`: the builder runs as this user, in its own process group, with a clean env. */
export async function runUnsandboxed(spec, limits) {
    return supervise([spec.builder, ...spec.args], Object.fromEntries(spec.env), spec.cwd, true, limits);
}
let pastaProbe;
/**
 * pasta (Debian `passt`), checked once per process by starting it for real: userspace networking
 * for fixed-output builds with their own builder. Throws a clear error when it is missing or cannot
 * work here; such builds then do not run (fail closed).
 */
export function usablePasta() {
    pastaProbe ??= (async () => {
        const pasta = findProgram(["/usr/bin/pasta", "/usr/local/bin/pasta"]);
        if (pasta === undefined)
            throw new CairnError("E_SANDBOX", "it needs network access, which cairn gives only through pasta (Debian: apt-get install passt)");
        const { execa } = await import("execa");
        // pasta may leave a helper behind holding our pipes: run it in its own process group and
        // take the whole group down, after 5 s at the latest.
        const child = execa(pasta, ["--config-net", "--quiet", "--", "/bin/true"], { reject: false, stdin: "ignore", stdout: "ignore", env: {}, extendEnv: false, detached: true });
        const killGroup = () => {
            try {
                if (child.pid !== undefined)
                    process.kill(-child.pid, "SIGKILL");
            }
            catch {
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
//# sourceMappingURL=run.js.map