// `cairn why-depends A B`: the shortest reference chain from A to B and, precisely, where in
// each path's files the next one's hash appears. Nix: src/nix/why-depends.cc.
import fs from "node:fs";
import path from "node:path";
import { CairnError } from "../store/format/index.js";
import type { LocalStore } from "../store/local-store.js";

/** Shortest chain A -> … -> B over references (breadth first), or undefined if B is not in A's closure. */
export function shortestReferenceChain(
  from: string,
  to: string,
  references: (p: string) => readonly string[],
): string[] | undefined {
  const parent = new Map<string, string | undefined>([[from, undefined]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    if (p === to) {
      const chain: string[] = [];
      for (let c: string | undefined = p; c !== undefined; c = parent.get(c)) chain.unshift(c);
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

export interface Hit {
  /** File inside the referrer, relative to its root ("" for the path itself). */
  file: string;
  /** Bytes around the hash, non-printable ones shown as '.'. */
  context: string;
}

const CONTEXT = 32;

function printable(b: Buffer): string {
  let s = "";
  for (const c of b) s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
  return s;
}

/** Where `hashPart` occurs in the files (and symlink targets) of the tree at `root`. */
export function findHashInTree(root: string, hashPart: string): Hit[] {
  const needle = Buffer.from(hashPart);
  const hits: Hit[] = [];
  const search = (rel: string, data: Buffer) => {
    for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, at + needle.length)) {
      const lo = Math.max(0, at - CONTEXT);
      const hi = Math.min(data.length, at + needle.length + CONTEXT);
      hits.push({ file: rel, context: `${lo > 0 ? "…" : ""}${printable(data.subarray(lo, hi))}${hi < data.length ? "…" : ""}` });
    }
  };
  const walk = (abs: string, rel: string) => {
    const st = fs.lstatSync(abs);
    if (st.isSymbolicLink()) search(rel, Buffer.from(fs.readlinkSync(abs)));
    else if (st.isFile()) search(rel, fs.readFileSync(abs));
    else if (st.isDirectory()) {
      for (const n of fs.readdirSync(abs).sort()) walk(path.join(abs, n), rel === "" ? n : `${rel}/${n}`);
    }
  };
  walk(root, "");
  return hits;
}

export interface WhyDependsStep {
  path: string;
  /** How the previous path refers to this one (with `precise`). */
  hits?: Hit[];
}

export function whyDepends(store: LocalStore, a: string, b: string, precise = false): WhyDependsStep[] {
  for (const p of [a, b]) {
    if (!store.isValidPath(p)) throw new CairnError("E_INVALID_PATH", `path '${p}' is not valid`, { path: p });
  }
  const chain = shortestReferenceChain(a, b, (p) => store.queryReferences(p).filter((r) => r !== p));
  if (chain === undefined) {
    throw new CairnError("E_GC", `'${a}' does not depend on '${b}'`, { from: a, to: b });
  }
  return chain.map((p, i) =>
    precise && i > 0
      ? { path: p, hits: findHashInTree(store.realPath(chain[i - 1]!), store.parsePath(p).hashPart) }
      : { path: p },
  );
}
