// Deletes a tree without following symlinks (CVE-2025-46415 class): lstat, unlink entries,
// rmdir bottom-up, iteratively so depth cannot overflow the stack. Read-only store directories
// are made writable through an fd opened O_NOFOLLOW, never chmod by path.
import fs from "node:fs";
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW } = fs.constants;
function makeWritable(p) {
    const fd = fs.openSync(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    try {
        fs.fchmodSync(fd, 0o700);
    }
    finally {
        fs.closeSync(fd);
    }
}
/** Remove `root` and everything below it; a missing root is not an error. */
export function removeTree(root) {
    const start = typeof root === "string" ? Buffer.from(root) : root;
    let st;
    try {
        st = fs.lstatSync(start);
    }
    catch (e) {
        if (e.code === "ENOENT")
            return;
        throw e;
    }
    if (!st.isDirectory()) {
        fs.unlinkSync(start);
        return;
    }
    // Stack of directories; each is visited twice: to list it, then to rmdir it.
    const stack = [{ p: start, listed: false }];
    while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.listed) {
            try {
                fs.rmdirSync(top.p);
            }
            catch (e) {
                if (e.code !== "ENOENT")
                    throw e;
            }
            stack.pop();
            continue;
        }
        top.listed = true;
        let list;
        try {
            if (process.getuid?.() !== 0)
                makeWritable(top.p);
            list = fs.readdirSync(top.p, { encoding: "buffer", withFileTypes: true });
        }
        catch (e) {
            if (e.code !== "ENOENT")
                throw e;
            stack.pop();
            continue;
        }
        for (const d of list) {
            const child = Buffer.concat([top.p, Buffer.from("/"), d.name]);
            // DT_UNKNOWN (no type from readdir) needs an lstat to tell a directory.
            const known = d.isFile() || d.isSymbolicLink() || d.isDirectory() || d.isFIFO() || d.isSocket();
            const isDir = known ? d.isDirectory() : fs.lstatSync(child).isDirectory();
            try {
                if (isDir)
                    stack.push({ p: child, listed: false });
                else
                    fs.unlinkSync(child);
            }
            catch (e) {
                // Another process (recovery, gc) may be removing the same garbage.
                if (e.code !== "ENOENT")
                    throw e;
            }
        }
    }
}
//# sourceMappingURL=remove-tree.js.map