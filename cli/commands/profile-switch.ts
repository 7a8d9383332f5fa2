// `cairn profile rollback` and `cairn profile switch-generation N`, and the profile context every
// profile command starts from. These two commands are mostly start-up, so cli/main.ts runs them
// here (runFast, through cli/switch-fast.ts) without loading commander or the rest of the CLI when
// their arguments are plain;
// anything else (--help, an unknown or repeated flag, a missing value) goes through commander,
// which registers the same actions (commands/profile.ts), so both paths behave alike.
//
// Neither opens the store's database. A generation link is a GC root (in the profiles dir, or
// through gcroots/auto for a profile elsewhere) from the moment it is made, and it is made only
// after its environment is valid and durable (profiles/generations.ts). While it exists, under the
// profile's lock, its target is therefore valid: the GC keeps it, and the only ways to remove the
// link (delete-generations, gc --delete-older-than) never remove the current generation. Checking
// validity in LMDB would cost the ~70 ms of loading lmdb and add nothing those rules don't give.
import path from "node:path";
import { CairnError } from "../../store/format/errors.js";
import { err, resolveLayout, type Context, type GlobalOptions } from "../context.js";
import type { Layout } from "../../store/layout.js";
import { profileRef } from "../../profiles/generations.js";
import { rollback, switchTo, type ProfileContext } from "../../profiles/switch.js";

export interface ProfileOpts extends GlobalOptions {
  profile?: string;
}

export function profileContext(ctx: Context, opts: ProfileOpts): ProfileContext {
  const layout = resolveLayout(ctx, opts);
  return {
    layout,
    ref: profileRef(layout.profilesDir, opts.profile ?? "default", process.cwd()),
    ...(ctx.hooks.crash ? { crash: ctx.hooks.crash } : {}),
    now: ctx.hooks.now ?? (() => Math.floor(Date.now() / 1000)),
    log: (s) => err(s + "\n"),
  };
}

export function parseGeneration(v: string): number {
  if (!/^[0-9]+$/.test(v)) throw new CairnError("E_USAGE", `'${v}' is not a generation number`, { generation: v });
  return Number(v);
}

/**
 * The system profile's link: `profiles/system` (DESIGN.md §5; profiles/system's systemProfileRef,
 * which a test holds this to). Checked first so other profiles never load the system modules.
 */
export const isSystemProfileLink = (layout: Layout, link: string) => link === path.join(layout.profilesDir, "system");

/** After a change to the system profile outside `cairn system`: its boot entries follow. */
export async function keepSystemEspInStep(ctx: Context, pc: ProfileContext): Promise<void> {
  if (!isSystemProfileLink(pc.layout, pc.ref.link)) return;
  const { keepEspInStep } = await import("../system-esp.js");
  await keepEspInStep(ctx, pc.layout, pc.ref.link);
}

export async function rollbackCommand(ctx: Context, opts: ProfileOpts): Promise<void> {
  const pc = profileContext(ctx, opts);
  const r = await rollback(pc);
  err(`switching profile from version ${r.from} to ${r.to}\n`);
  await keepSystemEspInStep(ctx, pc);
}

export async function switchGenerationCommand(ctx: Context, n: string, opts: ProfileOpts): Promise<void> {
  const pc = profileContext(ctx, opts);
  const r = await switchTo(pc, parseGeneration(n));
  err(`switching profile from version ${r.from ?? "none"} to ${r.to}\n`);
  await keepSystemEspInStep(ctx, pc);
}

const VALUE_FLAGS: Record<string, keyof ProfileOpts> = { "--profile": "profile", "--root": "root", "--store-dir": "storeDir" };

/**
 * `[rollback|switch-generation] ARGS…` parsed by hand, or undefined when commander must see them
 * (anything but the plain forms: flags it would explain or reject, `--`, a value that looks like a
 * flag, a repeated flag, a wrong number of arguments).
 */
export function parseSwitchArgs(args: readonly string[]): { sub: "rollback" | "switch-generation"; n?: string; opts: ProfileOpts } | undefined {
  const [sub, ...rest] = args;
  if (sub !== "rollback" && sub !== "switch-generation") return undefined;
  const opts: ProfileOpts = {};
  const positional: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (!a.startsWith("-")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const flag = eq < 0 ? a : a.slice(0, eq);
    const key = VALUE_FLAGS[flag];
    if (key === undefined || opts[key] !== undefined) return undefined;
    const value = eq < 0 ? rest[++i] : a.slice(eq + 1);
    if (value === undefined || value.startsWith("-")) return undefined;
    (opts as Record<string, string>)[key] = value;
  }
  if (positional.length !== (sub === "rollback" ? 0 : 1)) return undefined;
  return { sub, ...(sub === "switch-generation" ? { n: positional[0]! } : {}), opts };
}

/** Run `profile rollback|switch-generation` (args after `profile`) if plain; false: use commander. */
export async function runFast(ctx: Context, args: readonly string[]): Promise<boolean> {
  const p = parseSwitchArgs(args);
  if (p === undefined) return false;
  if (p.sub === "rollback") await rollbackCommand(ctx, p.opts);
  else await switchGenerationCommand(ctx, p.n!, p.opts);
  return true;
}
