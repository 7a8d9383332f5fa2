import { type Context, type GlobalOptions } from "../context.js";
import type { Layout } from "../../store/layout.js";
import { type ProfileContext } from "../../profiles/switch.js";
export interface ProfileOpts extends GlobalOptions {
    profile?: string;
}
export declare function profileContext(ctx: Context, opts: ProfileOpts): ProfileContext;
export declare function parseGeneration(v: string): number;
/**
 * The system profile's link: `profiles/system` (DESIGN.md §5; profiles/system's systemProfileRef,
 * which a test holds this to). Checked first so other profiles never load the system modules.
 */
export declare const isSystemProfileLink: (layout: Layout, link: string) => boolean;
/** After a change to the system profile outside `cairn system`: its boot entries follow. */
export declare function keepSystemEspInStep(ctx: Context, pc: ProfileContext): Promise<void>;
export declare function rollbackCommand(ctx: Context, opts: ProfileOpts): Promise<void>;
export declare function switchGenerationCommand(ctx: Context, n: string, opts: ProfileOpts): Promise<void>;
/**
 * `[rollback|switch-generation] ARGS…` parsed by hand, or undefined when commander must see them
 * (anything but the plain forms: flags it would explain or reject, `--`, a value that looks like a
 * flag, a repeated flag, a wrong number of arguments).
 */
export declare function parseSwitchArgs(args: readonly string[]): {
    sub: "rollback" | "switch-generation";
    n?: string;
    opts: ProfileOpts;
} | undefined;
/** Run `profile rollback|switch-generation` (args after `profile`) if plain; false: use commander. */
export declare function runFast(ctx: Context, args: readonly string[]): Promise<boolean>;
