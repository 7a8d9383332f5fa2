// Keeping the ESP in step when the system profile changes outside `cairn system`: after
// `profile delete-generations|rollback|switch-generation --profile system` and
// `gc --delete-older-than`. gc/ does not import profiles/ (DESIGN.md §1), so the CLI composes
// them: it re-syncs the entries on the ESP that `cairn system` remembered.
import type { Layout } from "../store/layout.js";
import { CairnError } from "../store/format/errors.js";
import { err, type Context } from "./context.js";

/** Re-sync the remembered ESP if `profileLink` is the system profile; a failure is a warning. */
export async function keepEspInStep(ctx: Context, layout: Layout, profileLink: string): Promise<void> {
  const sys = await import("../profiles/system/system-profile.js");
  const ref = sys.systemProfileRef(layout);
  if (profileLink !== ref.link) return;
  const esp = sys.rememberedEsp(layout);
  if (esp === undefined) return;
  const { systemContext } = await import("./commands/system.js");
  try {
    const r = await sys.syncBootEntries(await systemContext(ctx, layout), { esp });
    if (r.written + r.removed > 0) err(`boot entries on '${esp}' brought in step with the system profile\n`);
  } catch (e) {
    if (!(e instanceof CairnError)) throw e;
    err(`warning: the boot entries on '${esp}' still show the old system generations: ${e.message} (run 'cairn system list --esp DIR' once the ESP is there)\n`);
  }
}
