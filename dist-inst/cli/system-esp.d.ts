import type { Layout } from "../store/layout.js";
import { type Context } from "./context.js";
/** Re-sync the remembered ESP if `profileLink` is the system profile; a failure is a warning. */
export declare function keepEspInStep(ctx: Context, layout: Layout, profileLink: string): Promise<void>;
