export interface DrvName {
    name: string;
    version: string;
}
/** Split "hello-2.12" into name "hello" and version "2.12": at the first '-' not followed by a letter. */
export declare function parseDrvName(fullName: string): DrvName;
/** -1, 0 or 1, as Nix's compareVersions ("1.0pre1" < "1.0" < "1.0.1" < "1.1"). */
export declare function compareVersions(v1: string, v2: string): number;
