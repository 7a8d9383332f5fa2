// Where one cairn store keeps things. The logical store dir (part of every hash) and the physical
// directory holding the objects are distinct, as in Nix (Store::toRealPath).
import path from "node:path";
import { checkStoreDir, parseStorePath, baseName } from "./format/store-path.js";
export class Layout {
    /** Physical directory of store objects: ROOT/store. */
    realStoreDir;
    dbDir;
    profilesDir;
    gcrootsDir;
    /** One file of temp roots per live process using the store (store/temp-roots.ts). */
    tempRootsDir;
    logDir;
    /** Where half-written objects and deleted ones wait, on the store's own file system. */
    trashDir;
    root;
    /** The logical store dir: ROOT/store unless configured otherwise (e.g. /nix/store). */
    storeDir;
    constructor(root, storeDir) {
        this.root = path.resolve(root);
        this.storeDir = checkStoreDir(storeDir ?? path.join(this.root, "store"));
        this.realStoreDir = path.join(this.root, "store");
        this.dbDir = path.join(this.root, "var/cairn/db");
        this.profilesDir = path.join(this.root, "var/cairn/profiles");
        this.gcrootsDir = path.join(this.root, "var/cairn/gcroots");
        this.tempRootsDir = path.join(this.root, "var/cairn/temproots");
        this.logDir = path.join(this.root, "var/log/cairn/drvs");
        this.trashDir = path.join(this.realStoreDir, ".trash");
    }
    printPath(p) {
        return `${this.storeDir}/${baseName(p)}`;
    }
    parsePath(p) {
        return parseStorePath(this.storeDir, p);
    }
    /** Physical location of a store path. */
    realPath(p) {
        return path.join(this.realStoreDir, baseName(p));
    }
}
//# sourceMappingURL=layout.js.map