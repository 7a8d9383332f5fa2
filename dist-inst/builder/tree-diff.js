// Which files differ between two trees (for `build --check`): compared by type, mode and bytes,
// never following symlinks. Nix reports the paths and leaves the diffing to a diff hook.
import fs from "node:fs";
import path from "node:path";
function describe(p) {
    let st;
    try {
        st = fs.lstatSync(p);
    }
    catch {
        return undefined;
    }
    if (st.isSymbolicLink())
        return `l:${fs.readlinkSync(p)}`;
    if (st.isDirectory())
        return "d";
    return `f:${st.mode & 0o100 ? "x" : "-"}:${st.size}`;
}
/** Relative paths (from the root, "" for the root itself) that differ between `a` and `b`. */
export function diffTrees(a, b, rel = "") {
    const pa = rel ? path.join(a, rel) : a;
    const pb = rel ? path.join(b, rel) : b;
    const da = describe(pa);
    const db = describe(pb);
    const shown = rel === "" ? "." : rel;
    if (da !== db)
        return [shown];
    if (da === "d") {
        const names = new Set([...fs.readdirSync(pa), ...fs.readdirSync(pb)]);
        return [...names].sort().flatMap((n) => diffTrees(a, b, rel ? path.join(rel, n) : n));
    }
    if (da?.startsWith("f:") && !fs.readFileSync(pa).equals(fs.readFileSync(pb)))
        return [shown];
    return [];
}
//# sourceMappingURL=tree-diff.js.map