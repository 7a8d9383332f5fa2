/** Walks the outputs (real locations) without following symlinks; throws on the first problem. */
export declare function checkOutputTrees(outputs: {
    path: string;
    real: string;
}[], uid: number): void;
