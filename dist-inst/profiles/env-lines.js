// Shell lines that put a profile on the search paths (pure). Nix: the profile part of
// nix.sh / set-environment (PATH, MANPATH, XDG_DATA_DIRS, INFOPATH).
/** POSIX single-quoting. */
export function shellQuote(s) {
    return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
/** Search path variables and the profile subdirectory each takes. */
export const SEARCH_PATHS = [
    ["PATH", "bin"],
    ["MANPATH", "share/man"],
    ["INFOPATH", "share/info"],
    ["XDG_DATA_DIRS", "share"],
];
/**
 * `export VAR=DIR${VAR:+:$VAR}` for each search path, DIR inside the profile link (not its
 * target), so a later switch takes effect in shells already set up. MANPATH keeps a trailing
 * ':' so man still searches its default path, as nix.sh arranges.
 */
export function envLines(profilePath) {
    return (SEARCH_PATHS.map(([v, sub]) => {
        const dir = shellQuote(`${profilePath}/${sub}`);
        if (v === "MANPATH")
            return `export MANPATH=${dir}:"\${MANPATH-}"`;
        if (v === "XDG_DATA_DIRS")
            return `export XDG_DATA_DIRS=${dir}:"\${XDG_DATA_DIRS:-/usr/local/share:/usr/share}"`;
        return `export ${v}=${dir}"\${${v}:+:\$${v}}"`;
    }).join("\n") + "\n");
}
/** PATH for a shell with these packages first: their bin/ directories, then the caller's PATH. */
export function pathWith(pkgRealPaths, basePath) {
    return [...pkgRealPaths.map((p) => `${p}/bin`), ...(basePath ? [basePath] : [])].join(":");
}
//# sourceMappingURL=env-lines.js.map