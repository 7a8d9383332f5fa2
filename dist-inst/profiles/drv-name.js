// Package names and versions as nix-env sees them. Nix: src/libexpr/names.cc (DrvName,
// compareVersions) and src/libutil/util.cc (nextComponent).
/** Split "hello-2.12" into name "hello" and version "2.12": at the first '-' not followed by a letter. */
export function parseDrvName(fullName) {
    for (let i = 0; i < fullName.length; i++) {
        if (fullName[i] === "-" && i + 1 < fullName.length && !/[A-Za-z]/.test(fullName[i + 1])) {
            return { name: fullName.slice(0, i), version: fullName.slice(i + 1) };
        }
    }
    return { name: fullName, version: "" };
}
const isDigit = (c) => c !== undefined && c >= "0" && c <= "9";
const isSep = (c) => c === "." || c === "-";
/** Version components: runs of digits, or runs of other non-separator characters. */
function components(v) {
    const out = [];
    let p = 0;
    while (p < v.length) {
        while (p < v.length && isSep(v[p]))
            p++;
        if (p >= v.length) {
            out.push("");
            break;
        }
        const s = p;
        if (isDigit(v[p]))
            while (p < v.length && isDigit(v[p]))
                p++;
        else
            while (p < v.length && !isDigit(v[p]) && !isSep(v[p]))
                p++;
        out.push(v.slice(s, p));
    }
    return out;
}
const asInt = (c) => (/^[0-9]+$/.test(c) ? Number(c) : undefined);
function componentsLT(c1, c2) {
    const n1 = asInt(c1);
    const n2 = asInt(c2);
    if (n1 !== undefined && n2 !== undefined)
        return n1 < n2;
    if (c1 === "" && n2 !== undefined)
        return true;
    if (c1 === "pre" && c2 !== "pre")
        return true;
    if (c2 === "pre")
        return false;
    // Nix assumes "2.3a" < "2.3.1": a number beats a word.
    if (n2 !== undefined)
        return true;
    if (n1 !== undefined)
        return false;
    return c1 < c2;
}
/** -1, 0 or 1, as Nix's compareVersions ("1.0pre1" < "1.0" < "1.0.1" < "1.1"). */
export function compareVersions(v1, v2) {
    const a = components(v1);
    const b = components(v2);
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const c1 = a[i] ?? "";
        const c2 = b[i] ?? "";
        if (componentsLT(c1, c2))
            return -1;
        if (componentsLT(c2, c1))
            return 1;
    }
    return 0;
}
//# sourceMappingURL=drv-name.js.map