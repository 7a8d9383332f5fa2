import type { Layout } from "../store/layout.js";
import { type Crash, type ProfileRef } from "./generations.js";
export interface ProfileContext {
    layout: Layout;
    ref: ProfileRef;
    crash?: Crash;
    /** Seconds since the epoch. */
    now: () => number;
    /** Progress and notices (stderr). */
    log: (line: string) => void;
}
/** Run `f` holding the profile's lock (after clearing temp links a crash left behind). */
export declare function locked<T>(pc: ProfileContext, f: () => T | Promise<T>): Promise<T>;
export interface Switched {
    from: number | undefined;
    to: number;
}
/** Switch to generation `n`; refuses (changing nothing) when it does not exist. */
export declare function switchTo(pc: ProfileContext, n: number): Promise<Switched>;
/**
 * Where `rollback` goes: the current generation's parent. Refuses at the first generation or a
 * deleted parent. The caller holds the lock (the system profile syncs its boot entries under it).
 */
export declare function rollbackTarget(pc: ProfileContext): Switched;
/** Switch to the current generation's parent; refuses at the first generation or a deleted parent. */
export declare function rollback(pc: ProfileContext): Promise<Switched>;
