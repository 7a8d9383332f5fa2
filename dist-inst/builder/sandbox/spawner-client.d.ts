export interface ProcessExit {
    exitCode?: number;
    signal?: string;
}
export interface SpawnedJob {
    /** The pid of the process started (resolves once it runs). */
    readonly pid: Promise<number>;
    /** Ends when the process has exited and its output is drained. */
    readonly done: Promise<ProcessExit>;
    /** Kill the process and everything it started. */
    kill(): void;
}
declare class Spawner {
    private readonly child;
    private readonly jobs;
    private nextId;
    private readonly ready;
    private dead;
    constructor();
    /** Keep cairn's event loop alive only while builds run. */
    private updateRef;
    private send;
    run(cmd: string[], env: Record<string, string>, cwd: string, detached: boolean, onOutput: (chunk: Buffer) => void): SpawnedJob;
}
/** The spawner of this process, started now if it is not running (builds may call it early). */
export declare function buildSpawner(): Spawner;
export {};
