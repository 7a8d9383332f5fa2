// The dependency rules of DESIGN.md §1, checked on the import specifiers of every source file.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO } from "./helpers/cli.js";

const DIRS = ["store", "eval", "builder", "gc", "profiles", "cli"];

function sources(): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) out.push(path.relative(REPO, p));
    }
  };
  for (const d of DIRS) walk(path.join(REPO, d));
  return out.sort();
}

function imports(file: string): string[] {
  const text = fs.readFileSync(path.join(REPO, file), "utf8");
  const specs: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)) {
    specs.push((m[1] ?? m[2])!);
  }
  return specs;
}

/** Source text without line comments (which may mention what they must not use). */
function code(file: string): string {
  return fs.readFileSync(path.join(REPO, file), "utf8").replace(/^\s*\/\/.*$|\s\/\/ .*$/gm, "");
}

/** The top-level module a relative import lands in ("store/format", "store", "cli", ...). */
function moduleOf(file: string): string {
  if (file.startsWith("store/format/")) return "store/format";
  return file.split("/")[0]!;
}

function target(file: string, spec: string): string | undefined {
  if (!spec.startsWith(".")) return undefined;
  return path.relative(REPO, path.resolve(REPO, path.dirname(file), spec));
}

const files = sources();

describe("architecture", () => {
  it("finds the sources", () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it("store/format is pure: no fs, processes, threads, lmdb or environment", () => {
    const banned = /^(node:)?(fs|fs\/promises|child_process|worker_threads|net|http|https|os|process)$|^lmdb$|^execa$/;
    for (const f of files.filter((f) => moduleOf(f) === "store/format")) {
      for (const s of imports(f)) expect(banned.test(s), `${f} imports ${s}`).toBe(false);
      const text = code(f);
      expect(/process\.(env|argv|exit|cwd)|Date\.now\(/.test(text), `${f} reads the environment or clock`).toBe(false);
    }
  });

  it("only store/db.ts imports lmdb", () => {
    for (const f of files) {
      if (imports(f).includes("lmdb")) expect(f).toBe("store/db.ts");
    }
  });

  it("only store/db.ts begins LMDB write transactions: every other write goes through db.write (the open gate)", () => {
    for (const f of files) {
      if (f === "store/db.ts") continue;
      expect(/\b(transactionSync|childTransaction|transaction|putSync|removeSync|ifNoExists|ifVersion)\(/.test(code(f)), `${f} writes around the gate`).toBe(false);
    }
  });

  it("referrers are read with store/db.ts's referrersOf, never lmdb-js's getValues (stale keys in write transactions)", () => {
    for (const f of files) expect(/\.getValues\(/.test(code(f)), `${f} calls getValues`).toBe(false);
  });

  it("imports point one way: store/format <- store <- {builder, gc, profiles} <- cli; eval and builder apart", () => {
    const allowed: Record<string, string[]> = {
      "store/format": ["store/format"],
      store: ["store/format", "store"],
      eval: ["store/format", "eval"],
      builder: ["store/format", "store", "builder"],
      gc: ["store/format", "store", "gc"],
      profiles: ["store/format", "store", "profiles"],
      cli: ["store/format", "store", "eval", "builder", "gc", "profiles", "cli"],
    };
    for (const f of files) {
      const from = moduleOf(f);
      for (const s of imports(f)) {
        const t = target(f, s);
        if (t === undefined) continue;
        const to = moduleOf(t);
        expect(allowed[from]!.includes(to), `${f} (${from}) imports ${s} (${to})`).toBe(true);
      }
    }
  });

  it("only store/cache-transport.ts and builder/fetchurl.ts (builtin:fetchurl) talk to the network; formats stay apart from it", () => {
    for (const f of files) {
      const net = imports(f).some((s) => /^(node:)?(http|https|net|tls|undici)$/.test(s)) || /\bfetch\(/.test(code(f));
      // profiles/lock.ts binds an abstract unix socket as a lock: local, not the network.
      if (net) expect(["store/cache-transport.ts", "builder/fetchurl.ts", "profiles/lock.ts"], `${f} uses the network`).toContain(f);
    }
    for (const f of ["store/format/narinfo.ts", "store/format/signature.ts"]) {
      expect(files.includes(f), `${f} exists`).toBe(true);
      for (const s of imports(f)) expect(s.startsWith("./") || s === "node:crypto", `${f} imports ${s}`).toBe(true);
    }
  });

  it("only cli/main.ts and cli/cli.ts read argv/env or exit", () => {
    for (const f of files) {
      if (f === "cli/main.ts" || f === "cli/cli.ts") continue;
      const text = code(f);
      expect(/process\.(env|argv|exit)\b/.test(text), `${f} touches process.env/argv/exit`).toBe(false);
    }
  });

  it("only store/syncfs.ts, store/compression.ts (xz, zstd), builder/sandbox and `cairn shell` spawn processes", () => {
    // cli/commands/shell.ts starts the user's interactive shell (nix-shell -p): not a build, so
    // no sandbox; it spawns with execa.
    const allowed = ["store/syncfs.ts", "store/compression.ts", "cli/commands/shell.ts"];
    for (const f of files) {
      const spawns = imports(f).some((s) => /^(node:)?child_process$|^execa$/.test(s));
      if (spawns) expect(allowed.includes(f) || f.startsWith("builder/sandbox/"), `${f} spawns processes`).toBe(true);
    }
  });
});
