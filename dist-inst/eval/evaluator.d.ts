import { type EarlyPaths } from "./prestart.js";
import { type Evaluation, type Selection } from "./protocol.js";
import { type ClosureEntry, type TextObject } from "./instantiate.js";
import type { EvalStore } from "./state.js";
export { expandSelection, type Evaluation, type Selection, type SelectedDerivation } from "./protocol.js";
export type { EvalDeps } from "./purity.js";
export type { TextObject } from "./instantiate.js";
export type { EarlyPaths } from "./prestart.js";
export declare class Evaluator {
    readonly storeDir: string;
    private readonly cacheDir;
    private worker;
    private channel;
    private flag;
    /** The request the thread was given before this took it over (HEAD_ID), until evaluate() claims it. */
    private head;
    private readonly pending;
    private readonly streams;
    private calls;
    private store;
    private early;
    private nextId;
    private failed;
    private started;
    /**
     * Take the prestarted evaluation thread (it loads while the caller opens the store); without
     * one, a thread starts when first asked for something (an evaluation cache hit needs none).
     */
    constructor(storeDir: string, cacheDir: string);
    private ensureStarted;
    private start;
    private receive;
    /**
     * Claim the head start if it asked for exactly this evaluation: its answers so far, to replay.
     * Otherwise the thread is busy with something else and is replaced by a new one.
     */
    private claimHead;
    /** The store path() copies into; calls wait until it is attached (or `early` answers them). */
    useStore(store: EvalStore): void;
    /** Answers path() calls before the store is attached, where it can (see EarlyPaths). */
    answerEarly(early: EarlyPaths): void;
    private serve;
    private fail;
    /** Send `req`; or, given the head start's answers so far (`claimed`), take over its request. */
    private request;
    /**
     * Load `file`, select `attrs` (none: the default export) and compute what they need. With
     * `onMade`, the text objects made are also handed over in batches while evaluation goes on,
     * until it returns false.
     */
    evaluate(file: string, attrs: readonly string[], onMade?: (made: TextObject[]) => boolean): Promise<Evaluation<Selection>>;
    /** No more streamed text objects are wanted for the evaluation under way. */
    stopStreaming(): void;
    /** The text objects the last evaluation's selection needs, with their references. */
    closure(): Promise<ClosureEntry[]>;
    /** Text objects the evaluation made. */
    texts(paths: readonly string[]): Promise<TextObject[]>;
    close(): Promise<void>;
}
