// Identity of a live process: pid plus its start time (field 22 of /proc/PID/stat), so a claim
// or temp root left by a dead process is not honoured when the pid is reused.
import { readFileSync } from "node:fs";
export function startTimeOf(pid) {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        // comm (field 2) may contain spaces and parentheses: fields resume after the last ')'.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const v = Number(fields[19]);
        return Number.isFinite(v) ? v : undefined;
    }
    catch {
        return undefined;
    }
}
let self;
export function selfId() {
    if (self === undefined || self.pid !== process.pid) {
        self = { pid: process.pid, start: startTimeOf(process.pid) ?? 0 };
    }
    return self;
}
export function isAlive(id) {
    return startTimeOf(id.pid) === id.start;
}
/** A name fragment that encodes the owner, so a temp dir's liveness is known from its name. */
export function ownerTag(id = selfId()) {
    return `${id.pid}-${id.start}`;
}
export function parseOwnerTag(s) {
    const m = /^(\d+)-(\d+)/.exec(s);
    return m ? { pid: Number(m[1]), start: Number(m[2]) } : undefined;
}
//# sourceMappingURL=process-id.js.map