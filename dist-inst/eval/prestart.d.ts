import { MessageChannel, Worker } from "node:worker_threads";
import type { MessagePort } from "node:worker_threads";
import type { CallReply, PathCall } from "./protocol.js";
import type { EvalStore } from "./state.js";
/**
 * The evaluation cli/main.ts expects from its command line, sent to the thread before the command
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
export declare function serveCalls(calls: PathCall[], port: MessagePort, flag: Int32Array, answer: (c: PathCall) => CallReply | undefined): void;
/** The id of the head start's request. */
export declare const HEAD_ID = 1;
/** Send a new thread its init: the channel for its path() calls and the flags (see WorkerInit). */
export declare function initThread(worker: Worker, storeDir: string, cacheDir: string): {
    channel: MessageChannel;
    flag: Int32Array;
};
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
/** Start the evaluation thread now, for an Evaluator made later. Unused, it does not keep the process alive. */
export declare function prestartEvaluator(): void;
/** Whether a thread was prestarted and not taken yet. */
export declare function hasPrestarted(): boolean;
/** Give the prestarted thread its first evaluation now (see HeadStart). */
export declare function headStart(h: HeadStart): void;
/**
 * Answer the head start's path() calls with `early` until the Evaluator takes the thread over (a
 * recipe calls path() first thing; otherwise it waits for the command to load). `early` must be
 * what the command's evaluation will answer with, so the paths it hands out are owed (EarlyPaths).
 */
export declare function answerHeadEarly(early: EarlyPaths): void;
/**
 * The prestarted thread, or a new one. A thread given a head start for another store dir or
 * cache dir (or that has ended) is dropped for a new one.
 */
export declare function takeEvaluationThread(storeDir: string, cacheDir: string): EvaluationThread;
