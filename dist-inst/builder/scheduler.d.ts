import { CairnError } from "../store/format/index.js";
import type { LocalStore } from "../store/local-store.js";
import { type PlanNode } from "./plan.js";
import { type SubstituteOutcome, type Substituter } from "./substitution.js";
import { type FailureKind, type GoalSettings } from "./goal.js";
export interface BuildEvents {
    planned(nodes: readonly PlanNode[]): void;
    started(drvPath: string): void;
    waiting(drvPath: string, path: string): void;
    finished(drvPath: string, how: "built" | "checked" | "by-other"): void;
    failed(drvPath: string, error: CairnError): void;
    skipped(drvPath: string, because: string): void;
    log(drvPath: string, line: string): void;
    note(drvPath: string, text: string): void;
    substituted(outcome: SubstituteOutcome): void;
}
export interface BuildOptions extends Omit<GoalSettings, "signal"> {
    maxJobs: number;
    keepGoing: boolean;
    signal?: AbortSignal;
    events?: Partial<BuildEvents>;
    /** Output paths the caller already knows (from evaluation): spares reading valid .drv files. */
    knownOutputs?: (drvPath: string) => Map<string, string> | undefined;
    /** Fetch outputs from binary caches before building them (CAIRN_SUBSTITUTERS). */
    substitute?: Substituter;
    /** How often to look again at an output another process is building. */
    pollMs?: number;
}
export interface BuildSummary {
    /** drvPath -> output name -> path, for the wanted derivations. */
    outputs: Map<string, Map<string, string>>;
    built: string[];
    /** The output paths this run registered. */
    builtOutputs: string[];
    failed: {
        drvPath: string;
        error: CairnError;
        kind: FailureKind;
    }[];
    skipped: string[];
}
export declare function buildDerivations(store: LocalStore, wanted: readonly string[], opts: BuildOptions): Promise<BuildSummary>;
