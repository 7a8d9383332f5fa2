import type { LocalStore } from "../store/local-store.js";
export interface OptimiseOptions {
    dryRun?: boolean;
    /** Only these paths (e.g. a build's outputs, CAIRN_AUTO_OPTIMISE); default every valid path. */
    paths?: string[];
    crash?: (point: string) => void;
    onLink?: (ev: {
        path: string;
        file: string;
        bytes: number;
    }) => void;
}
export interface OptimiseResult {
    filesLinked: number;
    bytesSaved: number;
    pathsScanned: number;
    /** Pool entries whose content no longer matched their name (left alone, reported). */
    badLinks: string[];
}
export declare function optimiseStore(store: LocalStore, opts?: OptimiseOptions): OptimiseResult;
