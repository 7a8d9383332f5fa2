import type { Command } from "commander";
import { type Context } from "../context.js";
export declare function register(program: Command, ctx: Context): void;
