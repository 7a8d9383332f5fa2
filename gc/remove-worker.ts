// A thread of gc/remove.ts's DeletePool: does each job it is sent (plain synchronous calls that
// never follow a symlink) and answers with what it trashed and what failed.
import { parentPort } from "node:worker_threads";
import { runJob, type DeleteJob } from "./remove.js";

parentPort!.on("message", (job: DeleteJob) => parentPort!.postMessage(runJob(job)));
