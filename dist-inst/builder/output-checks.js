// What a finished build may leave behind, checked after every process of the build is gone and
// before anything is copied: regular files, directories and symlinks only; no setuid/setgid, no
// files writable by others, no hard links to files outside the outputs, nothing owned by another
// user. Nix: canonicalisePathMetaData (posix-fs-canonicalise.cc) and registerOutputs.
import fs from "node:fs";
import { CairnError } from "../store/format/index.js";
function bad(out, file, why) {
    const rel = file.toString("utf8");
    return new CairnError("E_BAD_OUTPUT", `output '${out}' is refused: ${why}: '${rel}'`, { path: out, file: rel, reason: why });
}
/** Walks the outputs (real locations) without following symlinks; throws on the first problem. */
export function checkOutputTrees(outputs, uid) {
    const inodes = new Map();
    const walk = (out, p, shown) => {
        const st = fs.lstatSync(p, { bigint: false });
        if (st.uid !== uid)
            throw bad(out, shown, `owned by uid ${st.uid}, not the build user`);
        if (st.isSymbolicLink())
            return;
        if (!st.isFile() && !st.isDirectory())
            throw bad(out, shown, "unsupported file type");
        if (st.mode & 0o6000)
            throw bad(out, shown, "setuid or setgid file");
        if (st.mode & 0o002)
            throw bad(out, shown, "writable by others");
        if (st.isFile() && st.nlink > 1) {
            const k = `${st.dev}:${st.ino}`;
            const e = inodes.get(k);
            if (e)
                e.seen++;
            else
                inodes.set(k, { nlink: st.nlink, seen: 1, file: shown, out });
        }
        if (st.isDirectory()) {
            for (const n of fs.readdirSync(p, { encoding: "buffer" })) {
                walk(out, Buffer.concat([p, Buffer.from("/"), n]), Buffer.concat([shown, Buffer.from("/"), n]));
            }
        }
    };
    for (const o of outputs) {
        try {
            fs.lstatSync(o.real);
        }
        catch {
            throw new CairnError("E_BAD_OUTPUT", `builder failed to produce output path '${o.path}'`, { path: o.path, reason: "missing" });
        }
        walk(o.path, Buffer.from(o.real), Buffer.from(o.path));
    }
    for (const e of inodes.values()) {
        if (e.seen < e.nlink)
            throw bad(e.out, e.file, "hard link to a file outside the outputs");
    }
}
//# sourceMappingURL=output-checks.js.map