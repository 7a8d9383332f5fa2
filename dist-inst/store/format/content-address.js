// Content-address strings as Nix records them (path-info `ca`, narinfo `CA:`).
// Nix: src/libstore/content-address.cc.
import { CairnError } from "./errors.js";
import { parseHash, printHash } from "./hash.js";
export function printContentAddress(ca) {
    const h = printHash(ca.hash, "nix32", true);
    if (ca.kind === "text")
        return `text:${h}`;
    return `fixed:${ca.method === "recursive" ? "r:" : ""}${h}`;
}
export function parseContentAddress(s) {
    if (s.startsWith("text:")) {
        const hash = parseHash(s.slice(5));
        if (hash.algo !== "sha256")
            throw new CairnError("E_BAD_HASH", `text content address '${s}' must use sha256`, { input: s });
        return { kind: "text", hash };
    }
    if (s.startsWith("fixed:r:"))
        return { kind: "fixed", method: "recursive", hash: parseHash(s.slice(8)) };
    if (s.startsWith("fixed:"))
        return { kind: "fixed", method: "flat", hash: parseHash(s.slice(6)) };
    throw new CairnError("E_BAD_HASH", `invalid content address '${s}': expected text:… or fixed:…`, { input: s });
}
//# sourceMappingURL=content-address.js.map