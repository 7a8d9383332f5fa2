// The build spawner: a small node process, started once per cairn process that builds, that
// starts and kills every build process on cairn's behalf (builder/sandbox/spawner-client.ts).
// Forking cairn itself (a 100+ MB process with the database, the evaluator and their threads)
// cost ~5-9 ms of its main thread per build; this process is small and forks on its own core.
// It dies with cairn: when its IPC channel closes (cairn exited or was killed, even by kill -9) it
// kills every build and exits. It must outlive cairn for that moment: a build process whose parent
// dies gets its parent-death signal, and if that parent were bwrap in its first milliseconds, the
// sandbox child it had just cloned (still waiting for its uid map, before bwrap arms
// --die-with-parent: bubblewrap#633) would be orphaned and block forever. The spawner stops bwrap
// first, kills that child, then bwrap. (The parent-death signal remains the fallback should the
// spawner itself be killed.)
import { spawn } from "node:child_process";
import fs from "node:fs";
import { hostTools } from "./host-tools.js";
// setpriv sets the parent-death signal before anything else runs, and this guard then checks
// that the parent is still this spawner (if it died first, give up); the build's stderr joins its
// stdout, as in Nix, so the log keeps the order in which the builder wrote.
const PARENT_GUARD = '[ "$PPID" = "$1" ] || exit 111; shift; exec "$@" 2>&1';
/** The argv that arms the parent-death signal and then runs `cmd`. */
function guarded(cmd) {
    const { setpriv, sh } = hostTools();
    return [setpriv, "--pdeathsig", "KILL", "--", sh, "-c", PARENT_GUARD, "cairn-guard", String(process.pid), ...cmd];
}
/**
 * Close every descriptor this process inherited beyond 0-2 (a Node child inherits the fds Node
 * itself inherited: RELIABILITY.md §4.2 #3). Node and libuv open all of theirs close-on-exec (the
 * IPC channel to cairn included), so what lacks the flag came from outside: closing it here, once,
 * means no build process ever sees it.
 */
function closeInheritedFds() {
    for (const name of fs.readdirSync("/proc/self/fd")) {
        const fd = Number(name);
        if (fd <= 2)
            continue;
        try {
            const flags = parseInt(/^flags:\s+([0-7]+)/m.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, "latin1"))?.[1] ?? "0", 8);
            if ((flags & 0o2000000) === 0)
                fs.closeSync(fd); // O_CLOEXEC
        }
        catch {
            /* the directory's own fd, gone by now */
        }
    }
}
/** Direct children of `pid` (from /proc: ppid is field 4 of /proc/N/stat). */
function childrenOf(pid) {
    const out = [];
    for (const n of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(n))
            continue;
        try {
            const stat = fs.readFileSync(`/proc/${n}/stat`, "latin1");
            if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === pid)
                out.push(Number(n));
        }
        catch {
            /* gone */
        }
    }
    return out;
}
function signal(p, s) {
    try {
        process.kill(p, s);
    }
    catch {
        /* gone */
    }
}
/**
 * Kill a build: stop the process we started (so it cannot fork meanwhile), kill its children (for
 * a sandboxed build: bwrap, pid 1 of its own namespace, so everything below goes with it), then
 * the process itself.
 */
function killTree(pid) {
    if (pid === undefined)
        return;
    signal(pid, "SIGSTOP");
    for (const c of childrenOf(pid))
        signal(c, "SIGKILL");
    signal(pid, "SIGKILL");
}
const jobs = new Map();
const send = (m) => process.send?.(m);
function run(id, cmd, env, cwd, detached) {
    const argv = guarded(cmd);
    const child = spawn(argv[0], argv.slice(1), { env, cwd, detached, stdio: ["ignore", "pipe", "pipe"] });
    const job = { child, killed: false };
    jobs.set(id, job);
    let failed;
    child.once("error", (e) => (failed = e));
    if (child.pid !== undefined)
        send({ t: "started", id, pid: child.pid });
    for (const s of [child.stdout, child.stderr])
        s.on("data", (c) => send({ t: "out", id, data: c }));
    // Once the process we started has exited after a kill, nothing may hold the output open for
    // long: close our ends so the wait below ends.
    child.once("exit", () => {
        if (job.killed)
            setTimeout(() => (child.stdout.destroy(), child.stderr.destroy()), 1000).unref();
    });
    // "close": exited and its output drained.
    child.once("close", (code, sig) => {
        // Without a pid namespace (--no-sandbox) the process group is all there is to catch
        // background processes (setsid escapes it: one reason that mode warns).
        if (detached && child.pid !== undefined)
            signal(-child.pid, "SIGKILL");
        jobs.delete(id);
        if (failed !== undefined)
            send({ t: "exit", id, ...(job.killed ? { signal: "SIGKILL" } : { error: failed.message }) });
        else
            send({ t: "exit", id, ...(code !== null ? { exitCode: code } : {}), ...(sig !== null ? { signal: sig } : {}) });
    });
}
process.on("message", (m) => {
    if (m.t === "run") {
        try {
            run(m.id, m.cmd, m.env, m.cwd, m.detached);
        }
        catch (e) {
            send({ t: "exit", id: m.id, error: e.message });
        }
    }
    else if (m.t === "kill") {
        const job = jobs.get(m.id);
        if (job !== undefined) {
            job.killed = true;
            killTree(job.child.pid);
        }
    }
});
// cairn is gone (or done with us): take every build down with it. Nothing else keeps this
// process alive, so it ends as soon as the killed builds are reaped.
process.on("disconnect", () => {
    for (const job of jobs.values()) {
        job.killed = true;
        killTree(job.child.pid);
    }
});
closeInheritedFds();
send({ t: "ready" });
//# sourceMappingURL=spawner.js.map