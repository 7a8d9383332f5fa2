// Starting the evaluation thread (eval/worker.ts). Kept apart from eval/evaluator.ts, with nothing
// to load but node:worker_threads, so that cli/main.ts can start the thread before it has loaded
// anything else: the thread boots (~70 ms) while the main thread loads the command.
import { setFlagsFromString } from "node:v8";
import { Worker } from "node:worker_threads";

function spawnWorker(): Worker {
  // The thread's young generation starts at 16 MB (V8 starts at 1 MB and doubles): it allocates
  // ~10 MB while it loads and evaluates even a small recipe, and each scavenge on the way copies
  // what is live (modules, the evaluation's state). V8 reads this when it creates an isolate (the
  // thread's), so it is set before; the flag is process-wide, and threads started later get the
  // same (a larger first young generation only).
  setFlagsFromString("--min-semi-space-size=16");
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
