/** Relative paths (from the root, "" for the root itself) that differ between `a` and `b`. */
export declare function diffTrees(a: string, b: string, rel?: string): string[];
