// What changed between two environments (pure). Two views: by installed element, in the manner of
// nvd (added, removed, version changes, closure-size delta), and by closure, as Nix's
// `nix store diff-closures` (src/nix/diff-closures.cc).
import { compareUtf8 } from "../store/format/index.js";
import { compareVersions, parseDrvName } from "./drv-name.js";
import { fullName } from "./manifest.js";
const byName = (es) => {
    const m = new Map();
    for (const e of es)
        m.set(e.name, [...(m.get(e.name) ?? []), e]);
    return m;
};
const sortVersions = (vs) => [...new Set(vs)].sort(compareVersions);
/** Diff two manifests; closures (when given) add the size line. */
export function diffManifests(before, after, closures) {
    const a = byName(before.elements);
    const b = byName(after.elements);
    const d = { added: [], removed: [], changed: [] };
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort(compareUtf8)) {
        const x = a.get(name);
        const y = b.get(name);
        if (x === undefined)
            for (const e of y)
                d.added.push({ name, version: e.version });
        else if (y === undefined)
            for (const e of x)
                d.removed.push({ name, version: e.version });
        else {
            const pathsOf = (es) => es.flatMap((e) => e.storePaths).sort(compareUtf8).join(" ");
            if (pathsOf(x) === pathsOf(y))
                continue;
            const from = sortVersions(x.map((e) => e.version));
            const to = sortVersions(y.map((e) => e.version));
            let kind = "change";
            if (from.length === 1 && to.length === 1 && from[0] !== to[0])
                kind = compareVersions(from[0], to[0]) < 0 ? "upgrade" : "downgrade";
            d.changed.push({ name, from, to, kind });
        }
    }
    if (closures !== undefined) {
        const pa = new Set(closures.before.map((c) => c.path));
        const pb = new Set(closures.after.map((c) => c.path));
        const size = (cs) => cs.reduce((s, c) => s + c.narSize, 0);
        d.closure = {
            before: { paths: pa.size, size: size(closures.before) },
            after: { paths: pb.size, size: size(closures.after) },
            pathsAdded: [...pb].filter((p) => !pa.has(p)).length,
            pathsRemoved: [...pa].filter((p) => !pb.has(p)).length,
            sizeDelta: size(closures.after) - size(closures.before),
        };
    }
    return d;
}
export const isEmptyDiff = (d) => d.added.length === 0 && d.removed.length === 0 && d.changed.length === 0;
/** Bytes as nvd and Nix print them: "1.5 KiB", "12.0 MiB". */
export function humanBytes(n, signed = false) {
    const sign = signed ? (n < 0 ? "-" : "+") : n < 0 ? "-" : "";
    let v = Math.abs(n);
    if (v < 1024)
        return `${sign}${v} B`;
    const units = ["KiB", "MiB", "GiB", "TiB"];
    let u = -1;
    do {
        v /= 1024;
        u++;
    } while (v >= 1024 && u < units.length - 1);
    return `${sign}${v.toFixed(1)} ${units[u]}`;
}
const plural = (n, w) => `${n} ${w}${n === 1 ? "" : "s"}`;
/** nvd's layout: a header per side, then version changes, added and removed packages, closure size. */
export function printElementDiff(d, beforeLabel, afterLabel) {
    const lines = [`<<< ${beforeLabel}`, `>>> ${afterLabel}`];
    const tag = { upgrade: "[U]", downgrade: "[D]", change: "[C]" };
    if (d.changed.length > 0) {
        lines.push("Version changes:");
        for (const c of d.changed) {
            const same = c.from.join(", ") === c.to.join(", ");
            lines.push(`${tag[c.kind]}  ${c.name}  ${c.from.join(", ") || "ε"} -> ${c.to.join(", ") || "ε"}${same ? " (rebuilt)" : ""}`);
        }
    }
    if (d.added.length > 0) {
        lines.push("Added packages:");
        for (const a of d.added)
            lines.push(`[A]  ${a.name}  ${a.version || "ε"}`);
    }
    if (d.removed.length > 0) {
        lines.push("Removed packages:");
        for (const r of d.removed)
            lines.push(`[R]  ${r.name}  ${r.version || "ε"}`);
    }
    if (isEmptyDiff(d))
        lines.push("No version or selection state changes.");
    if (d.closure !== undefined) {
        const c = d.closure;
        lines.push(`Closure size: ${c.before.paths} -> ${c.after.paths} (${plural(c.pathsAdded, "path")} added, ${plural(c.pathsRemoved, "path")} removed, delta ${c.after.paths - c.before.paths >= 0 ? "+" : ""}${c.after.paths - c.before.paths}, disk usage ${humanBytes(c.sizeDelta, true)}).`);
    }
    return lines.join("\n") + "\n";
}
/** One line of the history: "+hello 2.12, -foo 1.0, hello 1.0 -> 1.1". */
export function summariseDiff(d) {
    const parts = [
        ...d.added.map((a) => `+${fullName(a)}`),
        ...d.removed.map((r) => `-${fullName(r)}`),
        ...d.changed.map((c) => `${c.name} ${c.from.join(",") || "ε"} -> ${c.to.join(",") || "ε"}`),
    ];
    return parts.length > 0 ? parts.join(", ") : "no changes";
}
/** Nix strips what looks like an output name ("-dev", "-lib32") before splitting name and version. */
function groupName(storeName) {
    const m = /^(.*)-([a-z]+|lib32|lib64)$/.exec(storeName);
    return parseDrvName(m ? m[1] : storeName);
}
/**
 * Nix's diff-closures: group both closures by package name; report version sets that differ and
 * size changes of at least 8 KiB. `nameOf` gives a store path's name.
 */
export function diffClosures(before, after, nameOf) {
    const group = (cs) => {
        const g = new Map();
        for (const c of cs) {
            const { name, version } = groupName(nameOf(c.path));
            const vs = g.get(name) ?? new Map();
            vs.set(version, (vs.get(version) ?? 0) + c.narSize);
            g.set(name, vs);
        }
        return g;
    };
    const a = group(before);
    const b = group(after);
    const out = [];
    for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
        const va = a.get(name) ?? new Map();
        const vb = b.get(name) ?? new Map();
        const total = (v) => [...v.values()].reduce((s, x) => s + x, 0);
        const sizeDelta = total(vb) - total(va);
        const removed = [...va.keys()].filter((v) => !vb.has(v)).sort();
        const added = [...vb.keys()].filter((v) => !va.has(v)).sort();
        if (Math.abs(sizeDelta) >= 8 * 1024 || removed.length > 0 || added.length > 0)
            out.push({ name, removed, added, sizeDelta });
    }
    return out;
}
const showVersions = (vs) => (vs.length === 0 ? "∅" : vs.map((v) => (v === "" ? "ε" : v)).join(", "));
export function printClosureChanges(cs) {
    return cs
        .map((c) => {
        const items = [];
        if (c.removed.length > 0 || c.added.length > 0)
            items.push(`${showVersions(c.removed)} → ${showVersions(c.added)}`);
        if (Math.abs(c.sizeDelta) >= 8 * 1024)
            items.push(`${c.sizeDelta > 0 ? "+" : ""}${(c.sizeDelta / 1024).toFixed(1)} KiB`);
        return `${c.name}: ${items.join(", ")}\n`;
    })
        .join("");
}
//# sourceMappingURL=diff.js.map