import { type Hash, type HashAlgo } from "./format/index.js";
export declare class ParallelHasher {
    readonly algo: HashAlgo;
    private readonly ring;
    private readonly ctrl;
    private readonly result;
    private readonly st;
    private readonly data;
    private slot;
    private fill;
    private published;
    private worker;
    constructor(algo?: HashAlgo);
    private startWorker;
    private waitFor;
    private publish;
    update(chunk: Uint8Array): this;
    digest(): Hash;
}
