// Store paths: name rules, parsing and computation. Nix: src/libstore/path.cc (checkName),
// src/libstore/store-api.cc (makeStorePath, makeFixedOutputPath, makeTextPath).
import { isNix32Char } from "./base32.js";
import { CairnError } from "./errors.js";
import { sha256, storePathHashPart, type Hash } from "./hash.js";
import { compareUtf8, toHex } from "./bytes.js";

export const HASH_PART_LEN = 32;
export const MAX_NAME_LEN = 211;

/** A store path relative to no store dir: `<hashPart>-<name>`. Printing needs the store dir. */
export interface StorePath {
  readonly hashPart: string;
  readonly name: string;
}

const NAME_CHARS = /^[A-Za-z0-9+\-._?=]+$/;

/** Why `name` is not a valid store path name, or undefined if it is. */
export function nameError(name: string): string | undefined {
  if (name.length === 0) return "name is empty";
  if (name.length > MAX_NAME_LEN) return `name is longer than ${MAX_NAME_LEN} characters`;
  if (!NAME_CHARS.test(name)) {
    const bad = [...name].find((c) => !NAME_CHARS.test(c));
    return `name contains the forbidden character ${JSON.stringify(bad)} (allowed: A-Z a-z 0-9 + - . _ ? =)`;
  }
  // Refused as Nix >= 2.21 refuses them (Nix 2.8 still accepts): they look like . and .. entries.
  if (name === "." || name === "..") return `name '${name}' is not allowed`;
  if (name.startsWith(".-") || name.startsWith("..-")) return `name may not start with '.-' or '..-'`;
  return undefined;
}

export function checkName(name: string, what = "store path name"): string {
  const why = nameError(name);
  if (why !== undefined) throw new CairnError("E_BAD_NAME", `invalid ${what} '${name}': ${why}`, { input: name, why });
  return name;
}

/** A logical store dir: absolute, canonical, no trailing slash (it is part of every hash). */
export function checkStoreDir(dir: string): string {
  const bad =
    !dir.startsWith("/") ||
    dir.length < 2 ||
    dir.endsWith("/") ||
    dir.split("/").slice(1).some((c) => c === "" || c === "." || c === "..") ||
    dir.includes("\0") ||
    /[\s:]/.test(dir);
  if (bad) {
    throw new CairnError(
      "E_BAD_STORE_DIR",
      `invalid store directory '${dir}': expected an absolute, canonical path without a trailing slash`,
      { input: dir },
    );
  }
  return dir;
}

// A base name that is certainly valid: nix32 hash part, then a name of allowed characters not
// starting with "." (the rules for "." and ".." are checked below). One native regex test: the
// checks below, run for every path a command reads, cost ~2 us each while the code is cold.
const VALID_BASE = /^[0-9a-df-np-sv-z]{32}-[A-Za-z0-9+\-_?=][A-Za-z0-9+\-._?=]{0,210}$/;

export function parseBaseName(base: string, input = base): StorePath {
  if (VALID_BASE.test(base)) return { hashPart: base.slice(0, HASH_PART_LEN), name: base.slice(HASH_PART_LEN + 1) };
  if (base.length < HASH_PART_LEN + 2 || base[HASH_PART_LEN] !== "-") {
    throw new CairnError("E_BAD_STORE_PATH", `'${input}' is not a store path: expected <32-char hash>-<name>`, {
      input,
    });
  }
  const hashPart = base.slice(0, HASH_PART_LEN);
  for (let i = 0; i < HASH_PART_LEN; i++) {
    if (!isNix32Char(hashPart.charCodeAt(i))) {
      throw new CairnError("E_BAD_STORE_PATH", `'${input}' has an invalid hash part '${hashPart}'`, {
        input,
        offset: i,
      });
    }
  }
  const name = base.slice(HASH_PART_LEN + 1);
  const why = nameError(name);
  if (why !== undefined) {
    throw new CairnError("E_BAD_STORE_PATH", `'${input}' has an invalid name: ${why}`, { input, why });
  }
  return { hashPart, name };
}

/** Parse `STORE/<hash>-<name>` (exactly one component below the store dir). */
export function parseStorePath(storeDir: string, path: string): StorePath {
  const prefix = storeDir + "/";
  if (!path.startsWith(prefix)) {
    throw new CairnError("E_BAD_STORE_PATH", `path '${path}' is not in the store directory '${storeDir}'`, {
      input: path,
      storeDir,
    });
  }
  const base = path.slice(prefix.length);
  if (base.includes("/")) {
    throw new CairnError("E_BAD_STORE_PATH", `path '${path}' is not a store path: it lies inside one`, {
      input: path,
    });
  }
  return parseBaseName(base, path);
}

export function isStorePath(storeDir: string, path: string): boolean {
  try {
    parseStorePath(storeDir, path);
    return true;
  } catch {
    return false;
  }
}

export function baseName(p: StorePath): string {
  return `${p.hashPart}-${p.name}`;
}

export function printStorePath(storeDir: string, p: StorePath): string {
  return `${storeDir}/${p.hashPart}-${p.name}`;
}

/**
 * Nix's makeStorePath: `TYPE:sha256:<hex inner>:STORE:NAME`, sha256, XOR-fold to 20 bytes. The
 * inner hash is bytes or lower-case hex (what evaluation has at hand).
 */
export function makeStorePath(storeDir: string, type: string, inner: Uint8Array | string, name: string): StorePath {
  checkName(name);
  return { hashPart: storePathHashPart(`${type}:sha256:${typeof inner === "string" ? inner : toHex(inner)}:${storeDir}:${name}`), name };
}

function typeWithRefs(type: string, storeDir: string, refs: Iterable<StorePath>, self: boolean): string {
  let t = type;
  for (const r of [...refs].map((r) => printStorePath(storeDir, r)).sort(compareUtf8)) t += ":" + r;
  if (self) t += ":self";
  return t;
}

/** makeTextPath with references given as printed store paths of this store, in byte order. */
export function makeTextPathFromPrinted(storeDir: string, name: string, contentSha256: Uint8Array | string, refs: readonly string[]): StorePath {
  let type = "text";
  for (const r of refs) type += ":" + r;
  return makeStorePath(storeDir, type, contentSha256, name);
}

/** `builtins.toFile` and `.drv` files: `text[:REF…]`, inner = sha256 of the contents. */
export function makeTextPath(storeDir: string, name: string, contentSha256: Uint8Array, refs: Iterable<StorePath>): StorePath {
  return makeStorePath(storeDir, typeWithRefs("text", storeDir, refs, false), contentSha256, name);
}

export type FileIngestionMethod = "flat" | "recursive";

export interface FixedOutputInfo {
  method: FileIngestionMethod;
  hash: Hash;
  references?: Iterable<StorePath>;
  /** Whether the object refers to itself (only for recursive sha256). */
  hasSelfReference?: boolean;
}

/** Content-addressed paths: recursive sha256 uses `source:`, everything else `fixed:out:`. */
export function makeFixedOutputPath(storeDir: string, name: string, info: FixedOutputInfo): StorePath {
  const refs = [...(info.references ?? [])];
  if (info.method === "recursive" && info.hash.algo === "sha256") {
    const type = typeWithRefs("source", storeDir, refs, info.hasSelfReference ?? false);
    return makeStorePath(storeDir, type, info.hash.bytes, name);
  }
  if (refs.length > 0 || info.hasSelfReference) {
    throw new CairnError("E_BAD_REFERENCE", `a ${info.method} ${info.hash.algo} fixed-output path cannot have references`, {
      name,
    });
  }
  const inner = sha256(`fixed:out:${info.method === "recursive" ? "r:" : ""}${info.hash.algo}:${toHex(info.hash.bytes)}:`);
  return makeStorePath(storeDir, "output:out", inner, name);
}

/** Output path of an input-addressed derivation. Nix: outputPathName. */
export function makeOutputPath(storeDir: string, outputName: string, drvHash: Uint8Array | string, drvName: string): StorePath {
  const name = outputName === "out" ? drvName : `${drvName}-${outputName}`;
  return makeStorePath(storeDir, `output:${outputName}`, drvHash, name);
}
