import type { LocalStore } from "../store/local-store.js";
import { type TreeReader } from "./buildenv.js";
import { type Manifest } from "./manifest.js";
export declare const USER_ENV_NAME = "user-environment";
/** Reads package trees on disk; symlinks count as directories when they lead to one. */
export declare const fsTreeReader: TreeReader;
export interface UserEnvironment {
    path: string;
    links: number;
    dirs: number;
}
/**
 * What closures and diffs need of a valid path, read once per command (profile.ts's closureOf).
 * Only infos of paths kept valid while the command runs belong here (read under this process's
 * temp root, or a generation's closure under the profile lock): an entry stands for "valid".
 */
export type InfoCache = Map<string, {
    path: string;
    narSize: number;
    references: string[];
}>;
/** `p`'s entry from `cache`, else from the store (undefined: not valid). */
export declare function cachedInfo(store: LocalStore, p: string, cache: InfoCache): ({
    path: string;
    narSize: number;
    references: string[];
}) | undefined;
/**
 * Make (or find) the environment for `m`: every installed path must be valid; a collision is an
 * error naming both packages and the file. Returns the environment's store path, temp-rooted.
 * `cache` keeps the packages' infos read for the validity check (the caller's diff needs them).
 */
export declare function buildUserEnvironment(store: LocalStore, m: Manifest, crash?: (p: string) => void, cache?: InfoCache): UserEnvironment;
/** The manifest of an environment, read from its files (no database needed). */
export declare function readEnvManifest(realEnvPath: string): Manifest;
