import type { Root } from "./roots.js";
import { type Reachability, type StoreGraph } from "./reachability.js";
export interface Explanation {
    path: string;
    valid: boolean;
    alive: boolean;
    /** Root link, then store paths from the root's path down to `path` (alive only). */
    chain: string[];
    /** The root that starts `chain`. */
    via?: Root;
    /** Every root keeping `path` alive. */
    keptBy: Root[];
    /** What deleting it frees when dead (its NAR size). */
    bytes: number;
}
export declare function explain(p: string, roots: readonly Root[], graph: StoreGraph & {
    sizes: Map<string, number>;
}, reach: Reachability): Explanation;
