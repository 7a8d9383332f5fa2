export interface ProcessId {
    readonly pid: number;
    readonly start: number;
}
export declare function startTimeOf(pid: number): number | undefined;
export declare function selfId(): ProcessId;
export declare function isAlive(id: ProcessId): boolean;
/** A name fragment that encodes the owner, so a temp dir's liveness is known from its name. */
export declare function ownerTag(id?: ProcessId): string;
export declare function parseOwnerTag(s: string): ProcessId | undefined;
