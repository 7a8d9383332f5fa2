// The digest cache of kernels and initrds (profiles/system/toplevel.ts FileHasher): a file still
// the one hashed (same device, inode, size, ctime) is not read again; any other file is.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { rmTree, tmpDir } from "../helpers/cli.js";
import { FileHasher } from "../../profiles/system/toplevel.js";
import { encodeNix32 } from "../../store/format/index.js";

const dir = tmpDir("cairn-digests-");
afterAll(() => rmTree(dir));
const cache = path.join(dir, "var/digests.json");
const nix32 = (b: Buffer) => encodeNix32(createHash("sha256").update(b).digest()).slice(0, 32);

describe("FileHasher", () => {
  it("hashes content (nix32 of sha256, 32 characters) and remembers it across instances", () => {
    const f = path.join(dir, "kernel");
    const bytes = Buffer.alloc(3 << 20, 7);
    fs.writeFileSync(f, bytes);
    const h = new FileHasher(cache);
    expect(h.digest(f)).toEqual({ hash: nix32(bytes), size: bytes.length });
    h.save();
    // A planted value proves the next instance takes it from the cache without reading the file...
    const j = JSON.parse(fs.readFileSync(cache, "utf8")) as Record<string, { hash: string }>;
    j[f]!.hash = "0".repeat(32);
    fs.writeFileSync(cache, JSON.stringify(j));
    expect(new FileHasher(cache).digest(f).hash).toBe("0".repeat(32));
    // ...and a different file under the same path (new inode, as a path gc'd and rebuilt) is read again.
    const other = Buffer.alloc(3 << 20, 8);
    fs.writeFileSync(`${f}.new`, other);
    fs.renameSync(`${f}.new`, f);
    expect(new FileHasher(cache).digest(f)).toEqual({ hash: nix32(other), size: other.length });
  });

  it("a torn cache is ignored", () => {
    fs.writeFileSync(cache, "{not json");
    const f = path.join(dir, "initrd");
    fs.writeFileSync(f, "abc");
    expect(new FileHasher(cache).digest(f).hash).toBe(nix32(Buffer.from("abc")));
  });
});
