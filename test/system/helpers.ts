// Small system toplevels for the CLI tests, built in the sandbox with the host's busybox: kernels
// and initrds are files of a chosen size and content (nothing boots them here; test/system/
// vm.test.ts boots real ones), the init is a script, and each toplevel joins them by symlinks as
// a real one does.
import fs from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import { project, type Project } from "../helpers/build.js";

export interface FakeSystem {
  attr: string;
  /** The fake kernel's version: one content per version (and size). */
  kernel: string;
  kernelSize: number;
  initrd?: string;
  params?: string;
  label?: string;
  /** Leave this file out of the toplevel (a broken one). */
  omit?: "kernel" | "initrd" | "init" | "kernel-params";
}

/** A project whose `systems.ts` exports one toplevel per FakeSystem. */
export function systemsProject(systems: FakeSystem[], prefix = "cairn-system-"): Project & { file: string } {
  const p = project(prefix);
  const lines = [
    "const pre = `${B} mkdir -p /build/bin && ${B} --install -s /build/bin && export PATH=/build/bin && set -e\\n`;",
    "const mk = (name: string, script: string, extra: Record<string, unknown> = {}) => sh(name, pre + script, extra);",
    "const blob = (name: string, text: string, size: number) => mk(name, `yes ${text} | head -c ${size} > $out`);",
    'export const init = mk("init", "printf \'#!/bin/sh\\\\necho up\\\\n\' > $out; chmod 0555 $out");',
  ];
  const made = new Set<string>();
  for (const s of systems) {
    const k = `kernel_${s.kernel.replace(/\W/g, "_")}_${s.kernelSize}`;
    if (!made.has(k)) {
      lines.push(`const ${k} = mk("linux-${s.kernel}", \`mkdir $out; yes linux-${s.kernel} | head -c ${s.kernelSize} > $out/vmlinuz\`);`);
      made.add(k);
    }
    const i = `initrd_${s.initrd ?? "x"}`;
    if (!made.has(i)) {
      lines.push(`const ${i} = blob("initrd-${s.initrd ?? "x"}", "initrd-${s.initrd ?? "x"}", 20000);`);
      made.add(i);
    }
    const parts = [
      s.omit === "kernel" ? "" : `ln -s \${${k}}/vmlinuz $out/kernel;`,
      s.omit === "initrd" ? "" : `ln -s \${${i}} $out/initrd;`,
      s.omit === "init" ? "" : "ln -s ${init} $out/init;",
      s.omit === "kernel-params" ? "" : `printf '%s\\\\n' "$params" > $out/kernel-params;`,
      s.label ? `printf '%s\\\\n' "$label" > $out/label;` : "",
    ];
    lines.push(
      `export const ${s.attr} = mk("system-${s.attr}", \`mkdir $out; ${parts.join(" ")}\`, { params: ${JSON.stringify(s.params ?? "console=ttyS0")}, label: ${JSON.stringify(s.label ?? "")} });`,
    );
  }
  // The default export: every toplevel (so a recipe without -A selects several).
  lines.push(`export default { ${systems.map((s) => s.attr).join(", ")} };`);
  const file = p.recipe("systems.ts", lines.join("\n"));
  return { ...p, file };
}

/** Names and content hashes of everything under an ESP directory (to show a refusal changed nothing). */
export function snapshotTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    if (!fs.existsSync(d)) return;
    for (const n of fs.readdirSync(d).sort()) {
      const p = path.join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(p, r);
      } else if (st.isSymbolicLink()) out.push(`${r} -> ${fs.readlinkSync(p)}`);
      else out.push(`${r} = ${createHash("sha256").update(fs.readFileSync(p)).digest("hex").slice(0, 16)}`);
    }
  };
  walk(dir, "");
  return out;
}
