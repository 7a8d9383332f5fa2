import { type Hash, type StorePath } from "./format/index.js";
import { Layout } from "./layout.js";
import { type PathInfoRecord, type StoreDb } from "./db.js";
import { type Restored } from "./nar-jobs.js";
export type PathInfo = PathInfoRecord;
export type ClaimState = "valid" | "claimed" | "busy";
export interface StoreHooks {
    /** Named crash points for tests; the CLI maps CAIRN_CRASH_AT onto this. */
    crash?: (point: string) => void;
    /** Seconds since the epoch (registration times). */
    now?: () => number;
}
export interface AddPathOptions {
    /** "recursive" (NAR, the default) or "flat" (a single regular file's bytes). */
    method?: "recursive" | "flat";
    /** Store name; defaults to the base name of the source. */
    name?: string;
}
export interface TextObject {
    path: string;
    bytes: Uint8Array;
    references: readonly string[];
}
/** Text objects written ahead to a temp dir (LocalStore.stageTexts). */
export interface TextStaging {
    readonly tmp: string;
    /** Path -> its registration, for those written. */
    readonly staged: ReadonlyMap<string, PathInfo>;
    /** Returns how many were written (not valid nor staged already). */
    add(items: readonly TextObject[]): number;
    /** Make what is staged so far durable (one syncfs), while the caller goes on. */
    sync(): Promise<void>;
    /** Whether `p` is staged and made durable by a finished sync(). */
    isDurable(p: string): boolean;
    discard(): void;
}
export interface BuiltOutput {
    /** The logical output path (claimed by the caller). */
    path: string;
    /** Where the build left it. */
    source: string;
    /** Paths whose hash parts count as references when found (the input closure and the outputs). */
    candidates: readonly string[];
    /** The .drv that built it. */
    deriver?: string;
    /** A fixed output: the declared hash, checked. */
    fixed?: {
        method: "flat" | "recursive";
        hash: Hash;
    };
}
export interface MaterialisedOutput {
    tmp: string;
    info: PathInfo;
    entries: number;
}
export interface NarImport {
    path: string;
    narHash: Hash;
    narSize?: number;
    references?: string[];
    deriver?: string;
    ca?: string;
    sigs?: string[];
    /** The binary cache it comes from (recorded as PathInfo.substitutedFrom). */
    substitutedFrom?: string;
}
export interface AddFromNarsOptions {
    /**
     * Restore the NAR of `item` into `dest` (which does not exist yet), e.g. on a worker thread.
     * `onEntry`, if the restore runs in this thread, marks each entry written (crash points).
     */
    restore: (item: NarImport, dest: string, onEntry: () => void) => Promise<Restored>;
    /** Restores in flight at once. */
    concurrency: number;
    /** Make durable and register what is restored every this many NAR bytes (and at the end). Default 512 MiB. */
    batchBytes?: number;
    /** Called after each registering transaction with the paths it registered, in order. */
    onRegistered?: (paths: readonly string[]) => void;
    /** Turn an item's failure into the caller's error (e.g. one that names the cache). */
    describeError?: (item: NarImport, e: unknown) => unknown;
}
export declare class LocalStore {
    readonly layout: Layout;
    readonly db: StoreDb;
    private readonly hooks;
    private constructor();
    /** Paths this process holds temp roots on (so each is written once). */
    private readonly tempRootsHeld;
    private tempRootsFile;
    private get tempRoots();
    get storeDir(): string;
    static open(layout: Layout, hooks?: StoreHooks): LocalStore;
    close(): Promise<void>;
    private crash;
    private now;
    parsePath(p: string): StorePath;
    queryPathInfo(p: string): PathInfo | undefined;
    isValidPath(p: string): boolean;
    queryReferences(p: string): string[];
    /** Valid paths that refer to `p` (excluding `p` itself). */
    queryReferrers(p: string): string[];
    /** The closure of `paths` under references, sorted. */
    computeClosure(paths: Iterable<string>): string[];
    /** Every valid path (a snapshot-free scan: fine for verify and gc, which re-check). */
    allValidPaths(): Iterable<PathInfo>;
    realPath(p: string): string;
    /**
     * Claim `p` for this process, unless it is valid already. Another live process's claim makes
     * us wait for it to finish (then usually find `p` valid); a dead owner's claim is taken over.
     */
    claim(p: string, tmp: string): "valid" | "claimed";
    releaseClaim(p: string): void;
    /**
     * Claim all of `paths` under `tmp` in one transaction; those another live process holds are
     * waited for one by one (claim()). Returns the paths found valid meanwhile (not claimed).
     */
    private claimOrWait;
    /** Drop claims of dead processes and their temp trees, and empty the trash. Idempotent. */
    recover(): void;
    private newTemp;
    /**
     * Make everything under `tmp` durable: per-file fsync for small trees, syncfs for big ones and
     * for those holding a symlink (see toFsync).
     */
    private syncTree;
    /** `syncTree` with each fsync on libuv's thread pool (builds: other builds go on meanwhile). */
    private syncTreeAsync;
    /**
     * Refuse a reference that is not valid before anything is written: registration re-checks in
     * its transaction, but failing there would leave the object under its final name as garbage.
     */
    private checkReferencesValid;
    /**
     * Rename a complete object to its place. Whatever is there already is unregistered garbage from
     * a crash (the caller holds the claim): a file is replaced by the rename itself, anything else
     * is moved to the trash first.
     */
    private renameIntoPlace;
    /** Move what is at `dest` to the trash and remove it (`crashPoint` in between, for tests). */
    private trashGarbage;
    /** Move a durable temp tree to `p`'s place and register it; the claim must be held. */
    private install;
    /**
     * Register paths whose files are complete and durable, in one transaction. References must be
     * valid already or among `infos`; claims on them are released.
     */
    registerValidPaths(infos: PathInfo[], alsoInTransaction?: () => void): void;
    /** `nix-store --add` (recursive) or `--add-fixed sha256` (flat). Returns the store path. */
    addPath(source: string, opts?: AddPathOptions): string;
    /** `builtins.toFile`: a text object whose references are the given (valid) store paths. */
    addText(name: string, text: string | Uint8Array, references?: string[]): string;
    /**
     * Add a store object from a NAR stream whose path and hash are known in advance (copy from a
     * cache, import). The NAR is checked against `expected` before anything is registered.
     */
    addFromNar(read: (n: number) => Uint8Array, atEnd: () => boolean, expected: NarImport): string;
    /** Refuse what an import can never register, before anything is written. */
    private checkImport;
    /** The path info of an import, once its NAR is checked against what was expected of it. */
    private importedInfo;
    /**
     * Add many store objects from NARs whose paths and hashes are known (copy from a cache), given
     * references first. All are claimed at once, under one private temp directory; up to
     * `concurrency` NARs are restored at a time (opts.restore, e.g. on worker threads), each
     * checked against its expected hash and size; then, per batch of batchBytes, one sync of the
     * file system, the renames, and one transaction registering the batch. A crash leaves
     * registered batches valid and the rest unregistered garbage. Returns the paths registered.
     */
    addFromNars(items: readonly NarImport[], opts: AddFromNarsOptions): Promise<string[]>;
    /** Remove `p` from the database if nothing valid refers to it (the files become garbage). */
    invalidatePath(p: string): void;
    /**
     * Start writing text objects before it is known which are wanted (evaluation streams what it
     * makes): each one not valid yet is written to one private temp dir, unclaimed. addTextObjects
     * then takes the ones it needs from there; the temp dir goes when it is done (discard() for
     * nothing wanted), and after a crash the gc removes it as a dead owner's.
     */
    stageTexts(): TextStaging;
    /** Write one text object under `dir` (read-only, mtime 1) and compute its registration. */
    private writeText;
    /**
     * Add many text objects (.drv files, toFile results) at once: one temp directory, one sync,
     * renames, and one registering transaction. Items must be given with their computed paths;
     * references must be valid or among the items. Those already written to `staging` are taken
     * from there. Returns how many were written.
     */
    addTextObjects(items: readonly TextObject[], staging?: TextStaging): number;
    /**
     * Claim several groups of paths in one transaction without waiting (builds poll instead of
     * blocking the event loop). In each group every path is "valid" already, "claimed" by us now, or
     * "busy" (another live process holds it; then nothing of that group is claimed).
     */
    tryClaimGroups(groups: readonly (readonly string[])[], tmp: string): Map<string, ClaimState>[];
    /** Drop this process's claims on `paths` (those it still holds), in one transaction. */
    releaseClaims(paths: Iterable<string>): void;
    /**
     * Copy a finished build's output into a private temp tree: fresh inodes, canonical modes, the
     * NAR hashed and scanned for references as it is written. Nothing is registered yet: the caller
     * checks the result (reference policies) and then calls installOutputs, or discards it.
     */
    materialiseOutput(out: BuiltOutput): MaterialisedOutput;
    private materialised;
    /** Make the outputs of one build durable, move them into place and register them together. */
    installOutputs(outs: readonly MaterialisedOutput[], drvOutputs?: ReadonlyMap<string, string>): Promise<void>;
    /**
     * Move durable temp trees into place and register them in one transaction (claims held).
     * Crash points `<what>.synced`, `<what>.renamed`, `<what>.registered`.
     */
    private placeAndRegister;
    /** Forget a materialised output that will not be installed. */
    discardOutput(o: MaterialisedOutput): void;
    /** Keep `p` alive until this process ends. Take it before checking that `p` is valid. */
    addTempRoot(p: string): void;
    /** `addTempRoot` for many paths at once. */
    addTempRoots(paths: Iterable<string>): void;
    /** Append the roots not held yet; whether there were any. Inside a transaction, no fence is needed. */
    private putTempRoots;
    /**
     * Drop this process's temp roots (at close). Not while a gc runs: a gc honours every temp root
     * it sees until its sweep ends (Nix's gc remembers the roots clients sent it), and a root made
     * from our temp root (a profile generation, ./result) may have appeared after its root scan.
     * That gc's successor removes them, as we are dead by then. A gc that takes its marker after
     * this (fresh) read scans the roots made before it.
     */
    private dropTempRoots;
    /** Replace the recorded metadata of a valid path (used by verify to record repairs). */
    updatePathInfo(info: PathInfo): void;
}
/** Claims key under which a running `cairn gc` marks itself (Nix: the exclusive gc.lock). */
export declare const GC_MARKER = "gc:marker";
