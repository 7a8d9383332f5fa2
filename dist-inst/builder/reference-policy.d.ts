export interface OutputChecks {
    allowedReferences?: string[];
    disallowedReferences?: string[];
    allowedRequisites?: string[];
    disallowedRequisites?: string[];
}
/**
 * The checks for each output: from the environment (non-structured: whitespace-separated lists
 * that apply to every output) or from `outputChecks.<output>` of structured attributes.
 */
export declare function outputChecksOf(env: ReadonlyMap<string, string>, outputs: readonly string[]): Map<string, OutputChecks>;
/**
 * Throws when output `path` (named `name`) breaks a check. `references` are its direct references,
 * `requisites` its closure (itself included, as Nix), `outputPaths` this derivation's outputs.
 */
export declare function enforceOutputChecks(name: string, path: string, checks: OutputChecks, references: readonly string[], requisites: () => readonly string[], outputPaths: ReadonlyMap<string, string>): void;
