// `cairn why-depends A B`: the shortest reference chain from A to B and, precisely, where in
// each path's files the next one's hash appears. Nix: src/nix/why-depends.cc.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "../store/format/index.js";
/** Shortest chain A -> … -> B over references (breadth first), or undefined if B is not in A's closure. */
export function shortestReferenceChain(from, to, references) {
    const parent = new Map([[from, undefined]]);
    const queue = [from];
    for (let i = 0; i < queue.length; i++) {
        const p = queue[i];
        if (p === to) {
            const chain = [];
            for (let c = p; c !== undefined; c = parent.get(c))
                chain.unshift(c);
            return chain;
        }
        for (const r of references(p)) {
            if (!parent.has(r)) {
                parent.set(r, p);
                queue.push(r);
            }
        }
    }
    return undefined;
}
const CONTEXT = 32;
function printable(b) {
    let s = "";
    for (const c of b)
        s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
    return s;
}
/** Where `hashPart` occurs in the files (and symlink targets) of the tree at `root`. */
export function findHashInTree(root, hashPart) {
    const needle = Buffer.from(hashPart);
    const hits = [];
    const search = (rel, data) => {
        for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + needle.length)) {
            const lo = Math.max(0, at - CONTEXT);
            const hi = Math.min(data.length, at + needle.length + CONTEXT);
            hits.push({ file: rel, context: `${lo > 0 ? "…" : ""}${printable(data.subarray(lo, hi))}${hi < data.length ? "…" : ""}` });
        }
    };
    const walk = (abs, rel) => {
        const st = fs.lstatSync(abs);
        if (st.isSymbolicLink())
            search(rel, Buffer.from(fs.readlinkSync(abs)));
        else if (st.isFile())
            search(rel, fs.readFileSync(abs));
        else if (st.isDirectory()) {
            for (const n of fs.readdirSync(abs).sort())
                walk(path.join(abs, n), rel === "" ? n : `${rel}/${n}`);
        }
    };
    walk(root, "");
    return hits;
}
export function whyDepends(store, a, b, precise = false) {
    for (const p of [a, b]) {
        if (!store.isValidPath(p))
            throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
    }
    const chain = shortestReferenceChain(a, b, (p) => store.queryReferences(p).filter((r) => r !== p));
    if (chain === undefined) {
        throw new CairnError("E_GC", `'${a}' does not depend on '${b}'`, { from: a, to: b });
    }
    return chain.map((p, i) => precise && i > 0
        ? { path: p, hits: findHashInTree(store.realPath(chain[i - 1]), store.parsePath(p).hashPart) }
        : { path: p });
}
//# sourceMappingURL=why-depends.js.map