import { type Hash, type TreeNode } from "./format/index.js";
import type { LocalStore } from "./local-store.js";
export interface HashedTree {
    path: string;
    name: string;
    narHash: Hash;
    narSize: number;
    /** Sorted. */
    references: string[];
}
export interface AddTreeOptions {
    crash?: (point: string) => void;
    /** Seconds since the epoch (registration time). */
    now?: () => number;
    /**
     * The caller has checked, under its temp roots, that every reference is valid: skip the
     * pre-check (registration still checks inside its transaction).
     */
    referencesChecked?: boolean;
}
/** The store path `tree` gets under `name` with `references` (nothing is written). */
export declare function hashTree(store: LocalStore, name: string, tree: TreeNode, references: Iterable<string>): HashedTree;
/** Make `t` (from hashTree) valid: write `tree`, then register it with its references. */
export declare function addTree(store: LocalStore, t: HashedTree, tree: TreeNode, opts?: AddTreeOptions): string;
