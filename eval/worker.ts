// The evaluation thread (started by eval/evaluator.ts with --experimental-vm-modules): loads
// recipes with eval/linker.ts, selects what the command acts on, and hands back the text objects
// that selection needs. path() copies into the caller's store through a synchronous call to the
// main thread, which owns the store.
import path from "node:path";
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from "node:worker_threads";
import { isCairnError } from "../store/format/index.js";
import { closureOf, packTexts, type ClosureEntry } from "./instantiate.js";
import { RecipeLinker } from "./linker.js";
import { derivationsIn, recipeError, selectAttr } from "./load.js";
import { beginEvaluation, type EvalStore } from "./state.js";
import { RecipeCache } from "./strip.js";
import { deserializeError, serializeError, type CallReply, type EvalReply, type EvalRequest, type SelectedDerivation, type WorkerData } from "./protocol.js";

const data = workerData as WorkerData;
const rpc: MessagePort = data.rpc;
const flag = new Int32Array(data.flag);

// The one warning this thread causes by design; anything a recipe triggers still shows.
const emitWarning = process.emitWarning.bind(process) as (...args: unknown[]) => void;
process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
  if (String(warning).startsWith("VM Modules is an experimental feature")) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;

/** Ask the main thread and wait for its answer (recipes call path() synchronously). */
function call(op: "addPath", args: unknown[]): unknown {
  Atomics.store(flag, 0, 0);
  rpc.postMessage({ op, args });
  Atomics.wait(flag, 0, 0);
  const reply = receiveMessageOnPort(rpc)!.message as CallReply;
  if (!reply.ok) throw deserializeError(reply.error);
  return reply.result;
}

const store: EvalStore = {
  storeDir: data.storeDir,
  addPath: (source, opts) => call("addPath", [source, opts]) as string,
};
const state = beginEvaluation(data.storeDir, store);
const library = (await import(new URL("../index.js", import.meta.url).href)) as Record<string, unknown>;
const linker = new RecipeLinker(library, new RecipeCache(data.cacheDir));

/** Post what was made in batches as evaluation goes, so the main thread can write meanwhile. */
function streamMade(id: number): () => void {
  let batch: string[] = [];
  const flush = () => {
    if (batch.length === 0) return;
    const made = packTexts(state, batch);
    batch = [];
    parentPort!.postMessage({ id, made } satisfies EvalReply, [made.bytes.buffer as ArrayBuffer]);
  };
  state.onMade = (p) => {
    if (batch.push(p) < 256) return;
    // The main thread found a whole batch valid already: the rest most likely is too.
    if (Atomics.load(flag, 1) !== 0) {
      state.onMade = undefined;
      batch = [];
    } else flush();
  };
  return () => {
    state.onMade = undefined;
    flush();
  };
}

async function evaluate(id: number, file: string, attrs: readonly string[], stream: boolean) {
  let mod: Record<string, unknown>;
  const stopStreaming = stream ? streamMade(id) : () => {};
  try {
    mod = await linker.import(file);
  } catch (e) {
    if (isCairnError(e) && e.code === "E_NOT_FOUND") throw e;
    throw recipeError(path.resolve(file), e);
  } finally {
    stopStreaming();
  }
  const selected: { attr: string; drv: SelectedDerivation }[] = [];
  for (const a of attrs.length > 0 ? attrs : [undefined]) {
    for (const { attr, drv } of derivationsIn(selectAttr(mod, a, file), a ?? "", file)) {
      const all = (drv as { all?: readonly { outputName: string; outPath: string }[] }).all;
      selected.push({
        attr,
        drv: {
          name: drv.name,
          drvPath: drv.drvPath,
          outPath: drv.outPath,
          outputName: drv.outputName,
          all: (all ?? [drv]).map((o) => ({ outputName: o.outputName, outPath: o.outPath })),
        },
      });
    }
  }
  closure = closureOf(state, selected.map((s) => s.drv.drvPath));
  const referenced = new Set<string>();
  for (const c of closure) for (const r of c.references) referenced.add(r);
  const tops = [...new Set(selected.map((s) => s.drv.drvPath))].filter((p) => !referenced.has(p));
  return { selected, tops };
}

/** The closure of the last evaluation's selection (asked for only when something is missing). */
let closure: ClosureEntry[] = [];

parentPort!.on("message", (req: EvalRequest) => {
  void (async (): Promise<void> => {
    let reply: EvalReply;
    try {
      if (req.kind === "evaluate") reply = { id: req.id, ok: true, value: await evaluate(req.id, req.file, req.attrs, req.stream) };
      else if (req.kind === "closure") reply = { id: req.id, ok: true, value: closure };
      else {
        const packed = packTexts(state, req.paths);
        parentPort!.postMessage({ id: req.id, ok: true, value: packed } satisfies EvalReply, [packed.bytes.buffer as ArrayBuffer]);
        return;
      }
    } catch (e) {
      reply = { id: req.id, ok: false, error: serializeError(e) };
    }
    parentPort!.postMessage(reply);
  })();
});
