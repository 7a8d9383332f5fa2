// `.narinfo` and `nix-cache-info` text, parsed strictly and printed byte for byte as Nix does.
// Nix: src/libstore/nar-info.cc (NarInfo::NarInfo, NarInfo::to_string), binary-cache-store.cc.
import { CairnError } from "./errors.js";
import { parseHash, printHash } from "./hash.js";
import { parseBaseName, parseStorePath, printStorePath } from "./store-path.js";
import { compareUtf8 } from "./bytes.js";
import { parseContentAddress } from "./content-address.js";
import { fingerprintPath } from "./signature.js";
const MAX_NARINFO = 1 << 20;
const SINGLE = ["StorePath", "URL", "Compression", "FileHash", "FileSize", "NarHash", "NarSize", "References", "Deriver", "System", "CA"];
function bad(why, data = {}) {
    throw new CairnError("E_BAD_NARINFO", why, data);
}
function parseSize(v, field, where) {
    if (!/^(0|[1-9][0-9]{0,15})$/.test(v) || !Number.isSafeInteger(Number(v))) {
        bad(`${where}: ${field} '${v.slice(0, 40)}' is not a decimal size`, { field });
    }
    return Number(v);
}
function parseSha256(v, field, where) {
    let h;
    try {
        h = parseHash(v);
    }
    catch (e) {
        bad(`${where}: ${field}: ${e.message}`, { field });
    }
    if (h.algo !== "sha256")
        bad(`${where}: ${field} must be a sha256 hash, got ${h.algo}`, { field });
    return h;
}
/**
 * A relative URL inside the cache: components of safe characters, none empty, none starting
 * with '.', so a narinfo cannot point outside the cache (`../../etc/shadow`, `/abs`,
 * `http://elsewhere/`).
 */
export function checkNarUrl(url, where = "narinfo") {
    const parts = url.split("/");
    if (url.length > 400 || parts.some((p) => !/^[A-Za-z0-9+\-_=][A-Za-z0-9+\-_.=]*$/.test(p))) {
        bad(`${where}: URL '${url.slice(0, 120)}' is not a relative path inside the cache`, { field: "URL", url: url.slice(0, 400) });
    }
    return url;
}
/** Parse `.narinfo` text. `where` names it in errors (e.g. the URL it came from). */
export function parseNarInfo(storeDir, text, where = "narinfo") {
    if (text.length > MAX_NARINFO)
        bad(`${where}: narinfo is larger than ${MAX_NARINFO} bytes`);
    const seen = new Set();
    const f = {};
    const sigs = [];
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "")
        lines.pop();
    for (const [i, line] of lines.entries()) {
        const at = line.indexOf(": ");
        if (at <= 0)
            bad(`${where}: line ${i + 1} is not 'Key: value': ${JSON.stringify(line.slice(0, 80))}`, { line: i + 1 });
        const key = line.slice(0, at);
        const value = line.slice(at + 2);
        if (key === "Sig") {
            sigs.push(value);
            continue;
        }
        if (!SINGLE.includes(key))
            continue; // Nix ignores fields it does not know
        if (seen.has(key))
            bad(`${where}: field ${key} appears twice`, { field: key });
        seen.add(key);
        f[key] = value;
    }
    for (const req of ["StorePath", "URL", "NarHash", "NarSize"]) {
        if (f[req] === undefined)
            bad(`${where}: required field ${req} is missing`, { field: req });
    }
    let storePath;
    try {
        storePath = printStorePath(storeDir, parseStorePath(storeDir, f.StorePath));
    }
    catch (e) {
        bad(`${where}: StorePath: ${e.message}`, { field: "StorePath" });
    }
    const info = {
        storePath,
        url: checkNarUrl(f.URL, where),
        compression: f.Compression ?? "bzip2", // Nix's default for old caches
        narHash: parseSha256(f.NarHash, "NarHash", where),
        narSize: parseSize(f.NarSize, "NarSize", where),
        references: [],
        sigs,
    };
    if (info.narSize === 0)
        bad(`${where}: NarSize is 0`, { field: "NarSize" });
    if (info.compression === "" || !/^[a-z0-9]+$/.test(info.compression))
        bad(`${where}: invalid Compression '${info.compression.slice(0, 40)}'`, { field: "Compression" });
    if (f.FileHash !== undefined)
        info.fileHash = parseSha256(f.FileHash, "FileHash", where);
    if (f.FileSize !== undefined)
        info.fileSize = parseSize(f.FileSize, "FileSize", where);
    const refs = f.References === undefined || f.References === "" ? [] : f.References.split(" ");
    for (const r of refs) {
        try {
            info.references.push(printStorePath(storeDir, parseBaseName(r)));
        }
        catch (e) {
            bad(`${where}: References: ${e.message}`, { field: "References" });
        }
    }
    if (new Set(info.references).size !== info.references.length)
        bad(`${where}: References lists a path twice`, { field: "References" });
    info.references.sort(compareUtf8);
    if (f.Deriver !== undefined && f.Deriver !== "unknown-deriver") {
        try {
            info.deriver = printStorePath(storeDir, parseBaseName(f.Deriver));
        }
        catch (e) {
            bad(`${where}: Deriver: ${e.message}`, { field: "Deriver" });
        }
    }
    if (f.System !== undefined && f.System !== "")
        info.system = f.System;
    if (f.CA !== undefined && f.CA !== "") {
        try {
            parseContentAddress(f.CA);
        }
        catch (e) {
            bad(`${where}: CA: ${e.message}`, { field: "CA" });
        }
        info.ca = f.CA;
    }
    return info;
}
/** NarInfo::to_string: the field order and spelling Nix writes (References always present). */
export function printNarInfo(info) {
    if (info.fileHash === undefined || info.fileSize === undefined) {
        throw new CairnError("E_BAD_NARINFO", `narinfo of '${info.storePath}' needs FileHash and FileSize to be printed`);
    }
    const base = (p) => p.slice(p.lastIndexOf("/") + 1);
    let s = `StorePath: ${info.storePath}\n`;
    s += `URL: ${info.url}\n`;
    s += `Compression: ${info.compression}\n`;
    s += `FileHash: ${printHash(info.fileHash, "nix32", true)}\n`;
    s += `FileSize: ${info.fileSize}\n`;
    s += `NarHash: ${printHash(info.narHash, "nix32", true)}\n`;
    s += `NarSize: ${info.narSize}\n`;
    s += `References: ${[...info.references].map(base).sort(compareUtf8).join(" ")}\n`;
    if (info.deriver !== undefined)
        s += `Deriver: ${base(info.deriver)}\n`;
    if (info.system !== undefined)
        s += `System: ${info.system}\n`;
    for (const sig of info.sigs)
        s += `Sig: ${sig}\n`;
    if (info.ca !== undefined)
        s += `CA: ${info.ca}\n`;
    return s;
}
/** What a signature on this narinfo covers. */
export function narInfoFingerprint(info) {
    return fingerprintPath(info.storePath, info.narHash, info.narSize, info.references);
}
/** `<hash part>.narinfo`, where a cache keeps the narinfo of `storePath`. */
export function narInfoFileFor(storeDir, storePath) {
    return `${parseStorePath(storeDir, storePath).hashPart}.narinfo`;
}
export function parseCacheInfo(text, where = "nix-cache-info") {
    const f = {};
    for (const line of text.split("\n")) {
        if (line === "")
            continue;
        const at = line.indexOf(": ");
        if (at <= 0)
            throw new CairnError("E_BAD_NARINFO", `${where}: line is not 'Key: value': ${JSON.stringify(line.slice(0, 80))}`);
        f[line.slice(0, at)] = line.slice(at + 2).trim();
    }
    // Nix assumes /nix/store when StoreDir is absent.
    const info = { storeDir: f.StoreDir ?? "/nix/store" };
    if (f.WantMassQuery !== undefined)
        info.wantMassQuery = f.WantMassQuery === "1";
    if (f.Priority !== undefined && /^\d{1,6}$/.test(f.Priority))
        info.priority = Number(f.Priority);
    return info;
}
/** What Nix 2.8's `nix copy --to file://` writes. */
export function printCacheInfo(info) {
    let s = `StoreDir: ${info.storeDir}\n`;
    if (info.wantMassQuery !== undefined)
        s += `WantMassQuery: ${info.wantMassQuery ? 1 : 0}\n`;
    if (info.priority !== undefined)
        s += `Priority: ${info.priority}\n`;
    return s;
}
//# sourceMappingURL=narinfo.js.map