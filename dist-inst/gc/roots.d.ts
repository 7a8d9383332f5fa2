import type { LocalStore } from "../store/local-store.js";
export type RootKind = "direct" | "indirect" | "profile" | "temp" | "claim";
export interface Root {
    kind: RootKind;
    /** The link (or `{temp:<pid>-<start>}` / `{claim:<pid>-<start>}`) that holds the root. */
    link: string;
    /** The store path it keeps alive (valid or not: the caller intersects with the valid set). */
    path: string;
}
/**
 * Follow `link` (a symlink) until a target in the store: without touching anything in the store
 * itself (its physical path may differ from the logical one). "missing" when a link in the chain
 * is gone or the chain loops.
 */
export declare function resolveRootLink(store: LocalStore, link: string): string | "missing" | "outside";
export interface FindRootsOptions {
    /** Remove indirect roots whose link is gone (Nix does; `--dry-run` does not). */
    removeDeadIndirect?: boolean;
}
/** Permanent roots: gcroots/ (direct), gcroots/auto/ (indirect), profiles/. Nix: findRoots. */
export declare function findPermanentRoots(store: LocalStore, opts?: FindRootsOptions): Root[];
/**
 * Remove the temp roots of dead owners (pid gone, or reused with another start time). The gc does
 * it once, holding its marker and before it reads any root: every temp root present after this
 * is honoured for the rest of that run, even if its owner exits meanwhile, since the owner may
 * have turned it into a permanent root the scan did not see (Nix's gc keeps the roots clients
 * sent it until it ends, for the same reason).
 */
export declare function sweepStaleTempRoots(store: LocalStore): number;
/**
 * Temp roots and claims, as roots. Without `includeDeadOwners`, only those of live processes (for
 * printing); the gc passes it after `sweepStaleTempRoots`, see there.
 */
export declare function findRuntimeRoots(store: LocalStore, opts?: {
    includeDeadOwners?: boolean;
}): Root[];
/** Every root, permanent then runtime. Nix: LocalStore::findRoots(censor = false). */
export declare function findRoots(store: LocalStore, opts?: FindRootsOptions & {
    includeDeadOwners?: boolean;
}): Root[];
/** A store path, or a link (./result, a profile) that leads to one. */
export declare function toStorePath(store: LocalStore, arg: string): string;
