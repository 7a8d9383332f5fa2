import type { Command } from "commander";
import type { Layout } from "../../store/layout.js";
import { type Context } from "../context.js";
import type { ProfileContext } from "../../profiles/switch.js";
export declare function systemContext(ctx: Context, layout: Layout): Promise<ProfileContext>;
export declare function register(program: Command, ctx: Context): void;
