// TypeScript recipes become JavaScript by type stripping with amaro (Node's own stripper: types
// become spaces, so line:column in errors are those of the source). Stripped code and V8's code
// cache for it are kept in a cache directory, keyed by the content they were made from.
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import { entryFile, touch, writeEntry } from "./cache-dir.js";

const STRIPPER = "amaro-strip-1";

/** A syntax error whose message starts with "file[:line:column]: ". */
export class LocatedSyntaxError extends SyntaxError {}

/** amaro reports errors as text with a code frame; turn that into "file:line:column: message". */
function describeStripError(file: string, e: unknown): string {
  const text = String(e);
  const lines = text.split("\n");
  const msg = (lines.find((l) => /^\s*x /.test(l)) ?? lines[0] ?? "syntax error").replace(/^\s*x /, "").trim();
  for (let i = 1; i < lines.length; i++) {
    const caret = lines[i]!.match(/^(\s*:\s)(\s*)\^/);
    const code = lines[i - 1]!.match(/^(\s*(\d+) \| )/);
    if (caret && code) {
      const col = caret[1]!.length + caret[2]!.length - code[1]!.length + 1;
      return `${file}:${code[2]}:${Math.max(1, col)}: ${msg}`;
    }
  }
  return `${file}: ${msg}`;
}

// amaro (swc in wasm) costs ~50 ms to load: only when a recipe is not in the cache. Required, not
// imported: importing CommonJS runs a lexer over its 4 MB to find the export names.
let stripper: typeof import("amaro") | undefined;

function amaro(): typeof import("amaro") {
  stripper ??= createRequire(import.meta.url)("amaro") as typeof import("amaro");
  return stripper;
}

/** `file`'s source as JavaScript, or a SyntaxError "file:line:column: message". */
export function stripTypes(file: string, source: string): string {
  try {
    return amaro().transformSync(source, { mode: "strip-only", filename: file }).code;
  } catch (e) {
    throw new LocatedSyntaxError(describeStripError(file, e));
  }
}

/**
 * Where a syntax error V8 found lies, when the stripper finds it too (V8 reports module syntax
 * errors without a position); undefined otherwise.
 */
export function locateSyntaxError(file: string, source: string): string | undefined {
  try {
    stripTypes(file, source);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * A content-addressed cache of derived files (stripped code, code caches); writes are atomic,
 * unused files are pruned (cache-dir.ts).
 */
export class RecipeCache {
  constructor(private readonly dir: string | undefined) {}

  key(...parts: string[]): string {
    const h = createHash("sha256");
    for (const p of parts) h.update(p).update("\0");
    return h.digest("hex");
  }

  private file(key: string, ext: string): string | undefined {
    return this.dir === undefined ? undefined : entryFile(this.dir, key, ext);
  }

  read(key: string, ext: string): Buffer | undefined {
    const f = this.file(key, ext);
    if (f === undefined) return undefined;
    let data: Buffer;
    try {
      data = fs.readFileSync(f);
    } catch {
      return undefined; // not cached yet
    }
    touch(f);
    return data;
  }

  write(key: string, ext: string, data: string | Uint8Array): void {
    const f = this.file(key, ext);
    if (f !== undefined) writeEntry(this.dir!, f, data);
  }

  /** The stripped form of a TypeScript source, cached. */
  stripped(file: string, source: string): string {
    const key = this.key(STRIPPER, source);
    const hit = this.read(key, ".js");
    if (hit !== undefined) return hit.toString("utf8");
    const code = stripTypes(file, source);
    this.write(key, ".js", code);
    return code;
  }
}
