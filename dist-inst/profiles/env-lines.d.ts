/** POSIX single-quoting. */
export declare function shellQuote(s: string): string;
/** Search path variables and the profile subdirectory each takes. */
export declare const SEARCH_PATHS: readonly (readonly [variable: string, subdir: string])[];
/**
 * `export VAR=DIR${VAR:+:$VAR}` for each search path, DIR inside the profile link (not its
 * target), so a later switch takes effect in shells already set up. MANPATH keeps a trailing
 * ':' so man still searches its default path, as nix.sh arranges.
 */
export declare function envLines(profilePath: string): string;
/** PATH for a shell with these packages first: their bin/ directories, then the caller's PATH. */
export declare function pathWith(pkgRealPaths: readonly string[], basePath: string | undefined): string;
