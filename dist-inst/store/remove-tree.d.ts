/** Remove `root` and everything below it; a missing root is not an error. */
export declare function removeTree(root: string | Buffer): void;
