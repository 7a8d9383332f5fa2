import { type SandboxSpec } from "./bwrap.js";
export interface RunLimits {
    /** Kill the build after this many ms (0: never). */
    timeoutMs?: number;
    /** Kill the build after this many ms without output (0: never). */
    maxSilentMs?: number;
    /** Cancels the build (Ctrl-C, SIGTERM). */
    signal?: AbortSignal;
    /** Each chunk of the builder's stdout and stderr, interleaved. */
    onOutput: (chunk: Buffer) => void;
    /** Called with the pid once the process runs (tests, status). */
    onStart?: (pid: number) => void;
}
export interface RunResult {
    exitCode?: number;
    signal?: string;
    timedOut: boolean;
    silent: boolean;
    cancelled: boolean;
}
/** Refuses clearly when this machine cannot sandbox (no bwrap, no user namespaces). */
export declare function checkSandboxAvailable(): string;
/** Run a build inside bubblewrap. */
export declare function runSandboxed(spec: SandboxSpec, limits: RunLimits, wrapper?: string[]): Promise<RunResult>;
export interface DirectSpec {
    builder: string;
    args: string[];
    env: [string, string][];
    cwd: string;
}
/** `--no-sandbox`: the builder runs as this user, in its own process group, with a clean env. */
export declare function runUnsandboxed(spec: DirectSpec, limits: RunLimits): Promise<RunResult>;
/**
 * pasta (Debian `passt`), checked once per process by starting it for real: userspace networking
 * for fixed-output builds with their own builder. Throws a clear error when it is missing or cannot
 * work here; such builds then do not run (fail closed).
 */
export declare function usablePasta(): Promise<string>;
