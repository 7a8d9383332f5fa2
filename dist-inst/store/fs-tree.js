// The file system as an abstract NAR tree (the reading half of Nix's archive.cc dump).
// Paths are Buffers so non-UTF-8 file names survive. Everything is synchronous: with the page
// cache warm, 20k small files cost syscalls, and sync calls are the cheapest way to make them.
import fs from "node:fs";
import { CairnError } from "./format/index.js";
const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;
const SLASH = Buffer.from("/");
const READ_CHUNK = 1 << 20;
let readBuf;
export function unsupported(p, what) {
    throw new CairnError("E_UNSUPPORTED_FILE_TYPE", `'${p.toString()}' is a ${what}, which a store object cannot hold`, {
        path: p.toString(),
        type: what,
    });
}
export function typeName(st) {
    if (st.isFIFO())
        return "FIFO";
    if (st.isSocket())
        return "socket";
    if (st.isCharacterDevice())
        return "character device";
    if (st.isBlockDevice())
        return "block device";
    return "special file";
}
export function ioError(p, e) {
    const err = e;
    return new CairnError(err.code === "ENOENT" ? "E_NOT_FOUND" : "E_IO", `cannot read '${p.toString()}': ${err.code ?? err.message}`, { path: p.toString(), errno: err.code }, { cause: e });
}
/** A regular file, opened now (no-follow) and read when the writer asks for its contents. */
export function regularNode(p, obs) {
    let fd;
    try {
        // O_NONBLOCK: a file replaced by a FIFO since readdir must not block the open (fstat refuses it).
        fd = fs.openSync(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    }
    catch (e) {
        throw ioError(p, e);
    }
    const st = fs.fstatSync(fd);
    if (!st.isFile()) {
        fs.closeSync(fd);
        unsupported(p, typeName(st));
    }
    const executable = (st.mode & 0o100) !== 0;
    const size = st.size;
    obs?.regular?.(p, executable, size);
    return {
        type: "regular",
        executable,
        size,
        *contents() {
            try {
                const buf = (readBuf ??= Buffer.allocUnsafe(READ_CHUNK));
                let left = size;
                // Ask for one byte more than expected: a short read is the end of the file, and a
                // file that grew is noticed without an extra read(2) per file.
                for (;;) {
                    const want = Math.min(buf.length, left + 1);
                    const n = fs.readSync(fd, buf, 0, want, null);
                    if (n === 0)
                        break;
                    const chunk = buf.subarray(0, n);
                    obs?.contents?.(chunk);
                    yield chunk;
                    left -= n;
                    if (left < 0 || n < want)
                        break;
                }
                obs?.endRegular?.();
            }
            finally {
                fs.closeSync(fd);
            }
        },
    };
}
function directoryNode(p, obs) {
    obs?.directory?.(p);
    let dirents;
    try {
        dirents = fs.readdirSync(p, { encoding: "buffer", withFileTypes: true });
    }
    catch (e) {
        throw ioError(p, e);
    }
    return {
        type: "directory",
        *entries() {
            for (const d of dirents) {
                const name = d.name;
                const child = Buffer.concat([p, SLASH, name]);
                // d_type spares an lstat per entry; DT_UNKNOWN (some file systems) falls back to it.
                const kind = d.isFile() ? "f" : d.isDirectory() ? "d" : d.isSymbolicLink() ? "l" : "?";
                yield [name, () => nodeAt(child, obs, kind)];
            }
        },
        end: () => obs?.endDirectory?.(p),
    };
}
function nodeAt(p, obs, kind) {
    if (kind === "?") {
        let st;
        try {
            st = fs.lstatSync(p);
        }
        catch (e) {
            throw ioError(p, e);
        }
        if (st.isFile())
            kind = "f";
        else if (st.isDirectory())
            kind = "d";
        else if (st.isSymbolicLink())
            kind = "l";
        else
            unsupported(p, typeName(st));
    }
    if (kind === "f")
        return regularNode(p, obs);
    if (kind === "d")
        return directoryNode(p, obs);
    return symlinkNode(p, obs);
}
export function symlinkNode(p, obs) {
    let target;
    try {
        target = fs.readlinkSync(p, { encoding: "buffer" });
    }
    catch (e) {
        throw ioError(p, e);
    }
    obs?.symlink?.(p, target);
    return { type: "symlink", target };
}
/**
 * The tree at `path`, read lazily as the NAR writer walks it. The top level is lstat'ed: a
 * symlink is a symlink NAR. `observer` sees every node in NAR order (used to copy while hashing).
 */
export function fsTree(path, observer) {
    return nodeAt(typeof path === "string" ? Buffer.from(path) : path, observer, "?");
}
//# sourceMappingURL=fs-tree.js.map