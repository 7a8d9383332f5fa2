// A thread of gc/remove.ts's DeletePool: does each job it is sent (plain synchronous calls that
// never follow a symlink) and answers with what it trashed and what failed.
import { parentPort } from "node:worker_threads";
import { runJob } from "./remove.js";
parentPort.on("message", (job) => parentPort.postMessage(runJob(job)));
//# sourceMappingURL=remove-worker.js.map