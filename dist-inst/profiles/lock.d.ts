export interface ProfileLock {
    release(): void;
}
export interface LockOptions {
    /** Called once if the lock is busy for more than a second (to tell the user). */
    onWait?: () => void;
}
/**
 * The lock's abstract socket name for a profile (the leading NUL makes it abstract): a hash of its
 * directory's real path (so two spellings of one directory, through a symlink, share the lock)
 * and its name.
 */
export declare function lockName(profileLink: string): string;
/** Wait until this process holds the profile's lock. */
export declare function lockProfile(profileLink: string, opts?: LockOptions): Promise<ProfileLock>;
