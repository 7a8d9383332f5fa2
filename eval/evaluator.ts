// The main thread's side of evaluation: a worker thread evaluates recipes (eval/worker.ts, with
// --experimental-vm-modules for eval/linker.ts) while this thread opens the store; path() calls
// from recipes are served here, against the store the caller attaches.
import type { MessageChannel, Worker } from "node:worker_threads";
import { HEAD_ID, hasPrestarted, initThread, serveCalls, takeEvaluationThread, type EarlyPaths, type EvaluationThread, type StartedHead } from "./prestart.js";
import {
  deserializeError,
  serializeError,
  type CallReply,
  type EvalReply,
  type PathCall,
  type EvalRequest,
  type Evaluation,
  type Selection,
} from "./protocol.js";
import { unpackTexts, type ClosureEntry, type PackedTexts, type TextObject } from "./instantiate.js";
import type { EvalStore } from "./state.js";

export { expandSelection, type Evaluation, type Selection, type SelectedDerivation } from "./protocol.js";
export type { EvalDeps } from "./purity.js";
export type { TextObject } from "./instantiate.js";

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export type { EarlyPaths } from "./prestart.js";

export class Evaluator {
  private worker!: Worker;
  private channel!: MessageChannel;
  private flag!: Int32Array;
  /** The request the thread was given before this took it over (HEAD_ID), until evaluate() claims it. */
  private head: StartedHead | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly streams = new Map<number, (made: TextObject[]) => boolean>();
  private calls: PathCall[] = [];
  private store: EvalStore | undefined;
  private early: EarlyPaths | undefined;
  private nextId = 1;
  private failed: Error | undefined;

  private started = false;

  /**
   * Take the prestarted evaluation thread (it loads while the caller opens the store); without
   * one, a thread starts when first asked for something (an evaluation cache hit needs none).
   */
  constructor(
    readonly storeDir: string,
    private readonly cacheDir: string,
  ) {
    if (hasPrestarted()) this.start(takeEvaluationThread(storeDir, cacheDir));
  }

  private ensureStarted(): void {
    if (!this.started) this.start(takeEvaluationThread(this.storeDir, this.cacheDir));
  }

  private start(t: EvaluationThread): void {
    this.started = true;
    this.worker = t.worker;
    this.worker.ref();
    this.head = t.head;
    ({ channel: this.channel, flag: this.flag } = t.head ?? initThread(this.worker, this.storeDir, this.cacheDir));
    this.nextId = HEAD_ID + 1;
    this.worker.on("message", (r: EvalReply) => this.receive(r));
    this.worker.on("error", (e) => this.fail(e));
    this.worker.on("exit", (code) => this.fail(new Error(`the evaluation thread ended (exit code ${code})`)));
    t.head?.release();
    // The head start's unanswered path() calls, and who answered the others meanwhile.
    this.calls = t.head?.calls ?? [];
    this.early ??= t.head?.earlyPaths;
    this.channel.port1.on("message", (c: PathCall) => {
      this.calls.push(c);
      this.serve();
    });
  }

  private receive(r: EvalReply): void {
    // The head start's messages wait for evaluate() to claim them.
    if (this.head !== undefined && r.id === HEAD_ID) {
      this.head.answered.push(r);
      return;
    }
    if ("made" in r) {
      if (this.streams.get(r.id)?.(unpackTexts(r.made)) === false) this.stopStreaming();
      return;
    }
    this.streams.delete(r.id);
    const p = this.pending.get(r.id);
    this.pending.delete(r.id);
    if (r.ok) p?.resolve(r.value);
    else p?.reject(deserializeError(r.error));
  }

  /**
   * Claim the head start if it asked for exactly this evaluation: its answers so far, to replay.
   * Otherwise the thread is busy with something else and is replaced by a new one.
   */
  private claimHead(file: string, attrs: readonly string[], stream: boolean): unknown[] | undefined {
    const h = this.head;
    if (h === undefined) return undefined;
    this.head = undefined;
    if (file === h.file && stream === h.stream && attrs.length === h.attrs.length && attrs.every((a, i) => a === h.attrs[i])) return h.answered;
    this.worker.removeAllListeners();
    this.channel.port1.close();
    this.calls = []; // the old thread's path() calls: a reply would reach the new one
    void this.worker.terminate();
    this.start(takeEvaluationThread(this.storeDir, this.cacheDir));
    return undefined;
  }

  /** The store path() copies into; calls wait until it is attached (or `early` answers them). */
  useStore(store: EvalStore): void {
    this.store = store;
    this.serve();
  }

  /** Answers path() calls before the store is attached, where it can (see EarlyPaths). */
  answerEarly(early: EarlyPaths): void {
    this.early = early;
    this.serve();
  }

  private serve(): void {
    if (!this.started) return; // no calls yet
    serveCalls(this.calls, this.channel.port1, this.flag, (c): CallReply | undefined => {
      try {
        const result = this.store !== undefined ? this.store.addPath(...c.args) : this.early?.(...c.args);
        return result === undefined ? undefined : { ok: true, result }; // undefined: for the store
      } catch (e) {
        return { ok: false, error: serializeError(e) };
      }
    });
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  /** Send `req`; or, given the head start's answers so far (`claimed`), take over its request. */
  private request<T>(
    req: EvalRequest extends infer R ? (R extends unknown ? Omit<R, "id"> : never) : never,
    onMade?: (made: TextObject[]) => boolean,
    claimed?: unknown[],
  ): Promise<T> {
    this.ensureStarted();
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const id = claimed !== undefined ? HEAD_ID : this.nextId++;
    if (onMade !== undefined) this.streams.set(id, onMade);
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      if (claimed === undefined) this.worker.postMessage({ ...req, id } as EvalRequest);
      else for (const r of claimed.splice(0)) this.receive(r as EvalReply);
    });
  }

  /**
   * Load `file`, select `attrs` (none: the default export) and compute what they need. With
   * `onMade`, the text objects made are also handed over in batches while evaluation goes on,
   * until it returns false.
   */
  async evaluate(file: string, attrs: readonly string[], onMade?: (made: TextObject[]) => boolean): Promise<Evaluation<Selection>> {
    this.ensureStarted();
    const stream = onMade !== undefined;
    const claimed = this.claimHead(file, attrs, stream);
    if (claimed === undefined) Atomics.store(this.flag, 1, 0);
    return this.request<Evaluation<Selection>>({ kind: "evaluate", file, attrs: [...attrs], stream }, onMade, claimed);
  }

  /** No more streamed text objects are wanted for the evaluation under way. */
  stopStreaming(): void {
    if (!this.started) return;
    Atomics.store(this.flag, 1, 1);
  }

  /** The text objects the last evaluation's selection needs, with their references. */
  closure(): Promise<ClosureEntry[]> {
    return this.request({ kind: "closure" });
  }

  /** Text objects the evaluation made. */
  async texts(paths: readonly string[]): Promise<TextObject[]> {
    return unpackTexts(await this.request<PackedTexts>({ kind: "texts", paths: [...paths] }));
  }

  async close(): Promise<void> {
    if (!this.started) return;
    this.worker.removeAllListeners("exit");
    this.channel.port1.close();
    await this.worker.terminate();
  }
}
