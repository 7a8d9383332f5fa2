// A worker thread of store/nar-pool.ts: runs one dump at a time and replies with its result or
// its error (code, message and data survive the trip; a stack does not).
import { parentPort } from "node:worker_threads";
import { isCairnError } from "./format/index.js";
import { dumpNarFile } from "./nar-jobs.js";
const port = parentPort;
if (port === null)
    throw new Error("nar-worker.js runs as a worker thread of store/nar-pool.js");
port.on("message", (m) => {
    dumpNarFile(m.job).then((result) => port.postMessage({ id: m.id, ok: true, result }), (e) => {
        const error = isCairnError(e) ? { code: e.code, message: e.message, data: e.data } : { message: e instanceof Error ? e.message : String(e) };
        port.postMessage({ id: m.id, ok: false, error });
    });
});
//# sourceMappingURL=nar-worker.js.map