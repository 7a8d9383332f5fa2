import { type StorePath } from "./format/store-path.js";
export declare class Layout {
    /** Physical directory of store objects: ROOT/store. */
    readonly realStoreDir: string;
    readonly dbDir: string;
    readonly profilesDir: string;
    readonly gcrootsDir: string;
    /** One file of temp roots per live process using the store (store/temp-roots.ts). */
    readonly tempRootsDir: string;
    readonly logDir: string;
    /** Where half-written objects and deleted ones wait, on the store's own file system. */
    readonly trashDir: string;
    readonly root: string;
    /** The logical store dir: ROOT/store unless configured otherwise (e.g. /nix/store). */
    readonly storeDir: string;
    constructor(root: string, storeDir?: string);
    printPath(p: StorePath): string;
    parsePath(p: string): StorePath;
    /** Physical location of a store path. */
    realPath(p: StorePath): string;
}
