import { type Derivation } from "../store/format/index.js";
export interface SubstituteOutcome {
    /** Paths now valid -> the cache they came from. */
    substituted: Map<string, string>;
    /** Paths not substituted -> one reason per cache. */
    failed: Map<string, string[]>;
}
/** Fetches what it can of `paths` (with their closures) from the configured caches. */
export type Substituter = (paths: string[]) => Promise<SubstituteOutcome>;
export declare function substituteGraph(wanted: readonly string[], read: (drvPath: string) => Derivation, isValid: (p: string) => boolean, substituter: Substituter, known?: (drvPath: string) => Map<string, string> | undefined, onResult?: (o: SubstituteOutcome) => void): Promise<void>;
