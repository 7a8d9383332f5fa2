import { CairnError, type Derivation } from "../store/format/index.js";
import type { LocalStore } from "../store/local-store.js";
export interface GoalSettings {
    sandbox: boolean;
    buildCores: number;
    keepFailed: boolean;
    check: boolean;
    timeoutMs: number;
    maxSilentMs: number;
    /** The system this machine builds for (`x86_64-linux`). */
    system: string;
    signal: AbortSignal;
}
export interface GoalEvents {
    log(drvPath: string, line: string): void;
    /** A note for the user (kept build dir, fetch progress). */
    note(drvPath: string, text: string): void;
}
/** Why a build failed, for Nix's exit statuses. */
export type FailureKind = "failed" | "timeout" | "hash-mismatch" | "check-mismatch" | "cancelled";
export declare class BuildFailure extends CairnError {
    readonly kind: FailureKind;
    constructor(kind: FailureKind, message: string, data?: Record<string, unknown>);
}
export declare function currentSystem(): string;
/** The store paths a build of `drv` may see: its sources and used input outputs, closed. */
export declare function inputClosure(store: LocalStore, drv: Derivation, outputsOf: (drvPath: string) => Map<string, string>): string[];
export interface GoalResult {
    outputs: Map<string, string>;
    /** Built here (false: another process built it while we waited, or it was valid). */
    built: boolean;
}
/**
 * Build `drvPath` (its inputs valid). The caller holds the claims on `missing` outputs and
 * releases them afterwards.
 */
export declare function runGoal(store: LocalStore, buildsDir: string, drvPath: string, drv: Derivation, inputs: string[], missing: Set<string>, settings: GoalSettings, events: GoalEvents): Promise<void>;
/** Wait for every build area's removal, and remove the shared /etc files (the builds are done). */
export declare function settleRemovals(): Promise<void>;
