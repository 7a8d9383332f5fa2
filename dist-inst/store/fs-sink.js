// Materialises a tree on disk: the writing half of Nix's archive.cc (restorePath) and of
// canonicalisePathMetaData. Create-only (O_EXCL, no-follow) inside a fresh private directory;
// store objects are made canonical through the fds cairn itself created (0444/0555, mtime 1),
// never by path, so nothing a symlink points at is touched.
import fs from "node:fs";
import { CairnError } from "./format/index.js";
const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY } = fs.constants;
const SLASH = Buffer.from("/");
let umaskCache;
function umaskStripsReadOrExec() {
    umaskCache ??= process.umask();
    return (umaskCache & 0o555) !== 0;
}
function ioError(what, p, e) {
    const err = e;
    return new CairnError("E_IO", `cannot ${what} '${p.toString()}': ${err.code ?? err.message}`, {
        path: p.toString(),
        errno: err.code,
    });
}
export class FsSink {
    opts;
    root;
    fd = -1;
    fdPath = Buffer.alloc(0);
    executable = false;
    /** Number of files, directories and symlinks written. */
    entries = 0;
    bytes = 0;
    constructor(root, opts) {
        this.opts = opts;
        this.root = typeof root === "string" ? Buffer.from(root) : root;
    }
    at(path) {
        if (Buffer.isBuffer(path))
            return path.length === 0 ? this.root : Buffer.concat([this.root, path]);
        const parts = [this.root];
        for (const n of path)
            parts.push(SLASH, n);
        return Buffer.concat(parts);
    }
    // The NarEvents interface takes name lists; *Rel variants take "/a/b" (or "") relative paths.
    directory(path) {
        this.directoryAt(this.at(path));
    }
    directoryRel(rel) {
        this.directoryAt(this.at(rel));
    }
    directoryAt(p) {
        try {
            fs.mkdirSync(p, 0o700);
        }
        catch (e) {
            throw ioError("create directory", p, e);
        }
        this.entries++;
        this.opts.onEntry?.();
    }
    regular(path, executable) {
        this.regularAt(this.at(path), executable);
    }
    regularRel(rel, executable) {
        this.regularAt(this.at(rel), executable);
    }
    regularAt(p, executable) {
        const mode = this.opts.canonical ? (executable ? 0o555 : 0o444) : executable ? 0o777 : 0o666;
        try {
            this.fd = fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
        }
        catch (e) {
            throw ioError("create file", p, e);
        }
        this.fdPath = p;
        this.executable = executable;
    }
    contents(chunk) {
        let off = 0;
        while (off < chunk.length) {
            try {
                off += fs.writeSync(this.fd, chunk, off, chunk.length - off);
            }
            catch (e) {
                this.abandon();
                throw ioError("write", this.fdPath, e);
            }
        }
        this.bytes += chunk.length;
    }
    endRegular() {
        const fd = this.fd;
        try {
            if (this.opts.canonical) {
                // open() applied the umask; only a umask that strips read or execute bits needs a fix-up
                // (skipping it saves one syscall per file in the common case).
                if (umaskStripsReadOrExec())
                    fs.fchmodSync(fd, this.executable ? 0o555 : 0o444);
                fs.futimesSync(fd, 1, 1);
            }
            if (this.opts.fsyncEach)
                fs.fsyncSync(fd);
        }
        catch (e) {
            this.abandon();
            throw ioError("finish", this.fdPath, e);
        }
        fs.closeSync(fd);
        this.fd = -1;
        this.entries++;
        this.opts.onEntry?.();
    }
    symlink(path, target) {
        this.symlinkAt(this.at(path), Buffer.from(target));
    }
    symlinkRel(rel, target) {
        this.symlinkAt(this.at(rel), target);
    }
    symlinkAt(p, target) {
        try {
            fs.symlinkSync(target, p);
            if (this.opts.canonical)
                fs.lutimesSync(p, 1, 1);
        }
        catch (e) {
            throw ioError("create symlink", p, e);
        }
        this.entries++;
        this.opts.onEntry?.();
    }
    endDirectory(path) {
        this.endDirectoryAt(this.at(path));
    }
    endDirectoryRel(rel) {
        this.endDirectoryAt(this.at(rel));
    }
    endDirectoryAt(p) {
        if (!this.opts.canonical && !this.opts.fsyncEach) {
            fs.chmodSync(p, 0o777 & ~process.umask());
            return;
        }
        let fd;
        try {
            fd = fs.openSync(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
        }
        catch (e) {
            throw ioError("open directory", p, e);
        }
        try {
            fs.fchmodSync(fd, this.opts.canonical ? 0o555 : 0o777 & ~process.umask());
            if (this.opts.canonical)
                fs.futimesSync(fd, 1, 1);
            if (this.opts.fsyncEach)
                fs.fsyncSync(fd);
        }
        catch (e) {
            throw ioError("finish directory", p, e);
        }
        finally {
            fs.closeSync(fd);
        }
    }
    /** TreeSink (store/fs-writer.ts): everything is written as the events come. */
    done() {
        return Promise.resolve();
    }
    /** TreeSink: give the tree up after an error. */
    cancel() {
        this.abandon();
        return Promise.resolve();
    }
    /** Close a half-written file after an error. */
    abandon() {
        if (this.fd >= 0) {
            try {
                fs.closeSync(this.fd);
            }
            catch {
                /* already failing */
            }
            this.fd = -1;
        }
    }
}
//# sourceMappingURL=fs-sink.js.map