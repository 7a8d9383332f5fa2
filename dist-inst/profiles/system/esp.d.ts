import { type EspOp, type EspPlan, type EspState } from "./esp-plan.js";
export declare function checkEspDir(esp: string): void;
export declare function scanEsp(esp: string): EspState;
export interface EspSpace {
    free: number;
    blockSize: number;
}
export declare function espSpace(esp: string): EspSpace;
export interface ApplyOptions {
    log: (line: string) => void;
    /** Replaces statfs (tests on machines where a small file system cannot be mounted). */
    space?: EspSpace;
}
/** Refuse, before writing anything, when the ESP lacks room for the plan's writes. */
export declare function checkSpace(esp: string, plan: EspPlan, opts?: Pick<ApplyOptions, "space">): {
    needed: number;
    free: number;
};
export declare function applyOps(esp: string, ops: readonly EspOp[], opts: ApplyOptions): void;
