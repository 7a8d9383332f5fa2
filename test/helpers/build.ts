// Scratch projects for build tests: a directory with a copy of the host's static busybox (in
// bb/bin/busybox, so busybox sees its own name) and recipes that build with it.
import fs from "node:fs";
import path from "node:path";
import { tmpDir } from "./cli.js";

export const BUSYBOX = process.env.BUSYBOX ?? "/bin/busybox";

export interface Project {
  dir: string;
  root: string;
  env: Record<string, string>;
  /** Write a recipe; `body` may use `bb` (the busybox store path) and `B` (its binary). */
  recipe(name: string, body: string): string;
}

export function project(prefix = "cairn-build-"): Project {
  const dir = tmpDir(prefix);
  fs.mkdirSync(path.join(dir, "bb/bin"), { recursive: true });
  fs.copyFileSync(BUSYBOX, path.join(dir, "bb/bin/busybox"));
  fs.chmodSync(path.join(dir, "bb/bin/busybox"), 0o755);
  const root = path.join(dir, "root");
  return {
    dir,
    root,
    env: { CAIRN_ROOT: root, XDG_CACHE_HOME: path.join(dir, "cache") },
    recipe(name, body) {
      const file = path.join(dir, name);
      fs.writeFileSync(
        file,
        `import { derivation, path, toFile, fetchurl } from "cairn";\n` +
          `const bb = path("./bb");\nconst B = \`\${bb}/bin/busybox\`;\n` +
          `const sh = (name: string, script: string, extra: Record<string, unknown> = {}) =>\n` +
          `  derivation({ name, system: "x86_64-linux", builder: B, args: ["sh", "-c", script], B, ...extra });\n` +
          `void toFile; void fetchurl; void sh;\n${body}\n`,
      );
      return file;
    },
  };
}
