import { type Derivation } from "../store/format/index.js";
export interface PlanNode {
    drvPath: string;
    drv: Derivation;
    /** Output name -> path. */
    outputs: Map<string, string>;
    /** Needed input derivations (edges of the build graph). */
    deps: string[];
}
export interface Plan {
    /** Topological order: every node after its deps. */
    nodes: PlanNode[];
    /** For every derivation looked at (needed or not): its outputs. */
    outputsOf: Map<string, Map<string, string>>;
}
export declare function outputsOfDerivation(drv: Derivation): Map<string, string>;
/**
 * `force`: derivations to build even if valid (`--check` of the wanted ones). The walk is
 * iterative, so deep chains do not exhaust the stack.
 */
export declare function makePlan(wanted: readonly string[], read: (drvPath: string) => Derivation, isValid: (p: string) => boolean, force?: ReadonlySet<string>, known?: (drvPath: string) => Map<string, string> | undefined): Plan;
