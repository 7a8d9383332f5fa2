// Boot Loader Specification type 1 entries for system generations, and how systemd-boot 252
// (Debian 12) orders and picks them (pure). Nix: nixos/modules/system/boot/loader/systemd-boot/
// systemd-boot-builder.py; systemd: src/boot/efi/boot.c (config_entry_compare, boot counting),
// src/fundamental/string-util-fundamental.c (strverscmp_improved).
//
// File names: `cairn-<N>[+<left>[-<done>]].conf`. The counter is systemd-boot's automatic boot
// assessment: before loading an entry with tries left it renames `+3` -> `+2-1` -> `+1-2` -> `+0-3`;
// an entry at `+0` sorts last, so the machine falls back by itself. Blessing drops the counter.
//
// Order (decides the default, as `default cairn-*` takes the first match): cairn gives every entry
// a `sort-key` so that the profile's current generation comes first, then generations known to be
// good (no counter) newest first, then untested or failing ones. That makes a rollback win over
// newer generations without deleting their entries (they stay in the menu), and a failing current
// generation fall back to the newest *good* one rather than to a newer untested one.
import { CairnError } from "../../store/format/errors.js";
export const DEFAULT_TRIES = 3;
export const ENTRY_PREFIX = "cairn-";
export const DEFAULT_PATTERN = "cairn-*";
/** Sort keys, compared as byte strings by systemd-boot: a < b < c. */
export const SORT_KEY = {
    current: "cairn-a-current",
    good: "cairn-b-good",
    untested: "cairn-c-untested",
};
const NAME_RE = /^cairn-([1-9][0-9]*)(?:\+([0-9]+)(?:-([0-9]+))?)?\.conf$/;
/** `cairn-4+2-1.conf` -> { generation 4, left 2, done 1 }; undefined for any other file name. */
export function parseEntryName(file) {
    const m = NAME_RE.exec(file);
    if (!m)
        return undefined;
    const generation = Number(m[1]);
    if (!Number.isSafeInteger(generation))
        return undefined;
    if (m[2] === undefined)
        return { generation };
    const counter = { left: Number(m[2]) };
    if (m[3] !== undefined)
        counter.done = Number(m[3]);
    return { generation, counter };
}
export function formatEntryName(e) {
    if (!Number.isSafeInteger(e.generation) || e.generation < 1) {
        throw new CairnError("E_USAGE", `'${e.generation}' is not a generation number`, { generation: e.generation });
    }
    if (e.counter === undefined)
        return `${ENTRY_PREFIX}${e.generation}.conf`;
    const { left, done } = e.counter;
    return `${ENTRY_PREFIX}${e.generation}+${left}${done !== undefined ? `-${done}` : ""}.conf`;
}
export function entryState(e) {
    if (e.counter === undefined)
        return "good";
    return e.counter.left === 0 ? "bad" : "counting";
}
/** "good", "bad (3 tries used)", "2 tries left" — as `cairn system list` shows it. */
export function describeState(e) {
    const c = e.counter;
    if (c === undefined)
        return "good";
    if (c.left === 0)
        return `bad (${c.done ?? 0} tries used)`;
    return `${c.left} ${c.left === 1 ? "try" : "tries"} left`;
}
/** The marker put in every entry's options, read back by `bless` from /proc/cmdline. */
export const GEN_PARAM = "cairn.gen";
export function entryOptions(s) {
    return [s.kernelParams.trim(), `init=${s.init}`, `${GEN_PARAM}=${s.generation}`].filter((x) => x !== "").join(" ");
}
const oneLine = (what, v) => {
    if (/[\r\n]/.test(v))
        throw new CairnError("E_SYSTEM_TOPLEVEL", `${what} must be one line`, { [what]: v });
    return v;
};
export function entryText(s) {
    const title = ["cairn", s.label, `(generation ${s.generation}${s.kernelVersion ? `, linux ${s.kernelVersion}` : ""})`].filter(Boolean).join(" ");
    return [
        `# cairn system generation ${s.generation}: rewritten by cairn, renamed by systemd-boot's boot counting`,
        `title ${oneLine("label", title)}`,
        `version ${s.generation}`,
        `sort-key ${s.sortKey}`,
        `linux ${s.linux}`,
        `initrd ${s.initrd}`,
        `options ${oneLine("kernel-params", entryOptions(s))}`,
        "",
    ].join("\n");
}
/** The fields of an entry (BLS: `key value`, `#` comments); a repeated key keeps every value. */
export function parseEntryText(text) {
    const m = new Map();
    for (const raw of text.split("\n")) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#"))
            continue;
        const sp = line.search(/\s/);
        const key = sp < 0 ? line : line.slice(0, sp);
        const value = sp < 0 ? "" : line.slice(sp).trim();
        m.set(key, [...(m.get(key) ?? []), value]);
    }
    return m;
}
/** The generation an entry's options name (`cairn.gen=N`), from a kernel command line too. */
export function generationFromCmdline(cmdline) {
    for (const w of cmdline.trim().split(/\s+/)) {
        const m = new RegExp(`^${GEN_PARAM.replace(".", "\\.")}=([1-9][0-9]*)$`).exec(w);
        if (m)
            return Number(m[1]);
    }
    return undefined;
}
// ---- loader.conf -------------------------------------------------------------------------------
/**
 * loader.conf with `default cairn-*`: cairn owns the `default` line and keeps every other line
 * (timeout, console-mode, editor) as the user wrote it. A new file sets only the default
 * (systemd-boot's own timeout default is 0: the menu shows while a key is held).
 */
export function loaderConfText(existing) {
    const line = `default ${DEFAULT_PATTERN}`;
    if (existing === undefined)
        return `# written by cairn: boots the first cairn entry in systemd-boot's order\n${line}\n`;
    const lines = existing.split("\n");
    if (lines[lines.length - 1] === "")
        lines.pop();
    const kept = lines.filter((l) => !/^\s*default(\s|$)/.test(l));
    return [...kept, line, ""].join("\n");
}
// ---- systemd-boot's order ----------------------------------------------------------------------
const isDigit = (c) => c >= "0" && c <= "9";
const isAlpha = (c) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z");
const isVersionChar = (c) => isDigit(c) || isAlpha(c) || c === "~" || c === "-" || c === "^" || c === ".";
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * systemd's strverscmp_improved: segments of digits compare as numbers, of letters as strings;
 * '~' sorts before anything, then the end of the string, then '-', '^', '.'; other characters
 * separate segments. Negative when `a` is older.
 */
export function strverscmpImproved(a, b) {
    if (a === "" || b === "")
        return cmp(a, b);
    let i = 0;
    let j = 0;
    const at = (s, k) => (k < s.length ? s[k] : "");
    for (;;) {
        while (i < a.length && !isVersionChar(a[i]))
            i++;
        while (j < b.length && !isVersionChar(b[j]))
            j++;
        // '~' (a pre-release) first: it is older than even the end of the string.
        if (at(a, i) === "~" || at(b, j) === "~") {
            const r = cmp(at(a, i) !== "~", at(b, j) !== "~");
            if (r !== 0)
                return r;
            i++;
            j++;
        }
        if (i >= a.length || j >= b.length)
            return cmp(a.slice(i), b.slice(j));
        for (const sep of ["-", "^", "."]) {
            if (at(a, i) === sep || at(b, j) === sep) {
                const r = cmp(at(a, i) !== sep, at(b, j) !== sep);
                if (r !== 0)
                    return r;
                i++;
                j++;
            }
        }
        let ii = i;
        let jj = j;
        if (isDigit(at(a, i)) || isDigit(at(b, j))) {
            while (isDigit(at(a, ii)))
                ii++;
            while (isDigit(at(b, jj)))
                jj++;
            let r = cmp(ii !== i, jj !== j); // a number is newer than no number
            if (r !== 0)
                return r;
            let x = i;
            let y = j;
            while (at(a, x) === "0" && x < ii)
                x++;
            while (at(b, y) === "0" && y < jj)
                y++;
            r = cmp(ii - x, jj - y) || cmp(a.slice(x, ii), b.slice(y, jj));
            if (r !== 0)
                return r;
        }
        else {
            while (isAlpha(at(a, ii)))
                ii++;
            while (isAlpha(at(b, jj)))
                jj++;
            const n = Math.min(ii - i, jj - j);
            const r = cmp(a.slice(i, i + n), b.slice(j, j + n)) || cmp(ii - i, jj - j);
            if (r !== 0)
                return r;
        }
        i = ii;
        j = jj;
    }
}
/** Tries left as systemd-boot parses them from any `name+L[-D].conf` (undefined: no counter). */
function triesLeft(file) {
    const m = /\+([0-9]+)(?:-([0-9]+))?\.conf$/i.exec(file);
    return m ? { left: Number(m[1]), done: Number(m[2] ?? 0) } : undefined;
}
/** systemd-boot 252's config_entry_compare: negative when `a` comes first in the menu. */
export function compareBootEntries(a, b) {
    const ta = triesLeft(a.file);
    const tb = triesLeft(b.file);
    let r = cmp(ta?.left === 0, tb?.left === 0); // exhausted entries last
    if (r !== 0)
        return r;
    r = cmp(a.sortKey === undefined, b.sortKey === undefined); // entries with a sort key first
    if (r !== 0)
        return r;
    if (a.sortKey !== undefined && b.sortKey !== undefined) {
        r = cmp(a.sortKey, b.sortKey) || cmp(a.machineId ?? "", b.machineId ?? "") || -strverscmpImproved(a.version ?? "", b.version ?? "");
        if (r !== 0)
            return r;
    }
    // The id: the whole file name, lowercased, counter included (systemd-boot 252).
    r = -strverscmpImproved(a.file.toLowerCase(), b.file.toLowerCase());
    if (r !== 0)
        return r;
    if (ta === undefined || tb === undefined)
        return 0;
    return -cmp(ta.left, tb.left) || cmp(ta.done, tb.done);
}
export function bootOrder(entries) {
    return [...entries].sort(compareBootEntries);
}
/** systemd's fnmatch for `default`: '*', '?' and '[...]' against the lowercased id. */
export function matchesPattern(pattern, id) {
    const re = pattern.replace(/[.+^${}()|\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${re}$`, "i").test(id);
}
/** The entry `default PATTERN` picks: the first match in boot order (undefined: none matches). */
export function defaultEntry(entries, pattern = DEFAULT_PATTERN) {
    return bootOrder(entries).find((e) => matchesPattern(pattern, e.file));
}
/** The sort key cairn gives an entry: the current generation first, then good, then untested. */
export function sortKeyFor(isCurrent, name) {
    if (isCurrent)
        return SORT_KEY.current;
    return name.counter === undefined ? SORT_KEY.good : SORT_KEY.untested;
}
export const BLOB_DIR = "cairn";
const BLOB_RE = /^([0-9a-df-np-sv-z]{32})-(linux|initrd)$/;
/** `cairn/<nix32 sha256 of the content, 32 chars>-<role>`: one file per distinct content. */
export function blobName(hash32, role) {
    return `${hash32}-${role}`;
}
export function parseBlobName(file) {
    const m = BLOB_RE.exec(file);
    return m ? { hash: m[1], role: m[2] } : undefined;
}
/** The ESP-relative path an entry names. */
export const blobEspPath = (file) => `/${BLOB_DIR}/${file}`;
//# sourceMappingURL=boot-entries.js.map