// Mount points for the inputs of sandboxed builds, recycled from one build to the next.
//
// Each input is bound read-only onto an empty file or directory in the build's private store dir,
// which lives on the store's file system (outputs are written there and must be renamed into the
// store). Letting bwrap create ~one inode per input per build and deleting them afterwards made
// every later inode allocation on a journal-less ext4 scan the recently freed ones (ext4's
// `recently_deleted`): ~2 s of 300 small builds went there. So cairn makes the mount points itself
// from a per-process pool of empty files and directories and moves them back after the build:
// renames, no allocation. The builder can never reach a mount point's own inode (an input covers
// it while the sandbox lives; it does not exist outside the sandbox's mount namespace), and an
// entry that comes back non-empty or of another type is left in the store dir to be deleted.
import fs from "node:fs";
import path from "node:path";
export class MountPointPool {
    dir;
    spare = { file: [], dir: [] };
    next = 0;
    made = false;
    /** `dir`: a private directory of this process (its owner tag in the name, for the GC). */
    constructor(dir) {
        this.dir = dir;
    }
    /** An empty `kind` entry at `at` (which must not exist), taken from the pool when it has one. */
    place(at, kind) {
        const from = this.spare[kind].pop();
        if (from !== undefined) {
            try {
                fs.renameSync(from, at);
                return { at, kind };
            }
            catch {
                /* gone from the pool (never expected): make a new one */
            }
        }
        if (kind === "dir")
            fs.mkdirSync(at, { mode: 0o755 });
        else
            fs.writeFileSync(at, "", { mode: 0o444, flag: "wx" });
        return { at, kind };
    }
    /** After the build, every sandbox process gone: return the mount points that are still pristine. */
    reclaim(points) {
        for (const p of points) {
            let st;
            try {
                st = fs.lstatSync(p.at);
            }
            catch {
                continue;
            }
            const pristine = p.kind === "dir" ? st.isDirectory() && fs.readdirSync(p.at).length === 0 : st.isFile() && st.size === 0 && st.nlink === 1;
            if (!pristine)
                continue;
            if (!this.made) {
                fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
                this.made = true;
            }
            const to = path.join(this.dir, `${p.kind[0]}${this.next++}`);
            try {
                fs.renameSync(p.at, to);
                this.spare[p.kind].push(to);
            }
            catch {
                /* left where it is: removed with the build's store dir */
            }
        }
    }
    /** The pool's directory, if it was made (to remove once no build runs). */
    dispose() {
        this.spare.file.length = 0;
        this.spare.dir.length = 0;
        const made = this.made;
        this.made = false;
        return made ? this.dir : undefined;
    }
}
//# sourceMappingURL=mountpoints.js.map