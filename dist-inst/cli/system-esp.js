import { CairnError } from "../store/format/errors.js";
import { err } from "./context.js";
/** Re-sync the remembered ESP if `profileLink` is the system profile; a failure is a warning. */
export async function keepEspInStep(ctx, layout, profileLink) {
    const sys = await import("../profiles/system/system-profile.js");
    const ref = sys.systemProfileRef(layout);
    if (profileLink !== ref.link)
        return;
    const esp = sys.rememberedEsp(layout);
    if (esp === undefined)
        return;
    const { systemContext } = await import("./commands/system.js");
    try {
        const r = await sys.syncBootEntries(await systemContext(ctx, layout), { esp });
        if (r.written + r.removed > 0)
            err(`boot entries on '${esp}' brought in step with the system profile\n`);
    }
    catch (e) {
        if (!(e instanceof CairnError))
            throw e;
        err(`warning: the boot entries on '${esp}' still show the old system generations: ${e.message} (run 'cairn system list --esp DIR' once the ESP is there)\n`);
    }
}
//# sourceMappingURL=system-esp.js.map