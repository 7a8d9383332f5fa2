// Materialises a tree on disk: the writing half of Nix's archive.cc (restorePath) and of
// canonicalisePathMetaData. Create-only (O_EXCL, no-follow) inside a fresh private directory;
// store objects are made canonical through the fds cairn itself created (0444/0555, mtime 1),
// never by path, so nothing a symlink points at is touched.
import fs from "node:fs";
import { CairnError, type NarEvents } from "./format/index.js";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_RDONLY, O_DIRECTORY } = fs.constants;
const SLASH = Buffer.from("/");

let umaskCache: number | undefined;
function umaskStripsReadOrExec(): boolean {
  umaskCache ??= process.umask();
  return (umaskCache & 0o555) !== 0;
}

export interface FsSinkOptions {
  /** Store objects: read-only modes and mtime 1. Otherwise Nix's restore modes (0666/0777 - umask). */
  canonical: boolean;
  /** fsync every file and directory as it is finished (else the caller syncs the file system). */
  fsyncEach: boolean;
  /** Called once per file, symlink or directory written (crash points, progress). */
  onEntry?: () => void;
}

function ioError(what: string, p: Buffer, e: unknown): CairnError {
  const err = e as NodeJS.ErrnoException;
  return new CairnError("E_IO", `cannot ${what} '${p.toString()}': ${err.code ?? err.message}`, {
    path: p.toString(),
    errno: err.code,
  });
}

export class FsSink implements NarEvents {
  private readonly root: Buffer;
  private fd = -1;
  private fdPath: Buffer = Buffer.alloc(0);
  private executable = false;
  /** Number of files, directories and symlinks written. */
  entries = 0;
  bytes = 0;

  constructor(root: string | Buffer, private readonly opts: FsSinkOptions) {
    this.root = typeof root === "string" ? Buffer.from(root) : root;
  }

  private at(path: readonly Uint8Array[] | Buffer): Buffer {
    if (Buffer.isBuffer(path)) return path.length === 0 ? this.root : Buffer.concat([this.root, path]);
    const parts: Uint8Array[] = [this.root];
    for (const n of path) parts.push(SLASH, n);
    return Buffer.concat(parts);
  }

  // The NarEvents interface takes name lists; *Rel variants take "/a/b" (or "") relative paths.
  directory(path: readonly Uint8Array[]): void {
    this.directoryAt(this.at(path));
  }
  directoryRel(rel: Buffer): void {
    this.directoryAt(this.at(rel));
  }
  private directoryAt(p: Buffer): void {
    try {
      fs.mkdirSync(p, 0o700);
    } catch (e) {
      throw ioError("create directory", p, e);
    }
    this.entries++;
    this.opts.onEntry?.();
  }

  regular(path: readonly Uint8Array[], executable: boolean): void {
    this.regularAt(this.at(path), executable);
  }
  regularRel(rel: Buffer, executable: boolean): void {
    this.regularAt(this.at(rel), executable);
  }
  private regularAt(p: Buffer, executable: boolean): void {
    const mode = this.opts.canonical ? (executable ? 0o555 : 0o444) : executable ? 0o777 : 0o666;
    try {
      this.fd = fs.openSync(p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
    } catch (e) {
      throw ioError("create file", p, e);
    }
    this.fdPath = p;
    this.executable = executable;
  }

  contents(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.length) {
      try {
        off += fs.writeSync(this.fd, chunk, off, chunk.length - off);
      } catch (e) {
        this.abandon();
        throw ioError("write", this.fdPath, e);
      }
    }
    this.bytes += chunk.length;
  }

  endRegular(): void {
    const fd = this.fd;
    try {
      if (this.opts.canonical) {
        // open() applied the umask; only a umask that strips read or execute bits needs a fix-up
        // (skipping it saves one syscall per file in the common case).
        if (umaskStripsReadOrExec()) fs.fchmodSync(fd, this.executable ? 0o555 : 0o444);
        fs.futimesSync(fd, 1, 1);
      }
      if (this.opts.fsyncEach) fs.fsyncSync(fd);
    } catch (e) {
      this.abandon();
      throw ioError("finish", this.fdPath, e);
    }
    fs.closeSync(fd);
    this.fd = -1;
    this.entries++;
    this.opts.onEntry?.();
  }

  symlink(path: readonly Uint8Array[], target: Uint8Array): void {
    this.symlinkAt(this.at(path), Buffer.from(target));
  }
  symlinkRel(rel: Buffer, target: Buffer): void {
    this.symlinkAt(this.at(rel), target);
  }
  private symlinkAt(p: Buffer, target: Buffer): void {
    try {
      fs.symlinkSync(target, p);
      if (this.opts.canonical) fs.lutimesSync(p, 1, 1);
    } catch (e) {
      throw ioError("create symlink", p, e);
    }
    this.entries++;
    this.opts.onEntry?.();
  }

  endDirectory(path: readonly Uint8Array[]): void {
    this.endDirectoryAt(this.at(path));
  }
  endDirectoryRel(rel: Buffer): void {
    this.endDirectoryAt(this.at(rel));
  }
  private endDirectoryAt(p: Buffer): void {
    if (!this.opts.canonical && !this.opts.fsyncEach) {
      fs.chmodSync(p, 0o777 & ~process.umask());
      return;
    }
    let fd: number;
    try {
      fd = fs.openSync(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    } catch (e) {
      throw ioError("open directory", p, e);
    }
    try {
      fs.fchmodSync(fd, this.opts.canonical ? 0o555 : 0o777 & ~process.umask());
      if (this.opts.canonical) fs.futimesSync(fd, 1, 1);
      if (this.opts.fsyncEach) fs.fsyncSync(fd);
    } catch (e) {
      throw ioError("finish directory", p, e);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** TreeSink (store/fs-writer.ts): everything is written as the events come. */
  done(): Promise<void> {
    return Promise.resolve();
  }

  /** TreeSink: give the tree up after an error. */
  cancel(): Promise<void> {
    this.abandon();
    return Promise.resolve();
  }

  /** Close a half-written file after an error. */
  abandon(): void {
    if (this.fd >= 0) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already failing */
      }
      this.fd = -1;
    }
  }
}
