export type DeleteSpec = {
    kind: "old";
} | {
    kind: "numbers";
    numbers: number[];
} | {
    kind: "keep";
    n: number;
} | {
    kind: "older";
    days: number;
};
export interface GenerationStamp {
    number: number;
    /** Seconds since the epoch. */
    created: number;
}
export declare function parseDeleteSpec(args: readonly string[]): DeleteSpec;
/**
 * The generations to delete, oldest first. Refuses (nothing deleted) when the spec names the
 * current generation or a generation that does not exist. `gens` in any order.
 */
export declare function selectForDeletion(spec: DeleteSpec, gens: readonly GenerationStamp[], current: number | undefined, now: number): number[];
