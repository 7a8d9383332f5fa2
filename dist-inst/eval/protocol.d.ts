import { type ErrorCode } from "../store/format/errors.js";
import type { ClosureEntry, PackedTexts } from "./instantiate.js";
import type { EvalDeps } from "./purity.js";
import type { EvalStore } from "./state.js";
/** The first message to the worker. */
export interface WorkerInit {
    kind: "init";
    storeDir: string;
    cacheDir: string;
    /** The worker's end of the channel for its synchronous calls into the store. */
    rpc: import("node:worker_threads").MessagePort;
    /**
     * Two Int32 flags the main thread sets: [0] (notified) when its answer to a call is posted,
     * [1] when streamed text objects are not wanted any more.
     */
    flag: SharedArrayBuffer;
}
/** What was selected, by columns (index i of each is one selected derivation). */
export interface Selection {
    attr: string[];
    name: string[];
    drvPath: string[];
    outPath: string[];
    outputName: string[];
    /** Index -> [output name, path] of every output, where there is more than the selected one. */
    others: Record<number, [string, string][]>;
}
/** A selected derivation, as plain data. */
export interface SelectedDerivation {
    name: string;
    drvPath: string;
    /** Its selected output's path. */
    outPath: string;
    outputName: string;
    all: {
        outputName: string;
        outPath: string;
    }[];
}
export interface Evaluation<S = {
    attr: string;
    drv: SelectedDerivation;
}[]> {
    selected: S;
    /**
     * The selected .drv paths no other part of the selection's closure refers to: when these are
     * valid, so is everything the selection needs.
     */
    tops: string[];
    /** What the evaluation thread's evaluations so far read (for the evaluation cache). */
    deps: EvalDeps;
}
/** The selection as objects. */
export declare function expandSelection(s: Selection): {
    attr: string;
    drv: SelectedDerivation;
}[];
export type EvalRequest = {
    kind: "evaluate";
    id: number;
    file: string;
    attrs: string[];
    stream: boolean;
} | {
    kind: "closure";
    id: number;
} | {
    kind: "texts";
    id: number;
    paths: string[];
};
export type SerializedError = {
    cairn: true;
    code: ErrorCode;
    message: string;
    data: Record<string, unknown>;
} | {
    cairn: false;
    message: string;
    stack?: string;
};
/** A synchronous call from the worker (a recipe's path()): the arguments of EvalStore.addPath. */
export type PathCall = {
    op: "addPath";
    args: Parameters<EvalStore["addPath"]>;
};
/** The answer to a synchronous call from the worker. */
export type CallReply = {
    ok: true;
    result: unknown;
} | {
    ok: false;
    error: SerializedError;
};
export type EvalReply = {
    id: number;
    ok: true;
    value: Evaluation<Selection> | ClosureEntry[] | PackedTexts;
} | {
    id: number;
    ok: false;
    error: SerializedError;
}
/** Streamed while evaluating (when asked): text objects just made. */
 | {
    id: number;
    made: PackedTexts;
};
export declare function serializeError(e: unknown): SerializedError;
export declare function deserializeError(e: SerializedError): Error;
