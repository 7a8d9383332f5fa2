// The ESP on disk: scanning what cairn owns there, checking the room, and carrying out a plan
// (profiles/system/esp-plan.ts). Nix: systemd-boot-builder.py's file handling.
//
// FAT gives no atomic rename-over guarantee worth trusting across a power cut, but Linux's vfat
// renames within a directory in one step, and a boot loader reads whole files: every file is
// written under a temp name (`.cairn-tmp-*`, which systemd-boot ignores: no `.conf`), fsynced, and
// renamed into place, and its directory fsynced. Before anything is written, statfs must show room
// for all of it (nothing is pruned before the writes are done, so the space freed by pruning does
// not count).
import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { CairnError } from "../../store/format/index.js";
import { fsyncDir } from "../../store/syncfs.js";
import { BLOB_DIR, parseBlobName, parseEntryName, parseEntryText } from "./boot-entries.js";
import { bytesNeeded, ENTRIES_DIR, LOADER_CONF } from "./esp-plan.js";
const TEMP_PREFIX = ".cairn-tmp-";
function readDirOrEmpty(dir) {
    try {
        return fs.readdirSync(dir);
    }
    catch (e) {
        const code = e.code;
        if (code === "ENOENT")
            return [];
        throw new CairnError("E_IO", `cannot read directory '${dir}': ${code}`, { path: dir });
    }
}
export function checkEspDir(esp) {
    let st;
    try {
        st = fs.statSync(esp);
    }
    catch {
        throw new CairnError("E_SYSTEM_NO_ESP", `the ESP '${esp}' does not exist (mount it, or create the directory)`, { esp });
    }
    if (!st.isDirectory())
        throw new CairnError("E_SYSTEM_NO_ESP", `the ESP '${esp}' is not a directory`, { esp });
}
export function scanEsp(esp) {
    checkEspDir(esp);
    const state = { entries: [], blobs: new Map(), loaderConf: undefined, dirs: new Set(), temps: [] };
    for (const d of ["loader", ENTRIES_DIR, BLOB_DIR]) {
        if (fs.statSync(path.join(esp, d), { throwIfNoEntry: false })?.isDirectory())
            state.dirs.add(d);
    }
    for (const f of readDirOrEmpty(path.join(esp, ENTRIES_DIR))) {
        if (f.startsWith(TEMP_PREFIX)) {
            state.temps.push(`${ENTRIES_DIR}/${f}`);
            continue;
        }
        const name = parseEntryName(f);
        if (name === undefined)
            continue; // another OS's entry, or not an entry: not ours to touch
        state.entries.push({ file: f, name, text: fs.readFileSync(path.join(esp, ENTRIES_DIR, f), "utf8") });
    }
    for (const f of readDirOrEmpty(path.join(esp, BLOB_DIR))) {
        if (f.startsWith(TEMP_PREFIX))
            state.temps.push(`${BLOB_DIR}/${f}`);
        else if (parseBlobName(f) !== undefined)
            state.blobs.set(f, fs.statSync(path.join(esp, BLOB_DIR, f)).size);
    }
    for (const f of readDirOrEmpty(path.join(esp, "loader")))
        if (f.startsWith(TEMP_PREFIX))
            state.temps.push(`loader/${f}`);
    try {
        state.loaderConf = fs.readFileSync(path.join(esp, LOADER_CONF), "utf8");
    }
    catch {
        state.loaderConf = undefined;
    }
    state.entries.sort((a, b) => a.name.generation - b.name.generation || (a.file < b.file ? -1 : 1));
    return state;
}
export function espSpace(esp) {
    const s = fs.statfsSync(esp);
    return { free: s.bavail * s.bsize, blockSize: s.bsize };
}
/** Refuse, before writing anything, when the ESP lacks room for the plan's writes. */
export function checkSpace(esp, plan, opts = {}) {
    const sp = opts.space ?? espSpace(esp);
    const needed = bytesNeeded(plan.writes, sp.blockSize);
    if (needed > sp.free) {
        throw new CairnError("E_SYSTEM_ESP_FULL", `not enough space on the ESP '${esp}': ${needed} bytes needed, ${sp.free} bytes free; nothing was written (delete old system generations, or make room on the ESP)`, { esp, needed, free: sp.free });
    }
    return { needed, free: sp.free };
}
const tempName = (dir) => path.join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(4).toString("hex")}`);
function fsyncFile(p) {
    const fd = fs.openSync(p, "r+");
    try {
        fs.fsyncSync(fd);
    }
    finally {
        fs.closeSync(fd);
    }
}
/** Write `data` (or a copy of `source`) to `target` by temp file, fsync, rename, fsync of the dir. */
function writeDurable(target, what) {
    const dir = path.dirname(target);
    const tmp = tempName(dir);
    try {
        if ("text" in what) {
            const fd = fs.openSync(tmp, "wx", 0o644);
            try {
                fs.writeFileSync(fd, what.text);
                fs.fsyncSync(fd);
            }
            finally {
                fs.closeSync(fd);
            }
        }
        else {
            fs.copyFileSync(what.source, tmp, fs.constants.COPYFILE_EXCL);
            fs.chmodSync(tmp, 0o644); // not the store's 0444: the ESP is the user's to manage
            fsyncFile(tmp);
        }
        fs.renameSync(tmp, target);
    }
    catch (e) {
        fs.rmSync(tmp, { force: true });
        const code = e.code;
        if (code === "ENOSPC") {
            throw new CairnError("E_SYSTEM_ESP_FULL", `the ESP ran out of space writing '${target}'`, { path: target });
        }
        throw new CairnError("E_IO", `cannot write '${target}': ${code ?? e.message}`, { path: target });
    }
    fsyncDir(dir);
}
/** An entry must never name a file that is not on the ESP: the firmware would stop at its shell. */
function checkEntryFiles(esp, rel, text) {
    const fields = parseEntryText(text);
    for (const key of ["linux", "initrd"]) {
        for (const p of fields.get(key) ?? []) {
            const f = path.join(esp, ...p.split("/").filter((x) => x !== ""));
            if (!fs.statSync(f, { throwIfNoEntry: false })?.isFile()) {
                throw new CairnError("E_IO", `refusing to write '${rel}': the ${key} file '${p}' it names is not on the ESP`, { entry: rel, missing: p });
            }
        }
    }
}
const mib = (n) => `${(n / (1024 * 1024)).toFixed(1)} MiB`;
export function applyOps(esp, ops, opts) {
    for (const o of ops) {
        const abs = path.join(esp, o.rel);
        switch (o.op) {
            case "mkdir":
                fs.mkdirSync(abs, { recursive: true });
                fsyncDir(path.dirname(abs));
                break;
            case "copy":
                opts.log(`copying ${o.what} (${mib(o.size)}) to ${abs}`);
                writeDurable(abs, { source: o.source });
                break;
            case "write":
                if (o.rel.startsWith(`${ENTRIES_DIR}/`))
                    checkEntryFiles(esp, o.rel, o.text);
                if (o.replaces === undefined && o.rel !== LOADER_CONF)
                    opts.log(`writing ${o.what}: ${abs}`);
                writeDurable(abs, { text: o.text });
                break;
            case "remove":
                opts.log(`removing ${o.what}: ${abs}`);
                fs.rmSync(abs, { force: true });
                fsyncDir(path.dirname(abs));
                break;
        }
    }
}
//# sourceMappingURL=esp.js.map