export interface Generation {
    profile: string;
    number: number;
    link: string;
    /** Seconds since the epoch: when the generation link was made (its lstat mtime, as Nix). */
    created: number;
}
/** `Nd` -> seconds. Nix accepts only days here too. */
export declare function parseOlderThan(spec: string): number;
/** Every profile in `profilesDir` (and below, when `recurse`): the link and its current generation number. */
export declare function listProfiles(profilesDir: string, recurse?: boolean): {
    profile: string;
    current: number | undefined;
    generations: Generation[];
}[];
/** Runs `f` holding the lock that serialises changes to `profile` (the CLI passes profiles/lock.ts's). */
export type ProfileLocker = <T>(profile: string, f: () => T) => Promise<T>;
/**
 * Delete generations created before `now - olderThan`, never the current one, each profile under
 * its lock (as Nix's deleteGenerationsOlderThan holds lockProfile): a concurrent switch to a
 * generation being deleted would otherwise leave the profile link pointing at a missing one. As
 * Nix, the newest generation older than the cutoff is kept too: it was the one in use at that
 * time. Returns the generation links removed (or that would be, when `dryRun`).
 */
export declare function deleteGenerationsOlderThan(profilesDir: string, olderThanSeconds: number, now: number, withLock: ProfileLocker, dryRun?: boolean): Promise<Generation[]>;
