export interface SandboxInput {
    /** Logical store path, as the build sees it. */
    path: string;
    /** Where it is on the host. */
    real: string;
    /** Set when the store object itself is a symlink: recreated, not bound. */
    symlinkTarget?: string;
}
export interface SandboxSpec {
    storeDir: string;
    /** Host directory that becomes the store dir inside: private, writable, empty at the start. */
    storeMount: string;
    /** Host directory that becomes /build. */
    buildDir: string;
    /** Host files for /etc/passwd, /etc/group, /etc/hosts. */
    etc: {
        passwd: string;
        group: string;
        hosts: string;
    };
    inputs: SandboxInput[];
    builder: string;
    args: string[];
    env: [string, string][];
    /** The build's own uid/gid inside (non-zero). */
    uid: number;
    gid: number;
    /** Keep the host's network namespace (never for ordinary builds). */
    shareNet?: boolean;
}
export declare const SANDBOX_UID = 1000;
export declare const SANDBOX_GID = 100;
/** bwrap's arguments; everything the derivation controls comes after `--`. */
export declare function bwrapArgs(spec: SandboxSpec): string[];
/** The synthetic /etc files of a build, as Nix writes them. */
export declare function etcFiles(uid: number, gid: number): {
    passwd: string;
    group: string;
    hosts: string;
};
