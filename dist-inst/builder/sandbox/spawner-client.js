// cairn's side of the build spawner (spawner.ts): starts it once, on first use, and runs build
// processes through it. The spawner keeps cairn alive only while builds run.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CairnError } from "../../store/format/errors.js";
import { hostTools } from "./host-tools.js";
class Spawner {
    child;
    jobs = new Map();
    nextId = 1;
    ready;
    dead;
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
        let onReady = () => undefined;
        let onFail = () => undefined;
        this.ready = new Promise((res, rej) => ((onReady = res), (onFail = rej)));
        this.ready.catch(() => undefined);
        this.child.on("message", (m) => {
            if (m.t === "ready")
                return onReady();
            const job = this.jobs.get(m.id);
            if (job === undefined)
                return;
            if (m.t === "started")
                job.started(m.pid);
            else if (m.t === "out")
                job.onOutput(Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength));
            else {
                this.jobs.delete(m.id);
                this.updateRef();
                if (m.error !== undefined)
                    job.reject(new CairnError("E_SANDBOX", `cannot start the build process: ${m.error}`));
                else
                    job.resolve({ ...(m.exitCode !== undefined ? { exitCode: m.exitCode } : {}), ...(m.signal !== undefined ? { signal: m.signal } : {}) });
            }
        });
        const died = (why) => {
            this.dead ??= new CairnError("E_SANDBOX", `the build spawner ${why}`);
            onFail(this.dead);
            for (const job of this.jobs.values())
                job.reject(this.dead);
            this.jobs.clear();
            if (spawner === this)
                spawner = undefined;
        };
        this.child.on("error", (e) => died(`could not start: ${e.message}`));
        this.child.on("exit", (code, sig) => died(`exited unexpectedly (${sig ?? `status ${code}`})`));
        this.updateRef();
    }
    /** Keep cairn's event loop alive only while builds run. */
    updateRef() {
        const busy = this.jobs.size > 0;
        const ch = this.child.channel;
        if (busy) {
            this.child.ref();
            ch?.ref();
        }
        else {
            this.child.unref();
            ch?.unref();
        }
    }
    send(m) {
        try {
            this.child.send(m);
        }
        catch {
            /* the spawner is gone: its exit handler fails every job */
        }
    }
    run(cmd, env, cwd, detached, onOutput) {
        const id = this.nextId++;
        let started = () => undefined;
        const pid = new Promise((r) => (started = r));
        let killed = false;
        const done = new Promise((resolve, reject) => {
            this.jobs.set(id, { onOutput, started, resolve, reject });
        });
        this.updateRef();
        this.ready.then(() => {
            if (this.jobs.has(id))
                this.send({ t: "run", id, cmd, env, cwd, detached });
        }, () => undefined);
        return {
            pid,
            done,
            kill: () => {
                if (killed)
                    return;
                killed = true;
                // Before the spawner is ready the run message is not sent yet: the kill follows it.
                void this.ready.then(() => this.jobs.has(id) && this.send({ t: "kill", id }), () => undefined);
            },
        };
    }
}
let spawner;
/** The spawner of this process, started now if it is not running (builds may call it early). */
export function buildSpawner() {
    spawner ??= new Spawner();
    return spawner;
}
//# sourceMappingURL=spawner-client.js.map