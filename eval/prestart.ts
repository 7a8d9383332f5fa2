// Starting the evaluation thread (eval/worker.ts). Kept apart from eval/evaluator.ts, with nothing
// to load but node:worker_threads, so that cli/cli.ts can start the thread before it has loaded
// anything else: the thread boots (~70 ms) while the main thread loads the command.
import { MessageChannel, Worker } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import type { CallReply, EvalRequest, PathCall, WorkerInit } from "./protocol.js";
import type { EvalStore } from "./state.js";

function spawnWorker(): Worker {
  return new Worker(new URL("./worker.js", import.meta.url), {
    execArgv: ["--experimental-vm-modules", "--experimental-import-meta-resolve"],
    // Semi-spaces may grow to 64 MB (V8's default is 16): evaluation keeps a few KB per
    // derivation, which scavenges copy; fewer of them for 10,000 derivations.
    resourceLimits: { maxYoungGenerationSizeMb: 192 },
  });
}

/**
 * The evaluation cli/cli.ts expects from its command line, sent to the thread before the command
 * has loaded: the thread evaluates while this one loads the command and opens the store. Only a
 * guess: the Evaluator takes it over only if its store dir, cache dir and then its first request
 * are the same, and starts a new thread otherwise.
 */
export interface HeadStart {
  storeDir: string;
  cacheDir: string;
  /** As the command passes it on (it names the file in messages). */
  file: string;
  attrs: string[];
}

/**
 * A path() call's answer before the store is open, or undefined to wait for it: the caller then
 * owes the evaluation that path in the store before anything it made is registered.
 */
export type EarlyPaths = (...args: Parameters<EvalStore["addPath"]>) => string | undefined;

/**
 * Answer the thread's waiting path() calls in order (it blocks on `flag` until each is answered),
 * as long as `answer` can: undefined leaves the call, and those after it, waiting.
 */
export function serveCalls(calls: PathCall[], port: MessagePort, flag: Int32Array, answer: (c: PathCall) => CallReply | undefined): void {
  for (let c = calls[0]; c !== undefined; c = calls[0]) {
    const reply = answer(c);
    if (reply === undefined) return;
    calls.shift();
    port.postMessage(reply);
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

/** The id of the head start's request. */
export const HEAD_ID = 1;

/** Send a new thread its init: the channel for its path() calls and the flags (see WorkerInit). */
export function initThread(worker: Worker, storeDir: string, cacheDir: string): { channel: MessageChannel; flag: Int32Array } {
  const channel = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const init: WorkerInit = { kind: "init", storeDir, cacheDir, rpc: channel.port2, flag: flag.buffer as SharedArrayBuffer };
  worker.postMessage(init, [channel.port2]);
  return { channel, flag };
}

/** The thread's init and first request (HEAD_ID), sent; what it answered so far, kept. */
export interface StartedHead extends HeadStart {
  readonly channel: MessageChannel;
  readonly flag: Int32Array;
  readonly stream: boolean;
  /** Messages from the thread before the Evaluator listens. */
  readonly answered: unknown[];
  /** path() calls not answered yet (the Evaluator answers them). */
  readonly calls: PathCall[];
  /** Who answers path() calls meanwhile (answerHeadEarly), if anyone yet. */
  earlyPaths: EarlyPaths | undefined;
  /** The thread ended before it was taken over. */
  ended: boolean;
  /** Stop keeping messages (the Evaluator listens from now on). */
  release(): void;
}

export interface EvaluationThread {
  worker: Worker;
  head?: StartedHead;
}

let prestarted: EvaluationThread | undefined;

/** Start the evaluation thread now, for an Evaluator made later. Unused, it does not keep the process alive. */
export function prestartEvaluator(): void {
  if (prestarted !== undefined) return;
  prestarted = { worker: spawnWorker() };
  prestarted.worker.unref();
}

/** Whether a thread was prestarted and not taken yet. */
export function hasPrestarted(): boolean {
  return prestarted !== undefined;
}

/** Give the prestarted thread its first evaluation now (see HeadStart). */
export function headStart(h: HeadStart): void {
  if (prestarted === undefined || prestarted.head !== undefined) return;
  const worker = prestarted.worker;
  const { channel, flag } = initThread(worker, h.storeDir, h.cacheDir);
  const answered: unknown[] = [];
  const keep = (m: unknown) => answered.push(m);
  const ended = () => (head.ended = true);
  const call = (c: PathCall) => {
    head.calls.push(c);
    serveEarly(head);
  };
  const head: StartedHead = {
    ...h,
    channel,
    flag,
    stream: h.attrs.length === 0, // as cli/evaluate.ts asks
    answered,
    calls: [],
    earlyPaths: undefined,
    ended: false,
    release: () => {
      worker.off("message", keep);
      worker.off("exit", ended);
      channel.port1.off("message", call);
    },
  };
  worker.on("message", keep);
  worker.once("exit", ended);
  channel.port1.on("message", call);
  worker.postMessage({ kind: "evaluate", id: HEAD_ID, file: h.file, attrs: h.attrs, stream: head.stream } satisfies EvalRequest);
  prestarted.head = head;
}

/**
 * Answer the head start's path() calls with `early` until the Evaluator takes the thread over (a
 * recipe calls path() first thing; otherwise it waits for the command to load). `early` must be
 * what the command's evaluation will answer with, so the paths it hands out are owed (EarlyPaths).
 */
export function answerHeadEarly(early: EarlyPaths): void {
  const head = prestarted?.head;
  if (head === undefined) return;
  head.earlyPaths = early;
  serveEarly(head);
}

/** Answer what `head.earlyPaths` can; an error is left to the Evaluator, which reports it. */
function serveEarly(head: StartedHead): void {
  const early = head.earlyPaths;
  if (early === undefined) return;
  serveCalls(head.calls, head.channel.port1, head.flag, (c) => {
    try {
      const result = early(...c.args);
      return result === undefined ? undefined : { ok: true, result };
    } catch {
      return undefined;
    }
  });
}

/**
 * The prestarted thread, or a new one. A thread given a head start for another store dir or
 * cache dir (or that has ended) is dropped for a new one.
 */
export function takeEvaluationThread(storeDir: string, cacheDir: string): EvaluationThread {
  const t = prestarted ?? { worker: spawnWorker() };
  prestarted = undefined;
  const h = t.head;
  if (h !== undefined && (h.ended || h.storeDir !== storeDir || h.cacheDir !== cacheDir)) {
    h.release();
    void t.worker.terminate();
    return { worker: spawnWorker() };
  }
  return t;
}
