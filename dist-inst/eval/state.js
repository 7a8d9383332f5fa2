// One evaluation: the store dir, the store that path() copies into, every derivation and text
// object made so far, and the index that turns store paths in strings back into string context.
// Nix keeps context on each string; JS strings cannot carry it, so cairn recovers it by finding
// the hash parts of paths made in this evaluation (NIX-COMPAT.md §5.6.2), plus object identity
// where a derivation value is used directly.
import { isAscii } from "../store/format/derivation.js";
import { CairnError } from "../store/format/errors.js";
/**
 * Bytes of the text objects made, in big off-heap chunks: 10,000 .drv texts kept as JS strings
 * are ~11 MB that every young-generation gc would copy (twice) before they settle.
 */
class TextArena {
    /** The chunk the last add() wrote to; `used` is where its bytes end. */
    chunk = Buffer.allocUnsafeSlow(0);
    used = 0;
    /**
     * Store a byte string's bytes; they are `chunk[start, used)` after, where start is returned
     * (no view made: 10,000 of them would be as many objects for the gc to copy).
     */
    add(s) {
        if (this.used + s.length > this.chunk.length) {
            this.chunk = Buffer.allocUnsafeSlow(Math.max(4 << 20, s.length));
            this.used = 0;
        }
        const start = this.used;
        this.used += this.chunk.write(s, start, "latin1");
        return start;
    }
}
/** The bytes of a .drv made in this evaluation. */
export function drvText(made) {
    return new Uint8Array(made.chunk.buffer, made.chunk.byteOffset + made.start, made.end - made.start);
}
export class EvalState {
    storeDir;
    store;
    arena = new TextArena();
    drvs = new Map();
    texts = new Map();
    /**
     * 32-char hash part -> what has that hash part: one origin, or a list where fixed outputs of
     * several derivations share a path (a list per entry would cost 30,000 arrays for 10,000
     * derivations).
     */
    byHashPart = new Map();
    /**
     * Hash parts of the .drv files and input-addressed outputs made, not in byHashPart yet: no one
     * else has them (they hash the derivation itself), so they go in only when a lookup misses.
     * Most recipes pass derivations as values, and 20,000 Map entries made eagerly cost ~25 ms.
     */
    pendingParts = [];
    pendingDrvs = [];
    /** The output's path and name; "" for the .drv file itself. */
    pendingPaths = [];
    pendingOutputs = [];
    /** `storeDir/`: what starts a store path in a string. */
    pathPrefix;
    /** Whether the store dir is ASCII (then so are the store paths in ATerms). */
    asciiStoreDir;
    /** Whether store paths are printed in ATerms as they are (ASCII, nothing to escape). */
    plainStoreDir;
    /** Absolute file system path -> its store path (a path is copied once per evaluation). */
    pathLiterals = new Map();
    /** `drvPath!output` of derivation values that were turned into strings (see coerce.ts). */
    stringified = new Set();
    /** The same, since the last derivation() call: the template strings of its own attributes. */
    recentlyStringified = new Set();
    /** Walks over what was made so far (marks on the objects tell what a walk reached). */
    walks = 0;
    /** Told of each .drv and toFile object as it is made (the worker streams them to the store). */
    onMade;
    constructor(storeDir, store) {
        this.storeDir = storeDir;
        this.store = store;
        this.pathPrefix = storeDir + "/";
        this.asciiStoreDir = isAscii(storeDir);
        // eslint-disable-next-line no-control-regex
        this.plainStoreDir = /^[^"\\\n\r\t\x80-\uffff]*$/.test(storeDir);
    }
    /** A .drv (`output` "") or an input-addressed output made: its hash part is new. */
    addMade(hashPart, drvPath, output, path) {
        this.pendingParts.push(hashPart);
        this.pendingDrvs.push(drvPath);
        this.pendingOutputs.push(output);
        this.pendingPaths.push(path);
    }
    flush() {
        const parts = this.pendingParts;
        for (let i = 0; i < parts.length; i++) {
            const output = this.pendingOutputs[i];
            const drvPath = this.pendingDrvs[i];
            this.byHashPart.set(parts[i], output === "" ? { kind: "drv", path: drvPath } : { kind: "output", path: this.pendingPaths[i], drvPath, output });
        }
        parts.length = 0;
        this.pendingDrvs.length = 0;
        this.pendingOutputs.length = 0;
        this.pendingPaths.length = 0;
    }
    /** What has `hashPart`: one origin, or several (fixed outputs sharing a path). */
    lookup(hashPart) {
        const known = this.byHashPart.get(hashPart);
        if (known !== undefined || this.pendingParts.length === 0)
            return known;
        this.flush();
        return this.byHashPart.get(hashPart);
    }
    /**
     * Add what else has a hash part: a source, or a fixed output (fixed paths of several derivations
     * may coincide). Neither can have a pending hash part (other fingerprint types), but a toFile
     * text could be byte for byte a .drv (`flush`: those go in first, as if added eagerly).
     */
    addOrigin(hashPart, o, flush = false) {
        if (flush && this.pendingParts.length > 0)
            this.flush();
        const known = this.byHashPart.get(hashPart);
        if (known === undefined)
            this.byHashPart.set(hashPart, o);
        else {
            const list = Array.isArray(known) ? known : [known];
            if (!list.some((x) => x.kind === o.kind && x.path === o.path && (x.kind !== "output" || (o.kind === "output" && x.drvPath === o.drvPath && x.output === o.output)))) {
                list.push(o);
            }
            this.byHashPart.set(hashPart, list);
        }
    }
    /** What has `hashPart`, as a list. */
    origins(hashPart) {
        const known = this.lookup(hashPart);
        return known === undefined ? undefined : Array.isArray(known) ? known : [known];
    }
}
let current;
/** Start an evaluation; recipes' derivation()/toFile()/path() calls land in it. */
export function beginEvaluation(storeDir, store) {
    current = new EvalState(storeDir, store);
    return current;
}
export function endEvaluation() {
    current = undefined;
}
export function evalState() {
    if (current === undefined) {
        throw new CairnError("E_EVAL", "no evaluation in progress: recipes are evaluated by `cairn instantiate|build`, or after beginEvaluation()");
    }
    return current;
}
//# sourceMappingURL=state.js.map