import type { BuildEvents } from "../builder/scheduler.js";
export type ProgressMode = "tty" | "plain" | "json";
export declare class BuildProgress {
    private readonly mode;
    private readonly write;
    private readonly columns;
    private total;
    private done;
    private failedCount;
    private readonly running;
    private readonly waiting;
    private drawn;
    private timer;
    private readonly started;
    constructor(mode: ProgressMode, write: (s: string) => void, columns?: number);
    private emit;
    private clear;
    private draw;
    events(): Partial<BuildEvents>;
    finish(summary: {
        built: number;
        failed: number;
        skipped: number;
    }): void;
}
