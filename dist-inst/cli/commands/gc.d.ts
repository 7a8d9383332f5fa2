import type { Command } from "commander";
import { type Context } from "../context.js";
/** BYTES with an optional K/M/G/T suffix (powers of 1024), as Nix's --max-freed takes. */
export declare function parseBytes(s: string): number;
export declare function register(program: Command, ctx: Context): void;
