// Shared by the golden generators: run Nix 2.8 (no daemon) and check what it says.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";

export const env = { ...process.env, NIX_REMOTE: "" };
delete env.NIX_STORE_DIR;
delete env.NIX_STATE_DIR;

/** Run a command with Nix's environment; its stdout, or an error with its stderr. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { env, maxBuffer: 1 << 30, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

export const line = (b) => b.toString().trim();
export const sha256hex = (b) => createHash("sha256").update(b).digest("hex");

export function check(cond, what) {
  if (!cond) throw new Error(`consistency check failed: ${what}`);
}
