export declare function findProgram(names: string[]): string | undefined;
export interface HostTools {
    bash: string;
    /** A small POSIX shell for the parent guard (dash starts in a third of bash's time). */
    sh: string;
    setpriv: string;
    bwrap: string | undefined;
}
export declare function hostTools(): HostTools;
