// What a user environment holds: its manifest.json (pure: build, parse, check). Nix: the
// manifest.nix of nix-env (src/nix-env/user-env.cc) and manifest.json of `nix profile`.
import { CairnError, compareUtf8 } from "../store/format/index.js";
import { parseDrvName } from "./drv-name.js";
export const DEFAULT_PRIORITY = 5;
export const MANIFEST_FILE = "manifest.json";
export const emptyManifest = () => ({ version: 1, elements: [] });
export const fullName = (e) => (e.version === "" ? e.name : `${e.name}-${e.version}`);
/** An element for a store path installed directly: its name is the store name. */
export function elementForPath(storePath, storeName, priority = DEFAULT_PRIORITY) {
    const { name, version } = parseDrvName(storeName);
    return { name, version, outputs: ["out"], storePaths: [storePath], priority };
}
/** Canonical bytes: elements sorted by name then version, keys in a fixed order, one trailing newline. */
export function printManifest(m) {
    const elements = sortElements(m.elements).map((e) => {
        const o = {
            name: e.name,
            version: e.version,
            outputs: e.outputs,
            storePaths: e.storePaths,
            priority: e.priority,
        };
        if (e.origin !== undefined)
            o.origin = { file: e.origin.file, attr: e.origin.attr };
        if (e.drvPath !== undefined)
            o.drvPath = e.drvPath;
        return o;
    });
    return JSON.stringify({ version: 1, elements }, null, 1) + "\n";
}
export function sortElements(es) {
    return [...es].sort((a, b) => compareUtf8(a.name, b.name) || compareUtf8(a.version, b.version) || compareUtf8(a.storePaths[0] ?? "", b.storePaths[0] ?? ""));
}
function bad(where, why) {
    throw new CairnError("E_PROFILE_MANIFEST", `${where}: ${why}`, { file: where });
}
const isStrings = (v) => Array.isArray(v) && v.every((x) => typeof x === "string");
/** Parse and check a manifest.json; `where` names it in errors. */
export function parseManifest(text, where) {
    let j;
    try {
        j = JSON.parse(text);
    }
    catch (e) {
        bad(where, `not JSON (${e.message})`);
    }
    const m = j;
    if (typeof m !== "object" || m === null || m.version !== 1 || !Array.isArray(m.elements))
        bad(where, "expected {version: 1, elements: [...]}");
    const elements = m.elements.map((x, i) => {
        const e = x;
        if (typeof e !== "object" || e === null)
            bad(where, `element ${i} is not an object`);
        if (typeof e.name !== "string" || typeof e.version !== "string")
            bad(where, `element ${i} has no name/version`);
        if (!isStrings(e.outputs) || !isStrings(e.storePaths) || e.outputs.length !== e.storePaths.length || e.storePaths.length === 0) {
            bad(where, `element ${i} (${e.name}) needs outputs and storePaths of one length`);
        }
        if (typeof e.priority !== "number" || !Number.isInteger(e.priority))
            bad(where, `element ${i} (${e.name}) has no integer priority`);
        const out = { name: e.name, version: e.version, outputs: e.outputs, storePaths: e.storePaths, priority: e.priority };
        const o = e.origin;
        if (o !== undefined) {
            if (typeof o !== "object" || o === null || typeof o.file !== "string" || typeof o.attr !== "string")
                bad(where, `element ${i} has a bad origin`);
            out.origin = { file: o.file, attr: o.attr };
        }
        if (e.drvPath !== undefined) {
            if (typeof e.drvPath !== "string")
                bad(where, `element ${i} has a bad drvPath`);
            out.drvPath = e.drvPath;
        }
        return out;
    });
    return { version: 1, elements };
}
/** Every store path the manifest installs: the references of its environment. */
export function manifestPaths(m) {
    return [...new Set(m.elements.flatMap((e) => e.storePaths))].sort(compareUtf8);
}
/**
 * Add elements as nix-env -i does: an installed element with the same name is replaced (nix-env's
 * "replacing old 'hello-2.10'"), so an install never leaves two versions of one package.
 */
export function addElements(m, add) {
    const names = new Set(add.map((e) => e.name));
    const replaced = m.elements.filter((e) => names.has(e.name));
    const kept = m.elements.filter((e) => !names.has(e.name));
    // Two new elements of one name: the later one wins, as a later -A would.
    const byName = new Map();
    for (const e of add)
        byName.set(e.name, e);
    return { manifest: { version: 1, elements: sortElements([...kept, ...byName.values()]) }, replaced };
}
/**
 * Select elements by name ("hello"), full name ("hello-2.12") or index in the listing (sorted
 * order, from 0). An unmatched selector is an error naming it.
 */
export function selectElements(m, selectors) {
    const es = sortElements(m.elements);
    const hit = new Set();
    for (const s of selectors) {
        let found = false;
        if (/^[0-9]+$/.test(s)) {
            const i = Number(s);
            if (i < es.length) {
                hit.add(i);
                found = true;
            }
        }
        es.forEach((e, i) => {
            if (e.name === s || fullName(e) === s) {
                hit.add(i);
                found = true;
            }
        });
        if (!found) {
            throw new CairnError("E_PROFILE_NO_ELEMENT", `'${s}' matches nothing installed (installed: ${es.map(fullName).join(", ") || "nothing"})`, {
                selector: s,
            });
        }
    }
    return hit;
}
export function removeElements(m, selectors) {
    const es = sortElements(m.elements);
    const hit = selectElements(m, selectors);
    return { manifest: { version: 1, elements: es.filter((_, i) => !hit.has(i)) }, removed: es.filter((_, i) => hit.has(i)) };
}
//# sourceMappingURL=manifest.js.map