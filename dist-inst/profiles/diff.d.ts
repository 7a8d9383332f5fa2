import { type Manifest } from "./manifest.js";
export interface ClosureEntry {
    path: string;
    narSize: number;
}
export interface VersionChange {
    name: string;
    from: string[];
    to: string[];
    /** "upgrade", "downgrade", or "change" (several versions, or the same version rebuilt). */
    kind: "upgrade" | "downgrade" | "change";
}
export interface ElementDiff {
    added: {
        name: string;
        version: string;
    }[];
    removed: {
        name: string;
        version: string;
    }[];
    changed: VersionChange[];
    closure?: {
        before: {
            paths: number;
            size: number;
        };
        after: {
            paths: number;
            size: number;
        };
        pathsAdded: number;
        pathsRemoved: number;
        sizeDelta: number;
    };
}
/** Diff two manifests; closures (when given) add the size line. */
export declare function diffManifests(before: Manifest, after: Manifest, closures?: {
    before: ClosureEntry[];
    after: ClosureEntry[];
}): ElementDiff;
export declare const isEmptyDiff: (d: ElementDiff) => boolean;
/** Bytes as nvd and Nix print them: "1.5 KiB", "12.0 MiB". */
export declare function humanBytes(n: number, signed?: boolean): string;
/** nvd's layout: a header per side, then version changes, added and removed packages, closure size. */
export declare function printElementDiff(d: ElementDiff, beforeLabel: string, afterLabel: string): string;
/** One line of the history: "+hello 2.12, -foo 1.0, hello 1.0 -> 1.1". */
export declare function summariseDiff(d: ElementDiff): string;
export interface ClosureChange {
    name: string;
    removed: string[];
    added: string[];
    sizeDelta: number;
}
/**
 * Nix's diff-closures: group both closures by package name; report version sets that differ and
 * size changes of at least 8 KiB. `nameOf` gives a store path's name.
 */
export declare function diffClosures(before: ClosureEntry[], after: ClosureEntry[], nameOf: (p: string) => string): ClosureChange[];
export declare function printClosureChanges(cs: ClosureChange[]): string;
