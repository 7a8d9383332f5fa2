export type MountKind = "file" | "dir";
export interface MountPoint {
    /** Where it sits in the build's store dir. */
    at: string;
    kind: MountKind;
}
export declare class MountPointPool {
    readonly dir: string;
    private readonly spare;
    private next;
    private made;
    /** `dir`: a private directory of this process (its owner tag in the name, for the GC). */
    constructor(dir: string);
    /** An empty `kind` entry at `at` (which must not exist), taken from the pool when it has one. */
    place(at: string, kind: MountKind): MountPoint;
    /** After the build, every sandbox process gone: return the mount points that are still pristine. */
    reclaim(points: readonly MountPoint[]): void;
    /** The pool's directory, if it was made (to remove once no build runs). */
    dispose(): string | undefined;
}
