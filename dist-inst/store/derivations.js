// Store derivations in the store: reading .drv files, their modulo hashes, and importing .drv
// files written by Nix (checked: the outputs must be the ones the derivation's hash gives).
// Nix: src/libstore/derivations.cc (readDerivation, hashDerivationModulo, checkDerivationOutputs).
import fs from "node:fs";
import path from "node:path";
import { CairnError, checkName, compareUtf8, derivationBytes, fromByteString, hashDerivationModulo, isFixedOutput, makeFixedOutputPath, makeOutputPath, makeTextPath, maskOutputs, parseBaseName, parseDerivation, parseHash, parseHashAlgo, printStorePath, sha256, } from "./format/index.js";
export function drvNameOf(drvPath) {
    return path.basename(drvPath).slice(33).replace(/\.drv$/, "");
}
/** Read and parse a valid .drv store path. */
export function readDerivation(store, drvPath) {
    if (!store.isValidPath(drvPath))
        throw new CairnError("E_INVALID_PATH", `derivation '${drvPath}' is not valid in this store`, { path: drvPath });
    return parseDerivation(fs.readFileSync(store.realPath(drvPath)), drvPath);
}
/** Memoised modulo hashes of derivations in the store (or about to be added). */
export class ModuloHashes {
    store;
    pending;
    memo = new Map();
    constructor(store, pending = new Map()) {
        this.store = store;
        this.pending = pending;
    }
    get(drvPath) {
        let h = this.memo.get(drvPath);
        if (h === undefined) {
            const drv = this.pending.get(drvPath) ?? readDerivation(this.store, drvPath);
            h = hashDerivationModulo(drv, (p) => this.get(p));
            this.memo.set(drvPath, h);
        }
        return h;
    }
}
/** The output paths `drv` must have, given its name: Nix's checkDerivationOutputs. */
export function expectedOutputs(storeDir, name, drv, modulo) {
    const out = new Map();
    if (isFixedOutput(drv)) {
        const o = drv.outputs.get("out");
        const recursive = o.hashAlgo.startsWith("r:");
        const algo = parseHashAlgo(recursive ? o.hashAlgo.slice(2) : o.hashAlgo);
        const hash = parseHash(o.hash, algo);
        out.set("out", printStorePath(storeDir, makeFixedOutputPath(storeDir, name, { method: recursive ? "recursive" : "flat", hash })));
        return out;
    }
    const h = hashDerivationModulo(maskOutputs(drv), modulo);
    for (const o of drv.outputs.keys())
        out.set(o, printStorePath(storeDir, makeOutputPath(storeDir, o, h, name)));
    return out;
}
/**
 * Register .drv files (e.g. written by Nix) in this store. Their inputs must be valid already or
 * among `files`; each one's outputs must match its hash. All are written in one transaction.
 */
export function importDerivations(store, files) {
    const storeDir = store.storeDir;
    const parsed = files.map((file) => {
        let bytes;
        try {
            bytes = fs.readFileSync(file);
        }
        catch (e) {
            throw new CairnError("E_NOT_FOUND", `cannot read '${file}': ${e.code}`, { file });
        }
        const drv = parseDerivation(bytes, file);
        const base = path.basename(file);
        let name = base.replace(/\.drv$/, "");
        try {
            name = parseBaseName(base).name.replace(/\.drv$/, "");
        }
        catch {
            /* not named like a store path: the whole base name is the name */
        }
        checkName(`${name}.drv`, "derivation name");
        const refs = [...drv.inputSrcs, ...drv.inputDrvs.keys()].sort(compareUtf8);
        const refPaths = refs.map((r) => {
            try {
                return store.parsePath(r);
            }
            catch (e) {
                throw new CairnError("E_BAD_DERIVATION", `${file}: input '${fromByteString(r)}' is not a path in store '${storeDir}': ${e.message}`, { file, input: r });
            }
        });
        const text = derivationBytes(drv);
        if (Buffer.compare(Buffer.from(text), bytes) !== 0) {
            throw new CairnError("E_BAD_DERIVATION", `${file}: not in canonical ATerm form (Nix writes sorted, unique entries)`, { file });
        }
        const drvPath = printStorePath(storeDir, makeTextPath(storeDir, `${name}.drv`, sha256(bytes), refPaths));
        return { file, drv, name, bytes, refs, drvPath };
    });
    const batch = new Map(parsed.map((p) => [p.drvPath, p.drv]));
    const modulo = new ModuloHashes(store, batch);
    for (const p of parsed) {
        for (const r of p.refs) {
            if (!batch.has(r) && !store.isValidPath(r)) {
                throw new CairnError("E_INVALID_PATH", `${p.file}: input '${r}' is not valid in this store (import it first or in the same call)`, {
                    file: p.file,
                    input: r,
                });
            }
        }
        for (const o of p.drv.outputs.keys()) {
            if (o === "drv" || o === "")
                throw new CairnError("E_BAD_DERIVATION", `${p.file}: invalid output name '${o}'`, { file: p.file });
            checkName(o === "out" ? p.name : `${p.name}-${o}`, "output name");
        }
        const want = expectedOutputs(storeDir, p.name, p.drv, (x) => modulo.get(x));
        for (const [o, expected] of want) {
            const got = p.drv.outputs.get(o).path;
            if (got !== expected) {
                throw new CairnError("E_BAD_DERIVATION", `${p.file}: output '${o}' is '${got}', but the derivation's hash gives '${expected}'`, {
                    file: p.file,
                    output: o,
                    expected,
                    actual: got,
                });
            }
            if (p.drv.env.get(o) !== expected) {
                throw new CairnError("E_BAD_DERIVATION", `${p.file}: environment variable '${o}' is not the output path '${expected}'`, {
                    file: p.file,
                    output: o,
                });
            }
        }
    }
    store.addTextObjects(parsed.map((p) => ({ path: p.drvPath, bytes: p.bytes, references: p.refs })));
    return parsed.map((p) => ({ file: p.file, drvPath: p.drvPath }));
}
//# sourceMappingURL=derivations.js.map