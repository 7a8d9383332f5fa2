// What to write to and remove from an ESP to make it show the system profile's live generations
// (pure: the ESP as scanned and the wanted generations in, a list of operations out). Nix:
// systemd-boot-builder.py (write_entry, copy_from_file, remove_old_entries).
//
// Order, for a boot loader that may read the ESP after any step: kernels and initrds first, then
// the entries that name them (never an entry whose files are not there: VM-NOTES.md), then
// loader.conf; only then are stale entries removed, and last the files no entry names any more.
// An existing entry keeps its file name, i.e. its boot counter; only its text is rewritten (its
// sort key changes when the current generation does).
import { BLOB_DIR, blobEspPath, blobName, entryState, entryText, formatEntryName, loaderConfText, parseBlobName, sortKeyFor, } from "./boot-entries.js";
export const ENTRIES_DIR = "loader/entries";
export const LOADER_CONF = "loader/loader.conf";
/** Of several entries for one generation (a crash mid-rename), keep the most trusted one. */
function rank(e) {
    const s = entryState(e.name);
    return s === "good" ? 1e9 : s === "counting" ? e.name.counter.left : -1;
}
export function entriesByGeneration(state) {
    const m = new Map();
    for (const e of [...state.entries].sort((a, b) => rank(b) - rank(a) || (a.file < b.file ? -1 : 1))) {
        const g = m.get(e.name.generation);
        if (g === undefined)
            m.set(e.name.generation, { keep: e, extra: [] });
        else
            g.extra.push(e);
    }
    return m;
}
export function planEsp(state, wanted, opts) {
    const writes = [];
    const prunes = [];
    for (const d of ["loader", ENTRIES_DIR, BLOB_DIR])
        if (!state.dirs.has(d))
            writes.push({ op: "mkdir", rel: d });
    // Kernels and initrds, once per content. A file of the wrong size is a torn copy: copy again.
    const needed = new Set();
    for (const g of wanted) {
        for (const [role, f] of [["linux", g.kernel], ["initrd", g.initrd]]) {
            const name = blobName(f.hash, role);
            if (needed.has(name))
                continue;
            needed.add(name);
            if (state.blobs.get(name) !== f.size) {
                writes.push({ op: "copy", rel: `${BLOB_DIR}/${name}`, source: f.source, size: f.size, what: `${role === "linux" ? "kernel" : "initrd"} of generation ${g.generation}` });
            }
        }
    }
    // Entries: new ones first (the newest generation's before any other), then rewrites.
    const existing = entriesByGeneration(state);
    const fresh = [];
    const rewrites = [];
    for (const g of [...wanted].sort((a, b) => b.generation - a.generation)) {
        const have = existing.get(g.generation)?.keep;
        const name = have?.name ?? { generation: g.generation, ...(opts.tries > 0 ? { counter: { left: opts.tries } } : {}) };
        const text = entryText({
            generation: g.generation,
            ...(g.label !== undefined ? { label: g.label } : {}),
            ...(g.kernelVersion !== undefined ? { kernelVersion: g.kernelVersion } : {}),
            sortKey: sortKeyFor(g.generation === opts.current, name),
            linux: blobEspPath(blobName(g.kernel.hash, "linux")),
            initrd: blobEspPath(blobName(g.initrd.hash, "initrd")),
            kernelParams: g.kernelParams,
            init: g.init,
        });
        if (have === undefined)
            fresh.push({ op: "write", rel: `${ENTRIES_DIR}/${formatEntryName(name)}`, text, what: `entry of generation ${g.generation}` });
        else if (have.text !== text)
            rewrites.push({ op: "write", rel: `${ENTRIES_DIR}/${have.file}`, text, what: `entry of generation ${g.generation}`, replaces: have.file });
    }
    writes.push(...fresh, ...rewrites);
    const conf = loaderConfText(state.loaderConf);
    if (conf !== state.loaderConf)
        writes.push({ op: "write", rel: LOADER_CONF, text: conf, what: "loader.conf" });
    // Removals: entries of generations that are gone, duplicates, then unnamed files and temps.
    const live = new Set(wanted.map((g) => g.generation));
    for (const [gen, { keep, extra }] of [...existing].sort((a, b) => a[0] - b[0])) {
        if (!live.has(gen))
            prunes.push({ op: "remove", rel: `${ENTRIES_DIR}/${keep.file}`, what: `entry of deleted generation ${gen}` });
        for (const e of extra)
            prunes.push({ op: "remove", rel: `${ENTRIES_DIR}/${e.file}`, what: `duplicate entry of generation ${gen}` });
    }
    for (const b of [...state.blobs.keys()].sort()) {
        if (!needed.has(b) && parseBlobName(b) !== undefined)
            prunes.push({ op: "remove", rel: `${BLOB_DIR}/${b}`, what: "file no entry names" });
    }
    for (const t of state.temps)
        prunes.push({ op: "remove", rel: t, what: "temporary file" });
    return { writes, prunes };
}
/**
 * Bytes the writes need while nothing is pruned yet: each file rounded up to the file system's
 * block (a FAT cluster), a rewrite counted whole (the old file stays until the rename), one block
 * per new directory.
 */
export function bytesNeeded(ops, blockSize) {
    const up = (n) => Math.max(1, Math.ceil(n / blockSize)) * blockSize;
    let sum = 0;
    for (const o of ops) {
        if (o.op === "mkdir")
            sum += blockSize;
        else if (o.op === "copy")
            sum += up(o.size);
        else if (o.op === "write")
            sum += up(Buffer.byteLength(o.text));
    }
    return sum;
}
/** The writes that make generation `gen`'s entry good: drop the counter, refresh the sort key. */
export function planBless(entry, isCurrent) {
    const good = { generation: entry.name.generation };
    const target = `${ENTRIES_DIR}/${formatEntryName(good)}`;
    const text = entry.text.replace(/^sort-key .*$/m, `sort-key ${sortKeyFor(isCurrent, good)}`);
    return {
        writes: [{ op: "write", rel: target, text, what: `good entry of generation ${good.generation}` }],
        prunes: [{ op: "remove", rel: `${ENTRIES_DIR}/${entry.file}`, what: `counted entry of generation ${good.generation}` }],
    };
}
//# sourceMappingURL=esp-plan.js.map