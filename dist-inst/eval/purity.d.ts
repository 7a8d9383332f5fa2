/** What an evaluation thread's evaluations so far depended on. */
export interface EvalDeps {
    /** Recipe files and JSON modules loaded: [absolute path, sha256 of the bytes, hex]. */
    files: [string, string][];
    /** Files whose absence decided an import (`./x.js` naming ./x.ts). */
    absent: string[];
    /** The first thing read that the cache cannot check (the evaluation is then not cached). */
    impure?: string;
}
export declare class Purity {
    private readonly files;
    private readonly absent;
    private impure;
    private paused;
    /** Something was read that the cache cannot check. */
    note(what: string): void;
    /** A file the evaluation read, with its bytes. */
    read(file: string, bytes: string | Uint8Array): void;
    /** A file whose absence decided an import. */
    missing(file: string): void;
    /** A module imported through Node (not a recipe file): only pure builtins keep the evaluation cacheable. */
    imported(url: string): void;
    /** Run cairn's own code that may use what is watched (the stripper, cache writes). */
    untracked<T>(f: () => T): T;
    deps(): EvalDeps;
    /** Watch the globals through which code reaches the environment, the clock and randomness. */
    watchGlobals(g?: typeof globalThis): void;
}
