// cairn profile install|remove|upgrade|list|history|rollback|switch-generation|delete-generations|
// diff|env  (nix-env -i/-e/-u/-q/--list-generations/--rollback/--switch-generation/
// --delete-generations, nvd diff). Parses flags, calls profiles/, prints. Heavy modules (the
// store's LMDB, the evaluator) load only in the actions that need them: rollback, switch, list,
// history and env never open the database.
import path from "node:path";
import type { Command } from "commander";
import { CairnError } from "../../store/format/errors.js";
import { err, LazyStore, out, openStore, type Context } from "../context.js";
import { commandGroup, storeOptions } from "../options.js";
import type { LocalStore } from "../../store/local-store.js";
import type { Manifest, ManifestElement } from "../../profiles/manifest.js";
import type { ProfileContext } from "../../profiles/switch.js";
import type { InfoCache } from "../../profiles/user-env.js";
import {
  isSystemProfileLink,
  keepSystemEspInStep,
  parseGeneration,
  profileContext,
  rollbackCommand,
  switchGenerationCommand,
  type ProfileOpts,
} from "./profile-switch.js";

function sub(parent: Command, name: string, description: string): Command {
  return storeOptions(parent.command(name).description(description)).option("--profile <name|path>", "the profile (default: default)");
}

const collect = (v: string, acc: string[]) => [...acc, v];

function parsePriority(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw new CairnError("E_USAGE", `--priority '${v}': expected an integer`, { priority: v });
  return Number(v);
}

const date = (s: number) => new Date(s * 1000).toISOString().replace("T", " ").replace(/\.\d+Z$/, "");

/** install/remove/upgrade: build the new generation, print the diff, switch. */
async function change(
  ctx: Context,
  opts: ProfileOpts,
  command: string,
  /**
   * Evaluates what is needed (outside the lock) while the store opens (`opening`); returns the
   * change to apply, or nothing to do.
   */
  prepare: (opening: PromiseLike<LocalStore>, pc: ProfileContext, infos: InfoCache) => Promise<((m: Manifest) => Manifest) | undefined>,
): Promise<void> {
  const pc = profileContext(ctx, opts);
  if (isSystemProfileLink(pc.layout, pc.ref.link)) {
    // Its generations are system toplevels with boot entries, not package environments.
    throw new CairnError("E_USAGE", `'${pc.ref.link}' is the system profile: change it with 'cairn system switch'`, { profile: pc.ref.link });
  }
  // Opened when first awaited: a recipe's evaluation is sent to its thread before.
  const opening = new LazyStore(() => openStore(ctx, opts));
  // Loaded while the recipe evaluates (this thread mostly waits for it then).
  const loading = Promise.all([import("../../profiles/profile.js"), import("../../profiles/diff.js")]);
  loading.catch(() => {}); // awaited below
  try {
    // Path infos prepare read under this process's temp roots: the environment's checks reuse them.
    const infos: InfoCache = new Map();
    const f = await prepare(opening, pc, infos);
    if (f === undefined) return;
    const store = await opening;
    const [{ changeProfile }, { printElementDiff }] = await loading;
    const r = await changeProfile(store, pc, command, f, (d, before, afterPath) => {
      const label = (g: number | undefined, p: string | undefined) => (g === undefined ? "(empty profile)" : `generation ${g}: ${p}`);
      out(printElementDiff(d, label(before.generation, before.storePath), `new: ${afterPath}`));
    }, infos);
    if (r.generation === undefined) err(`profile '${pc.ref.link}' unchanged: no new generation\n`);
    else err(`switched profile '${pc.ref.link}' to generation ${r.generation}${r.parent !== undefined ? ` (from ${r.parent})` : ""}\n`);
  } finally {
    await opening.close();
  }
}

export function register(program: Command, ctx: Context): void {
  const profile = commandGroup(program, "profile", "user profiles: generations of installed packages (nix-env)");

  sub(profile, "install", "install packages from a recipe (FILE.ts [-A ATTR]…) or store paths")
    .argument("<installables...>", "recipe files or store paths")
    .option("-A, --attr <attr>", "attribute path in the recipe (repeatable)", collect, [] as string[])
    .option("--priority <n>", "collision priority of what is installed (lower wins; default 5)")
    .option("--no-eval-cache", "evaluate the recipe even if the evaluation cache has it (as CAIRN_EVAL_CACHE=0)") // read by cli/cli.ts
    .action(async (items: string[], opts) => {
      const priority = parsePriority(opts.priority);
      await change(ctx, opts, "install", async (opening, pc, infos) => {
        const { resolveInstallables } = await import("../installables.js");
        const { addElements, fullName } = await import("../../profiles/manifest.js");
        const els = await resolveInstallables(ctx, opening, pc.layout.storeDir, items, opts.attr, priority, infos);
        if (els.length === 0) throw new CairnError("E_USAGE", "nothing to install", {});
        err(els.map((e) => `installing '${fullName(e)}'\n`).join("")); // one write for all
        return (m) => addElements(m, els).manifest;
      });
    });

  sub(profile, "remove", "remove installed packages by name or index (see list)")
    .argument("<names...>", "NAME, NAME-VERSION or INDEX")
    .action(async (names: string[], opts) => {
      await change(ctx, opts, "remove", async () => {
        const { removeElements, fullName } = await import("../../profiles/manifest.js");
        return (m) => {
          const r = removeElements(m, names);
          err(r.removed.map((e) => `uninstalling '${fullName(e)}'\n`).join(""));
          return r.manifest;
        };
      });
    });

  sub(profile, "upgrade", "evaluate the recorded recipes again and install what changed")
    .argument("[names...]", "only these packages (default: all with a recipe)")
    .action(async (names: string[], opts) => {
      await change(ctx, opts, "upgrade", async (opening, pc) => {
        const { readCurrent } = await import("../../profiles/profile.js");
        const { selectElements, sortElements, fullName } = await import("../../profiles/manifest.js");
        const { fromRecipe } = await import("../installables.js");
        const cur = readCurrent(pc).manifest;
        const es = sortElements(cur.elements);
        const chosen = names.length > 0 ? [...selectElements(cur, names)].map((i) => es[i]!) : es;
        const replacements = new Map<string, ManifestElement>();
        for (const e of chosen) {
          if (e.origin === undefined) {
            if (names.length > 0) err(`'${fullName(e)}' was installed from a store path: nothing to upgrade it from\n`);
            continue;
          }
          const [n] = await fromRecipe(ctx, opening, pc.layout.storeDir, e.origin.file, e.origin.attr === "" ? [] : [e.origin.attr], e.priority);
          if (n === undefined) continue;
          if (n.storePaths.join(" ") !== e.storePaths.join(" ")) {
            err(`upgrading '${fullName(e)}' to '${fullName(n)}'\n`);
            replacements.set(e.name, n);
          }
        }
        if (replacements.size === 0) {
          err("nothing to upgrade\n");
          return undefined;
        }
        // Applied to the manifest current under the lock: elements another process changed meanwhile stay as they are.
        return (m) => ({ version: 1, elements: sortElements(m.elements.map((e) => replacements.get(e.name) ?? e)) });
      });
    });

  sub(profile, "list", "list installed packages")
    .option("--json", "print the manifest's elements as JSON")
    .action(async (opts) => {
      const pc = profileContext(ctx, opts);
      const { readCurrent } = await import("../../profiles/profile.js");
      const { sortElements, fullName } = await import("../../profiles/manifest.js");
      const es = sortElements(readCurrent(pc).manifest.elements);
      if (opts.json) out(JSON.stringify(es.map((e, index) => ({ index, ...e }))) + "\n");
      else
        for (const [i, e] of es.entries()) {
          const from = e.origin ? `  ${e.origin.file}${e.origin.attr ? `#${e.origin.attr}` : ""}` : "";
          out(`${i}  ${fullName(e)}  ${e.storePaths.join(" ")}${e.priority !== 5 ? `  priority ${e.priority}` : ""}${from}\n`);
        }
    });

  sub(profile, "history", "list generations with their dates, parents and changes")
    .option("--json", "print JSON")
    .action(async (opts) => {
      const pc = profileContext(ctx, opts);
      const { history } = await import("../../profiles/profile.js");
      const { summariseDiff } = await import("../../profiles/diff.js");
      const h = history(pc);
      if (opts.json) out(JSON.stringify(h.map((e) => ({ ...e, date: new Date(e.created * 1000).toISOString() }))) + "\n");
      else
        for (const e of h) {
          out(
            `${String(e.generation).padStart(4)}   ${date(e.created)}   ${e.parent === null ? "first" : `from ${e.parent}`}${e.current ? "   (current)" : ""}   ${
              e.changes ? summariseDiff(e.changes) : "?"
            }\n`,
          );
        }
    });

  sub(profile, "rollback", "switch to the generation the current one was made from").action(async (opts: ProfileOpts) => {
    await rollbackCommand(ctx, opts);
  });

  sub(profile, "switch-generation", "switch to generation N")
    .argument("<n>", "generation number")
    .action(async (n: string, opts: ProfileOpts) => {
      await switchGenerationCommand(ctx, n, opts);
    });

  sub(profile, "delete-generations", "delete generations: old | N… | +N (keep the last N) | Nd (older than N days)")
    .argument("<spec...>")
    .action(async (spec: string[], opts) => {
      const pc = profileContext(ctx, opts);
      const { deleteGenerations } = await import("../../profiles/profile.js");
      const { parseDeleteSpec } = await import("../../profiles/gen-spec.js");
      await deleteGenerations(pc, parseDeleteSpec(spec));
      await keepSystemEspInStep(ctx, pc);
    });

  sub(profile, "diff", "what changed between two generations (default: the current one and its parent)")
    .argument("[a]", "generation number")
    .argument("[b]", "generation number")
    .option("--json", "print JSON")
    .action(async (a: string | undefined, b: string | undefined, opts) => {
      if ((a === undefined) !== (b === undefined)) throw new CairnError("E_USAGE", "give two generations, or none", {});
      const pc = profileContext(ctx, opts);
      const g = await import("../../profiles/generations.js");
      const p = await import("../../profiles/profile.js");
      const { diffManifests, printElementDiff } = await import("../../profiles/diff.js");
      let na: number | undefined;
      let nb: number;
      if (a !== undefined) {
        na = parseGeneration(a);
        nb = parseGeneration(b!);
      } else {
        const cur = g.currentGeneration(pc.ref);
        if (cur === undefined) throw new CairnError("E_PROFILE_NO_GENERATION", `profile '${pc.ref.link}' does not exist`, {});
        nb = cur;
        na = g.parentOf(pc.ref, cur);
      }
      const ga = na === undefined ? undefined : g.getGeneration(pc.ref, na);
      const gb = g.getGeneration(pc.ref, nb);
      const store = await openStore(ctx, opts);
      try {
        const d = diffManifests(ga ? p.manifestOf(pc.layout, ga.storePath) : { version: 1, elements: [] }, p.manifestOf(pc.layout, gb.storePath), {
          before: p.closureOf(store, ga ? [ga.storePath] : []),
          after: p.closureOf(store, [gb.storePath]),
        });
        if (opts.json) out(JSON.stringify(d) + "\n");
        else out(printElementDiff(d, ga ? `generation ${ga.number}: ${ga.storePath}` : "(nothing)", `generation ${gb.number}: ${gb.storePath}`));
      } finally {
        await store.close();
      }
    });

  sub(profile, "env", "print shell lines that put the profile on PATH, MANPATH, INFOPATH and XDG_DATA_DIRS").action(async (opts) => {
    const pc = profileContext(ctx, opts);
    const { envLines } = await import("../../profiles/env-lines.js");
    // The profile link's own path, resolved: a later switch applies to shells already set up.
    out(envLines(path.resolve(pc.ref.link)));
  });
}
