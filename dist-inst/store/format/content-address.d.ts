import { type Hash } from "./hash.js";
import type { FileIngestionMethod } from "./store-path.js";
export type ContentAddress = {
    readonly kind: "text";
    readonly hash: Hash;
} | {
    readonly kind: "fixed";
    readonly method: FileIngestionMethod;
    readonly hash: Hash;
};
export declare function printContentAddress(ca: ContentAddress): string;
export declare function parseContentAddress(s: string): ContentAddress;
