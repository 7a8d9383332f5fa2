export type ToSpawner = {
    t: "run";
    id: number;
    cmd: string[];
    env: Record<string, string>;
    cwd: string;
    detached: boolean;
} | {
    t: "kill";
    id: number;
};
export type FromSpawner = {
    t: "ready";
} | {
    t: "started";
    id: number;
    pid: number;
} | {
    t: "out";
    id: number;
    data: Uint8Array;
} | {
    t: "exit";
    id: number;
    exitCode?: number;
    signal?: string;
    error?: string;
};
