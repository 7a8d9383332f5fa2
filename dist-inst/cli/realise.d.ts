import type { Command } from "commander";
import type { LocalStore } from "../store/local-store.js";
import { type Context } from "./context.js";
export interface RealiseOptions {
    maxJobs?: number;
    sandbox?: boolean;
    keepGoing?: boolean;
    keepFailed?: boolean;
    check?: boolean;
    timeoutSeconds?: number;
    maxSilentSeconds?: number;
    json?: boolean;
    /** Output paths known from evaluation (drvPath -> name -> path). */
    knownOutputs?: ReadonlyMap<string, Map<string, string>>;
    /** Say why outputs were not substituted. */
    verbose?: boolean;
    /** Progress output: default on stderr. */
    quiet?: boolean;
}
/** drvPath -> output name -> output path, every output valid on return. */
export type Realised = Map<string, Map<string, string>>;
export declare function addBuildOptions(cmd: Command): Command;
export declare function buildOptionsFrom(ctx: Context, opts: Record<string, unknown>): RealiseOptions;
/** Nix's exit status for a set of failures (Worker::failingExitStatus): 100 + bits. */
export declare function failingExitStatus(kinds: Iterable<string>): number;
export declare function runBuild(ctx: Context, store: LocalStore, drvPaths: readonly string[], o?: RealiseOptions): Promise<Realised>;
/** The outputs of `drvPaths`, building what is missing (as `cairn build`, without links). */
export declare function realise(ctx: Context, store: LocalStore, drvPaths: readonly string[], opts?: RealiseOptions): Promise<Realised>;
