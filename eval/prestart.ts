// Starting the evaluation thread (eval/worker.ts). Kept apart from eval/evaluator.ts, with nothing
// to load but node:worker_threads, so that cli/main.ts can start the thread before it has loaded
// anything else: the thread boots (~70 ms) while the main thread loads the command.
import { Worker } from "node:worker_threads";

function spawnWorker(): Worker {
  return new Worker(new URL("./worker.js", import.meta.url), {
    execArgv: ["--experimental-vm-modules", "--experimental-import-meta-resolve"],
    // Semi-spaces may grow to 64 MB (V8's default is 16): evaluation keeps a few KB per
    // derivation, which scavenges copy; fewer of them for 10,000 derivations.
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
}

let prestarted: Worker | undefined;

/** Start the evaluation thread now, for an Evaluator made later. Unused, it does not keep the process alive. */
export function prestartEvaluator(): void {
  if (prestarted !== undefined) return;
  prestarted = spawnWorker();
  prestarted.unref();
}

/** The prestarted thread, or a new one. */
export function takeEvaluationThread(): Worker {
  const w = prestarted ?? spawnWorker();
  prestarted = undefined;
  return w;
}
